"""Writing and verifying the audit chains. Every domain service calls ``record``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import GENESIS, AccessEvent, AuditEvent, ChainedEvent, ChainHead


def _lock_head(chain: str) -> ChainHead:
    # Must run inside the caller's transaction: the events commit or roll back with the write.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the transaction of the change")
    try:
        return ChainHead.objects.select_for_update().get(name=chain)
    except ChainHead.DoesNotExist:  # the first event of a new installation
        ChainHead.objects.get_or_create(name=chain)
        return ChainHead.objects.select_for_update().get(name=chain)


def _append_many(model: type[ChainedEvent], chain: str, rows: list[dict]) -> list[ChainedEvent]:
    """Append events to one chain under one lock of its head (a SELECT … FOR UPDATE, one
    INSERT, one UPDATE): every writer waits for this row, so it is held as briefly as possible."""
    head = _lock_head(chain)
    prev, at, events = head.last_hash, timezone.now(), []
    for fields in rows:
        event = model(at=at, prev_hash=prev, **fields)
        event.hash = prev = event.compute_hash()
        events.append(event)
    # One INSERT keeps the list order in ``seq``, which is the order verify_chain walks.
    model.objects.bulk_create(events)
    ChainHead.objects.filter(name=chain).update(last_hash=prev)
    return events


def _append(model: type[ChainedEvent], chain: str, **fields) -> ChainedEvent:
    return _append_many(model, chain, [fields])[0]


def _actor_fields(actor) -> dict:
    if actor is None:
        return {"actor": None, "actor_label": "system"}
    return {"actor": actor, "actor_label": actor.get_username()}


def record(*, actor, action: str, obj=None, object_type: str = "", object_id: str = "",
           changes: dict | None = None, agency=None) -> AuditEvent:
    """Append one AuditEvent. ``changes`` must never contain identity values."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    event = _append(
        AuditEvent, "audit", action=action, object_type=object_type, object_id=object_id,
        changes=changes or {}, agency=agency, **_actor_fields(actor),
    )
    assert isinstance(event, AuditEvent)
    return event


def record_many(entries: Iterable[dict]) -> list[AuditEvent]:
    """Append several AuditEvents at once (the tip filer files hundreds per transaction).
    Each entry has the keyword arguments of ``record``."""
    rows = []
    for entry in entries:
        obj = entry.get("obj")
        object_type, object_id = entry.get("object_type", ""), entry.get("object_id", "")
        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
        rows.append({"action": entry["action"], "object_type": object_type, "object_id": object_id,
                     "changes": entry.get("changes") or {}, "agency": entry.get("agency"),
                     **_actor_fields(entry["actor"])})
    if not rows:
        return []
    return [e for e in _append_many(AuditEvent, "audit", rows) if isinstance(e, AuditEvent)]


def record_access(*, actor, person_code: str, fields: Iterable[str], purpose: str, agency=None) -> AccessEvent:
    with transaction.atomic():
        event = _append(
            AccessEvent, "access", person_code=person_code, fields=sorted(fields), purpose=purpose[:200],
            agency=agency, **_actor_fields(actor),
        )
    assert isinstance(event, AccessEvent)
    return event


def diff(before: dict, after: dict) -> dict:
    """Before/after of the fields that changed, for the audit trail."""
    return {k: {"before": before.get(k), "after": after.get(k)} for k in after if before.get(k) != after.get(k)}


@dataclass
class ChainReport:
    chain: str
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(model: type[ChainedEvent], chain: str) -> ChainReport:
    """Walk the chain in order; the first row whose hash or link does not hold is reported.

    A deleted row shows up as the next row's prev_hash not matching; an edited row as its
    own hash not matching its content; a truncated tail as the head not matching.
    """
    prev = GENESIS
    checked = 0
    for event in model.objects.order_by("seq").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(chain, checked, event.seq, "link to the previous event is broken (a row was deleted "
                               "or inserted)")
        if event.compute_hash() != event.hash:
            return ChainReport(chain, checked, event.seq, "content does not match its hash (the row was edited)")
        prev = event.hash
        checked += 1
    head = ChainHead.objects.filter(name=chain).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(chain, checked, -1, "the newest events are missing (the chain was truncated)")
    return ChainReport(chain, checked)


def verify_all() -> list[ChainReport]:
    return [verify_chain(AuditEvent, "audit"), verify_chain(AccessEvent, "access")]
