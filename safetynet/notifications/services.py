"""Writes to notifications."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(users: Iterable, message: str, *, link: str = "", urgent: bool = False) -> list[Notification]:
    """An in-app notification for each user; urgent ones also go out by email and SMS
    once the surrounding transaction commits (so a rolled-back tip alerts nobody)."""
    return notify_many([(users, message, link, urgent)])


def notify_many(alerts: Iterable[tuple[Iterable, str, str, bool]]) -> list[Notification]:
    """Several alerts ((users, message, link, urgent) each) in one INSERT: the tip filer
    sends hundreds at a time."""
    from .tasks import deliver

    now = timezone.now()
    rows = []
    for users, message, link, urgent in alerts:
        unique = {u.pk: u for u in users if u.is_active}
        rows += [Notification(user=u, created_at=now, message=message[:300], link=link, urgent=urgent)
                 for u in unique.values()]
    notes = Notification.objects.bulk_create(rows)
    for note in notes:  # bulk_create returns ids on PostgreSQL and SQLite ≥ 3.35
        if note.urgent:
            transaction.on_commit(partial(deliver.enqueue, note.pk))
    return notes


def mark_read(*, actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when no ids are given).

    Not audited: it changes nothing about a case, a person or a tip, only the actor's inbox."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
