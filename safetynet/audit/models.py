"""Append-only, hash-chained records of every write (AuditEvent) and every display of
identity data (AccessEvent).

Each row stores the SHA-256 of its own canonical content plus the previous row's hash, so
editing or deleting any row breaks the chain from that point on; ``manage.py verify_audit``
walks both chains and names the first broken row. The ORM refuses updates and deletes;
the chain catches what is done behind the ORM's back (SQL console, restored backup).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit records are append-only")

    def delete(self):
        raise PermissionError("audit records are append-only")

    def for_agency(self, agency_ids):
        return self.filter(agency_id__in=agency_ids)


class ChainedEvent(models.Model):
    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Kept as text so the trail still reads after a user is renamed or deactivated.
    actor_label = models.CharField(max_length=150)
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["seq"]

    HASHED_FIELDS: tuple[str, ...] = ()

    def canonical(self) -> str:
        data = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "agency": self.agency_id,
        }
        for field in self.HASHED_FIELDS:
            data[field] = getattr(self, field)
        return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records are append-only")


class AuditEvent(ChainedEvent):
    """Who changed what, when. ``changes`` holds before/after of non-identity fields only."""

    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, db_index=True)
    changes = models.JSONField(default=dict)
    HASHED_FIELDS = ("action", "object_type", "object_id", "changes")

    class Meta(ChainedEvent.Meta):
        verbose_name = _("audit event")


class AccessEvent(ChainedEvent):
    """Someone was shown identity data. Lists which fields, never their values."""

    person_code = models.CharField(max_length=40, db_index=True)
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=200)
    HASHED_FIELDS = ("person_code", "fields", "purpose")

    class Meta(ChainedEvent.Meta):
        verbose_name = _("identity access event")


class ChainHead(models.Model):
    """One row per chain, locked while appending so concurrent writers keep a single chain."""

    name = models.CharField(max_length=20, primary_key=True)
    last_hash = models.CharField(max_length=64, default=GENESIS)
