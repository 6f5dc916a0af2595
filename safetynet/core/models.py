"""Shared model bases.

Every domain record gets a random public id (the only id that reaches URLs and the API,
so sequential primary keys never leak how many cases an agency holds), timestamps and a
version number for optimistic concurrency.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """Raised when an edit was made against an old version of a record."""

    def __init__(self, current_version: int):
        super().__init__(
            _("Someone else changed this record while you were editing it. "
              "Your changes were not saved; reload to see the latest version.")
        )
        self.current_version = current_version


class TimeStampedModel(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record people edit concurrently: every update must name the version it saw."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def save_versioned(self, expected_version: int, update_fields: list[str]) -> None:
        """Save only if nobody else saved since ``expected_version``.

        The version check sits in the UPDATE's WHERE clause, so two transactions that both
        read version 3 cannot both write: the second updates no row and gets StaleEdit.
        """
        from django.utils import timezone

        cls = type(self)
        values = {f: getattr(self, f) for f in update_fields}
        values["version"] = expected_version + 1
        values["updated_at"] = timezone.now()
        updated = cls._default_manager.filter(pk=self.pk, version=expected_version).update(**values)
        if updated != 1:
            current = cls._default_manager.filter(pk=self.pk).values_list("version", flat=True).first()
            raise StaleEdit(current or 0)
        self.version = expected_version + 1
        self.updated_at = values["updated_at"]


class CodeSequence(models.Model):
    """Per-prefix counters for pseudonymous person codes and case references."""

    prefix = models.CharField(max_length=40, primary_key=True)
    last = models.PositiveIntegerField(default=0)


def next_serial(prefix: str, count: int = 1) -> int:
    """Reserve ``count`` serials under ``prefix``; returns the first. Row-locked, so two
    registrations at once never get the same code. Call inside a transaction.

    One upsert statement (PostgreSQL and SQLite ≥ 3.35 both have ON CONFLICT … RETURNING):
    the counter row stays locked from here to the caller's COMMIT, so fewer round trips
    mean a shorter lock on the busiest counters (tip intake, bench/tip_intake.py)."""
    from django.db import connection

    table = connection.ops.quote_name(CodeSequence._meta.db_table)  # our own table name, never input
    upsert = (f'INSERT INTO {table} ("prefix", "last") VALUES (%s, %s) '  # noqa: S608
              f'ON CONFLICT ("prefix") DO UPDATE SET "last" = {table}."last" + excluded."last" RETURNING "last"')
    with connection.cursor() as cursor:
        cursor.execute(upsert, [prefix, count])
        last = cursor.fetchone()[0]
    return last - count + 1
