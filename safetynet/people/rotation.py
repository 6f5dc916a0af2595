"""Re-encrypt the vault under the active key (key rotation).

Procedure (README "Rotating the vault key"): put the new key first in
SAFETYNET_VAULT_KEYS (keep the old one after it), restart, run
``manage.py rotate_vault_key``; when it reports nothing left under old keys, remove the
old key. Rows edited while the rotation runs are skipped and picked up by the next run;
the rotation never overwrites an edit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from safetynet.audit.services import record
from safetynet.cases.models import CaseNote

from . import vault
from .models import PersonIdentity


def _needs_rotation(tokens: list[str], active: str) -> bool:
    return any(t and vault.key_id_of(t) != active for t in tokens)


def rotate(batch: int = 1000, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    vault.reload_keys()
    active = vault.keyring().active_id
    counts = {"identities": 0, "notes": 0, "skipped": 0}
    total_identities = PersonIdentity.objects.count()
    seen = 0
    last_pk = 0
    while True:
        rows = list(PersonIdentity.objects.filter(pk__gt=last_pk).select_related("person").order_by("pk")[:batch])
        if not rows:
            break
        with transaction.atomic():
            changed = 0
            for ident in rows:
                columns = ident.encrypted_columns()
                if not _needs_rotation([getattr(ident, c) for c in columns], active):
                    continue
                values = {}
                for column in columns:
                    token = getattr(ident, column)
                    field = column.removesuffix("_enc")
                    ctx = ident._context(field)
                    values[column] = vault.encrypt(vault.decrypt_bytes(token, ctx), ctx) if token else ""
                # Same version in the WHERE clause: an edit made meanwhile wins, we retry next run.
                if PersonIdentity.objects.filter(pk=ident.pk, version=ident.version).update(**values):
                    changed += 1
                else:
                    counts["skipped"] += 1
            if changed:
                record(actor=None, action="vault.rotate", object_type="people.personidentity",
                       object_id=f"batch>{last_pk}", changes={"rows": changed, "to_key": active})
            counts["identities"] += changed
        last_pk = rows[-1].pk
        seen += len(rows)
        if progress:
            progress("identities", seen, total_identities)
    last_pk = 0
    total_notes = CaseNote.objects.count()
    seen = 0
    while True:
        notes = list(CaseNote.objects.filter(pk__gt=last_pk).order_by("pk")[:batch])
        if not notes:
            break
        with transaction.atomic():
            changed = 0
            for note in notes:
                if not _needs_rotation([note.body_enc], active):
                    continue
                note.set_body(note.body)
                CaseNote.objects.filter(pk=note.pk).update(body_enc=note.body_enc)
                changed += 1
            if changed:
                record(actor=None, action="vault.rotate", object_type="cases.casenote",
                       object_id=f"batch>{last_pk}", changes={"rows": changed, "to_key": active})
            counts["notes"] += changed
        last_pk = notes[-1].pk
        seen += len(notes)
        if progress:
            progress("notes", seen, total_notes)
    for label, model, columns, context in _other_tables():
        counts[label] = _rotate_columns(model, columns, context, active, batch, label, progress)
    return counts


def _other_tables():
    """Tables outside people/cases that hold vault values: (label, model, columns, context of a row and field)."""
    from safetynet.tips.models import DeadLetter, Tip, TipEvent, TipPhoto, TipReporter

    return [
        ("tips", Tip, [f"{f}_enc" for f in Tip.ENCRYPTED], lambda row, f: f"{row.public_id}:{f}"),
        ("tip_reporters", TipReporter, [f"{f}_enc" for f in TipReporter.FIELDS],
         lambda row, f: f"{row.tip.public_id}:reporter_{f}"),
        ("tip_events", TipEvent, ["note_enc"], lambda row, f: f"{row.tip.public_id}:event"),
        ("dead_letters", DeadLetter, ["payload_enc"], lambda row, f: f"{row.public_id}:payload"),
        ("tip_photos", TipPhoto, ["content_enc"], lambda row, f: row.context()),
    ]


def _rotate_columns(model, columns, context, active, batch, label, progress) -> int:
    """Re-encrypt ``columns`` of every row still under an old key. The UPDATE names the old
    values, so a row changed meanwhile is left alone (and picked up by the next run)."""
    rotated, last_pk, seen = 0, 0, 0
    total = model.objects.count()
    related = ["tip"] if any(f.name == "tip" for f in model._meta.fields) else []
    while True:
        rows = list(model.objects.filter(pk__gt=last_pk).select_related(*related).order_by("pk")[:batch])
        if not rows:
            break
        with transaction.atomic():
            changed = 0
            for row in rows:
                tokens = {c: getattr(row, c) for c in columns}
                if not _needs_rotation(list(tokens.values()), active):
                    continue
                values = {}
                for column, token in tokens.items():
                    ctx = context(row, column.removesuffix("_enc"))
                    values[column] = vault.encrypt(vault.decrypt_bytes(token, ctx), ctx) if token else ""
                changed += model.objects.filter(pk=row.pk, **tokens).update(**values)
            if changed:
                record(actor=None, action="vault.rotate", object_type=model._meta.label_lower,
                       object_id=f"batch>{last_pk}", changes={"rows": changed, "to_key": active})
            rotated += changed
        last_pk = rows[-1].pk
        seen += len(rows)
        if progress:
            progress(label, seen, total)
    return rotated


def remaining_under_old_keys() -> int:
    active = vault.keyring().active_id
    n = 0
    for ident in PersonIdentity.objects.iterator(chunk_size=2000):
        n += _needs_rotation([getattr(ident, c) for c in ident.encrypted_columns()], active)
    for body in CaseNote.objects.values_list("body_enc", flat=True).iterator(chunk_size=2000):
        n += _needs_rotation([body], active)
    for _label, model, columns, _context in _other_tables():
        for tokens in model.objects.values_list(*columns).iterator(chunk_size=2000):
            n += _needs_rotation(list(tokens), active)
    return n
