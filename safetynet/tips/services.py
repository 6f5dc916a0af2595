"""All writes to tips: intake from every channel, triage actions, escalation.

Intake is deliberately forgiving about how things are typed and strict about what is
stored: a tip either arrives whole (content encrypted, routed, hashed indicators, audit
event, notifications queued) or not at all.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import memberships_with
from safetynet.agencies.models import Jurisdiction, Membership
from safetynet.audit.services import record, record_access, record_many
from safetynet.core.models import StaleEdit, next_serial
from safetynet.core.receipts import RECEIPT_ALPHABET, receipt_code, receipt_digest  # noqa: F401 (used by views)
from safetynet.core.services import acting_membership
from safetynet.notifications.services import notify, notify_many
from safetynet.people import vault

from . import indicators, photos, routing
from .models import DeadLetter, Tip, TipEvent, TipIndicator, TipPhoto, TipReporter, TipRouting

logger = logging.getLogger(__name__)

MAX_TEXT = 4000  # characters per free-text field: a long SMS thread, not a document

# How soon someone must acknowledge a tip (settings.SAFETYNET_TIP_ACK_MINUTES overrides).
ACK_MINUTES: dict[str, int] = {Tip.Urgency.IMMEDIATE: 30, Tip.Urgency.URGENT: 4 * 60, Tip.Urgency.ROUTINE: 24 * 60}
# Categories that are urgent even when nothing is happening "right now".
URGENT_CATEGORIES = {Tip.Category.MISSING, Tip.Category.HELD, Tip.Category.BORDER}


@dataclass
class TipInput:
    """What any channel extracts from a submission, before validation."""

    category: str
    jurisdiction_code: str
    seen_at: datetime.datetime | None = None
    place: str = ""
    description: str = ""
    people: str = ""
    phones: str = ""
    vehicles: str = ""
    happening_now: bool = False
    latitude: Decimal | float | str | None = None
    longitude: Decimal | float | str | None = None
    reporter: dict = field(default_factory=dict)  # name, phone, email, may_contact
    photos: list[bytes] = field(default_factory=list)  # raw uploads; cleaned in validate()


def ack_minutes(urgency: str) -> int:
    return getattr(settings, "SAFETYNET_TIP_ACK_MINUTES", {}).get(urgency, ACK_MINUTES[urgency])


def urgency_for(category: str, happening_now: bool) -> str:
    if happening_now:
        return Tip.Urgency.IMMEDIATE
    return Tip.Urgency.URGENT if category in URGENT_CATEGORIES else Tip.Urgency.ROUTINE


def _coordinate(value, low: int, high: int, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(_("The %(what)s from the phone's location is not a number.") % {"what": label}) from None
    if not number.is_finite() or not (low <= number <= high):
        raise ValidationError(_("The %(what)s from the phone's location is out of range.") % {"what": label})
    return number.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def validate(data: TipInput, now: datetime.datetime) -> routing.Place:
    errors: dict[str, list[str]] = {}
    if data.category not in Tip.Category.values:
        errors["category"] = [_("Choose what you saw.")]
    place = routing.place_for_code(data.jurisdiction_code) if data.jurisdiction_code else None
    if place is None:
        errors["jurisdiction"] = [_("Choose the district where it happened.")]
    elif place.level in (Jurisdiction.Level.COUNTRY, Jurisdiction.Level.STATE):
        errors["jurisdiction"] = [_("Choose the district, not only the state or country.")]
    for name in ("place", "description", "people", "phones", "vehicles"):
        if len(getattr(data, name) or "") > MAX_TEXT:
            errors[name] = [_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT}]
    if data.seen_at and data.seen_at > now + datetime.timedelta(minutes=10):
        errors["seen_at"] = [_("The time it was seen cannot be in the future.")]
    if not (data.description or data.people or data.phones or data.vehicles).strip():
        errors["description"] = [_("Please describe what you saw.")]
    reporter = data.reporter or {}
    if reporter.get("phone") and not indicators.normalise_phone(reporter["phone"]):
        errors["reporter_phone"] = [_("This phone number looks incomplete.")]
    if len(data.photos) > photos.MAX_PHOTOS:
        errors["photos"] = [_("Attach at most %(n)s photos.") % {"n": photos.MAX_PHOTOS}]
    else:
        for raw in data.photos:
            try:
                photos.clean_photo(raw)
            except ValidationError as exc:
                errors.setdefault("photos", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    assert place is not None
    return place


def submit_tip(*, actor, channel: str, data: TipInput, idempotency_key: str | None = None,
               now: datetime.datetime | None = None, defer_filing: bool = False) -> tuple[Tip, str, bool]:
    """Store a tip from any channel. Returns (tip, receipt code, created).

    ``actor`` is the signed-in vigilance member, or None for the public, SMS and ODK
    channels (the audit trail then names the channel). With an ``idempotency_key`` a
    retried submission returns the first tip and the same receipt instead of a copy.

    Intake is two steps. Receiving (here, in the request) is one short transaction: the
    tip row with its encrypted content, and the reporter and photos when given; once it
    commits the reporter gets a receipt and the tip cannot be lost. Filing
    (``file_tips``) routes it, numbers it, hashes its phone and vehicle numbers, alerts the
    triagers and writes the audit event. It runs right after receiving, unless
    ``defer_filing`` leaves it to the filer process (``manage.py file_tips --loop``, set
    by SAFETYNET_TIP_FILING=worker for the public form), which files hundreds of tips
    per transaction; ``escalate_tips`` also files any tip still waiting.
    """
    now = now or timezone.now()
    key = idempotency_key.strip()[:80] if idempotency_key else None
    committee = acting_membership(actor, policy.Cap.TIP_SUBMIT).agency if actor is not None else None
    place = validate(data, now)
    receipt = receipt_code(key)
    try:
        with transaction.atomic():
            tip = _receive(actor, channel, data, place, receipt, key, committee, now)
    except IntegrityError:
        # A retry of a submission already stored (its answer was lost, or two retries raced):
        # the unique key found it, so no SELECT is needed on the usual path.
        existing = Tip.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, receipt, False
    if not defer_filing:
        try:
            file_tips(only=[tip.pk])
        except Exception:  # the tip is stored and stays queued: the filer or escalate_tips files it
            logger.exception("filing tip %s failed; it waits for the filer", tip.pk)
        tip.refresh_from_db()
    return tip, receipt, True


def _receive(actor, channel, data: TipInput, place: routing.Place, receipt, key, committee, now) -> Tip:
    urgency = urgency_for(data.category, data.happening_now)
    tip = Tip(
        receipt_hash=receipt_digest(receipt), idempotency_key=key, channel=channel, category=data.category,
        urgency=urgency, jurisdiction_id=place.pk, seen_at=data.seen_at or now, received_at=now,
        ack_due_at=now + datetime.timedelta(minutes=ack_minutes(urgency)),
        latitude=_coordinate(data.latitude, -90, 90, _("latitude")),
        longitude=_coordinate(data.longitude, -180, 180, _("longitude")),
        submitted_by=actor, committee=committee,
    )
    for name in Tip.ENCRYPTED:
        tip.set_text(name, (getattr(data, name) or "").strip())
    tip.save()
    for raw in data.photos:
        content, content_type, width, height = photos.clean_photo(raw)
        photo = TipPhoto(tip=tip, content_type=content_type, width=width, height=height, size=len(content))
        photo.content_enc = vault.encrypt(content, photo.context())
        photo.save()
    reporter = {k: (v or "").strip() if isinstance(v, str) else v for k, v in (data.reporter or {}).items()}
    if any(reporter.get(f) for f in TipReporter.FIELDS):
        who = TipReporter(tip=tip, may_contact=bool(reporter.get("may_contact")))
        for f in TipReporter.FIELDS:
            who.set_field(f, reporter.get(f) or "")
        who.save()
    return tip


def file_tips(*, limit: int = 500, only: list[int] | None = None) -> int:
    """File tips waiting in the intake queue, oldest first, at most ``limit`` in one
    transaction; returns how many. Safe to run in several processes at once: each takes
    the rows nobody else holds (SKIP LOCKED on PostgreSQL; SQLite has one writer anyway)."""
    from django.db import connection

    with transaction.atomic():
        waiting = Tip.objects.filter(filed_at__isnull=True).order_by("pk")
        if only is not None:
            waiting = waiting.filter(pk__in=only)
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        tips = list(waiting[:limit])
        if not tips:
            return 0
        _file(tips)
    return len(tips)


def _file(tips: list[Tip]) -> None:
    now = timezone.now()
    places = Jurisdiction.objects.in_bulk({t.jurisdiction_id for t in tips})
    by_prefix: dict[str, list[Tip]] = {}
    for tip in tips:
        tip.jurisdiction = places[tip.jurisdiction_id]
        place = routing.place_for_code(tip.jurisdiction.code)
        short = place.district_short_code if place else tip.jurisdiction.short_code
        by_prefix.setdefault(f"TIP-{short}-{tip.received_at.year}", []).append(tip)
    # Counters in a fixed order, so two filers never wait on each other's rows crosswise.
    for prefix in sorted(by_prefix):
        members = by_prefix[prefix]
        first = next_serial(prefix, len(members))
        for offset, tip in enumerate(members):
            tip.reference = f"{prefix}-{first + offset:06d}"
            tip.filed_at = now
    Tip.objects.bulk_update(tips, ["reference", "filed_at"])

    indicator_rows, routing_rows, events, alerts, audits = [], [], [], [], []
    has_reporter = set(TipReporter.objects.filter(tip__in=tips).values_list("tip_id", flat=True))
    photo_counts = dict(TipPhoto.objects.filter(tip__in=tips).values("tip_id")
                        .annotate(n=models.Count("id")).values_list("tip_id", "n"))
    triagers: dict[frozenset[int], list] = {}
    # Alerts are read by officers, not by whoever sent the tip: the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for tip in tips:
            content = tip.content()
            found = [(TipIndicator.Kind.PHONE, p)
                     for p in indicators.phones_in(f"{content['phones']}\n{content['description']}")]
            found += [(TipIndicator.Kind.VEHICLE, v)
                      for v in indicators.vehicles_in(f"{content['vehicles']}\n{content['description']}")]
            indicator_rows += [TipIndicator(tip=tip, kind=k, digest=vault.blind_index(k, v)) for k, v in found]
            routes = routing.route(tip.jurisdiction)
            routing_rows += [TipRouting(tip=tip, agency=a, reason=why[:200]) for a, why in routes]
            events.append(TipEvent(tip=tip, at=tip.received_at, actor_id=tip.submitted_by_id, action="received"))
            agencies = frozenset(a.pk for a, _why in routes)
            if agencies:
                if agencies not in triagers:
                    triagers[agencies] = list(_triagers([a for a, _why in routes]))
                alerts.append(_triager_alert(tip, triagers[agencies]))
            audits.append({"actor": tip.submitted_by, "action": "tip.submit", "obj": tip,
                           "agency": routes[0][0] if routes else None,
                           "changes": {"channel": tip.channel, "category": tip.category, "urgency": tip.urgency,
                                       "place": tip.jurisdiction.code,
                                       "routed_to": [a.short_code for a, _why in routes],
                                       "reporter_given": tip.pk in has_reporter,
                                       "photos": photo_counts.get(tip.pk, 0)}})
    TipIndicator.objects.bulk_create(indicator_rows)
    TipRouting.objects.bulk_create(routing_rows)
    TipEvent.objects.bulk_create(events)
    notify_many(alerts)
    # Last: the audit chain head is locked from here to the commit, for every writer.
    record_many(audits)


def tip_has_reporter(tip: Tip) -> bool:
    return TipReporter.objects.filter(tip=tip).exists()


def _triagers(agencies, roles=None):
    from safetynet.accounts.models import User

    memberships = Membership.objects.filter(agency__in=agencies, is_active=True, user__is_active=True)
    roles = roles or [r for r in policy.MATRIX if policy.role_has(r, policy.Cap.TIP_TRIAGE)]
    return User.objects.filter(pk__in=memberships.filter(role__in=roles).values("user_id"))


def _triager_alert(tip: Tip, users) -> tuple:
    minutes = ack_minutes(tip.urgency)
    message = _("New %(urgency)s tip %(ref)s (%(what)s) in %(place)s: acknowledge within %(when)s.") % {
        "urgency": tip.get_urgency_display().split(":")[0].lower(), "ref": tip.reference,
        "what": tip.get_category_display().lower(), "place": tip.jurisdiction.name,
        "when": _("%(n)s minutes") % {"n": minutes} if minutes < 120 else _("%(n)s hours") % {"n": minutes // 60}}
    return (users, message, f"/tips/{tip.public_id}/", tip.urgency == Tip.Urgency.IMMEDIATE)


# --------------------------------------------------------------------------- triage


def _check(actor, tip: Tip, capability: str = policy.Cap.TIP_TRIAGE) -> None:
    if not Tip.objects.visible_to(actor, capability).filter(pk=tip.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this tip."))


def _event(tip: Tip, actor, action: str, note: str = "", now=None) -> None:
    event = TipEvent(tip=tip, at=now or timezone.now(), actor=actor, action=action)
    if note:
        event.note_enc = vault.encrypt(note[:MAX_TEXT], f"{tip.public_id}:event")
    event.save()


def _move(actor, tip: Tip, expected_version: int, *, allowed_from, action: str, note: str = "",
          **fields) -> Tip:
    _check(actor, tip)
    if tip.status not in allowed_from:
        raise ValidationError(_("This tip is already “%(status)s”.") % {"status": tip.get_status_display()})
    before = tip.status
    for name, value in fields.items():
        setattr(tip, name, value)
    with transaction.atomic():
        tip.save_versioned(expected_version, list(fields))
        _event(tip, actor, action, note)
        record(actor=actor, action=f"tip.{action}", obj=tip, agency=_agency_of(actor, tip),
               changes={"status": {"before": before, "after": tip.status},
                        **{k: str(v) for k, v in fields.items() if k not in ("status", "acknowledged_at")}})
    return tip


def _agency_of(actor, tip: Tip):
    routed = set(tip.routings.values_list("agency_id", flat=True))
    for m in memberships_with(actor, policy.Cap.TIP_TRIAGE):
        if m.agency_id in routed:
            return m.agency
    options = memberships_with(actor, policy.Cap.TIP_TRIAGE)
    return options[0].agency if options else None


def acknowledge(*, actor, tip: Tip, expected_version: int, now=None) -> Tip:
    return _move(actor, tip, expected_version, allowed_from=(Tip.Status.NEW,), action="acknowledge",
                 status=Tip.Status.ACKNOWLEDGED, acknowledged_at=now or timezone.now())


def verify(*, actor, tip: Tip, expected_version: int, note: str = "") -> Tip:
    fields = {"status": Tip.Status.VERIFIED}
    if tip.acknowledged_at is None:
        fields["acknowledged_at"] = timezone.now()  # type: ignore[assignment]
    return _move(actor, tip, expected_version, allowed_from=(Tip.Status.NEW, Tip.Status.ACKNOWLEDGED),
                 action="verify", note=note, **fields)


def close(*, actor, tip: Tip, expected_version: int, reason: str, note: str = "") -> Tip:
    if reason not in Tip.CloseReason.values:
        raise ValidationError(_("Choose why the tip is closed."))
    fields = {"status": Tip.Status.CLOSED, "close_reason": reason}
    if tip.acknowledged_at is None:
        fields["acknowledged_at"] = timezone.now()  # type: ignore[assignment]
    return _move(actor, tip, expected_version, allowed_from=Tip.OPEN_STATUSES, action="close", note=note, **fields)


def merge(*, actor, tip: Tip, expected_version: int, into: Tip) -> Tip:
    """A duplicate: ``tip`` is folded into ``into`` (both must be visible; chains are followed)."""
    _check(actor, into)
    while into.merged_into_id:
        into = into.merged_into  # type: ignore[assignment]
    if into.pk == tip.pk:
        raise ValidationError(_("A tip cannot be merged into itself."))
    fields = {"status": Tip.Status.MERGED, "merged_into": into}
    if tip.acknowledged_at is None:
        fields["acknowledged_at"] = timezone.now()
    tip = _move(actor, tip, expected_version, allowed_from=Tip.OPEN_STATUSES, action="merge",
                note=str(into), **fields)
    _event(into, actor, "merged_in", str(tip))
    return tip


def convert_to_case(*, actor, tip: Tip, expected_version: int, title: str, kind: str = "other"):
    """Open a case from the tip (the AHTU's own case; the link is kept both ways)."""
    from safetynet.cases import services as case_services

    _check(actor, tip)
    if not tip.is_open:
        raise ValidationError(_("This tip is already “%(status)s”.") % {"status": tip.get_status_display()})
    with transaction.atomic():
        case = case_services.open_case(actor=actor, title=title, kind=kind, jurisdiction=tip.jurisdiction,
                                       summary=_("Opened from community report %(ref)s.") % {"ref": tip.reference})
        fields = {"status": Tip.Status.CONVERTED, "case": case, "converted_to": "case"}
        if tip.acknowledged_at is None:
            fields["acknowledged_at"] = timezone.now()
        _move(actor, tip, expected_version, allowed_from=Tip.OPEN_STATUSES, action="convert",
              note=case.reference, **fields)
    return case


def convert_to_rescue(*, actor, tip: Tip, expected_version: int, reason: str):
    """Ask for a rescue operation on the strength of the tip (link kept both ways)."""
    from safetynet.rescues.services import request_rescue

    _check(actor, tip)
    if not tip.is_open:
        raise ValidationError(_("This tip is already “%(status)s”.") % {"status": tip.get_status_display()})
    with transaction.atomic():
        rescue = request_rescue(actor=actor, jurisdiction=tip.jurisdiction, reason=reason, source_tip=tip)
        fields: dict = {"status": Tip.Status.CONVERTED, "converted_to": "rescue"}
        if tip.acknowledged_at is None:
            fields["acknowledged_at"] = timezone.now()
        _move(actor, tip, expected_version, allowed_from=Tip.OPEN_STATUSES, action="convert",
              note=rescue.reference, **fields)
    return rescue


def convert_to_missing(*, actor, tip: Tip, expected_version: int):
    """Record a missing-person report from the tip: place, time and description carried over."""
    from safetynet.missing.services import record_missing

    _check(actor, tip)
    if not tip.is_open:
        raise ValidationError(_("This tip is already “%(status)s”.") % {"status": tip.get_status_display()})
    content = tip.content()
    description = "\n\n".join(part for part in (content["people"], content["description"]) if part)
    with transaction.atomic():
        report = record_missing(actor=actor, jurisdiction=tip.jurisdiction, source="tip", description=description,
                                last_seen_at=tip.seen_at, source_tip=tip)
        fields: dict = {"status": Tip.Status.CONVERTED, "converted_to": "missing"}
        if tip.acknowledged_at is None:
            fields["acknowledged_at"] = timezone.now()
        _move(actor, tip, expected_version, allowed_from=Tip.OPEN_STATUSES, action="convert",
              note=report.reference, **fields)
    return report


def add_note(*, actor, tip: Tip, note: str) -> None:
    _check(actor, tip)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write something first."))
    if len(note) > MAX_TEXT:
        raise ValidationError(_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT})
    with transaction.atomic():
        _event(tip, actor, "note", note)
        record(actor=actor, action="tip.note", obj=tip, agency=_agency_of(actor, tip),
               changes={"length": len(note)})


def reveal_reporter(*, actor, tip: Tip) -> dict | None:
    """The reporter's contact, for an officer who must call back; the viewing is logged."""
    _check(actor, tip, policy.Cap.TIP_VIEW_REPORTER)
    who = TipReporter.objects.filter(tip=tip).first()
    if who is None:
        return None
    record_access(actor=actor, person_code=str(tip), fields=[f"reporter_{f}" for f in who.filled_fields()],
                  purpose="call back the reporter", agency=_agency_of(actor, tip))
    return {f: who.get_field(f) for f in who.FIELDS} | {"may_contact": who.may_contact}


def get_photo(*, actor, tip: Tip, index: int) -> TipPhoto | None:
    """A tip's photo for a triaging officer. A photo may show a victim's face, so every
    viewing is logged like an identity viewing."""
    _check(actor, tip)
    photo = tip.photos.all()[index] if 0 <= index < tip.photos.count() else None
    if photo is not None:
        record_access(actor=actor, person_code=str(tip), fields=[f"photo {index + 1}"], purpose="tip photo",
                      agency=_agency_of(actor, tip))
    return photo


def escalate_overdue(*, now: datetime.datetime | None = None) -> list[Tip]:
    """Tips nobody acknowledged in time go to the heads of the agencies they were routed to
    (and, for a border post, of the district's AHTU). Run every minute (``escalate_tips``)."""
    now = now or timezone.now()
    escalated = []
    due = Tip.objects.filter(status=Tip.Status.NEW, ack_due_at__lt=now, escalated_at__isnull=True)
    for tip in due.select_related("jurisdiction"):
        with transaction.atomic():
            if not Tip.objects.filter(pk=tip.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue  # another runner took it
            agencies = list(tip.routings.values_list("agency", flat=True))
            heads = _triagers(agencies + _district_ahtus(tip), roles=[policy.Role.AHTU_HEAD])
            late = int((now - tip.ack_due_at).total_seconds() // 60)
            _event(tip, None, "escalate", now=now)
            record(actor=None, action="tip.escalate", obj=tip, changes={"minutes_late": late,
                                                                       "heads": heads.count()})
            message = _("Tip %(ref)s (%(what)s, %(place)s) has not been acknowledged: it was due %(late)s "
                        "minutes ago.") % {"ref": tip.reference, "what": tip.get_category_display().lower(),
                                           "place": tip.jurisdiction.name, "late": late}
            notify(heads, message, link=f"/tips/{tip.public_id}/", urgent=True)
            escalated.append(tip)
    return escalated


def _district_ahtus(tip: Tip) -> list[int]:
    from safetynet.agencies.models import Agency

    district = tip.jurisdiction.ancestor(Jurisdiction.Level.DISTRICT)
    if district is None:
        return []
    return list(Agency.objects.filter(agency_type=Agency.Type.AHTU, jurisdiction=district).values_list("pk", flat=True))


def tip_summary(user, now: datetime.datetime | None = None) -> dict:
    """For the dashboard: open tips the user triages, how many are overdue, the most urgent."""
    now = now or timezone.now()
    open_tips = Tip.objects.visible_to(user).filter(status__in=Tip.OPEN_STATUSES)
    return {
        "open": open_tips.count(),
        "overdue": open_tips.filter(status=Tip.Status.NEW, ack_due_at__lt=now).count(),
        "immediate": open_tips.filter(urgency=Tip.Urgency.IMMEDIATE).count(),
        "first": list(open_tips.select_related("jurisdiction").order_by("ack_due_at")[:5]),
    }


def save_routing_rule(*, actor, rule) -> None:
    """An administrator's routing override (audited like every administrative change)."""
    from safetynet.core.services import require

    require(actor, policy.Cap.AGENCIES_MANAGE)
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        record(actor=actor, action="tips.routing_rule", obj=rule,
               changes={"place": rule.jurisdiction.code, "agency": rule.agency.short_code, "active": rule.is_active})


# --------------------------------------------------------------------------- dead letters


def keep_dead_letter(*, channel: str, reason: str, body: bytes, content_type: str = "") -> DeadLetter:
    """A submission that could not become a tip. Kept (encrypted) for an administrator."""
    with transaction.atomic():
        letter = DeadLetter(channel=channel, reason=reason[:300], content_type=content_type[:120], size=len(body))
        letter.set_payload(body)
        letter.save()
        record(actor=None, action="intake.dead_letter", obj=letter, changes={"channel": channel, "reason": reason[:300],
                                                                             "size": len(body)})
    return letter


def discard_dead_letter(*, actor, letter: DeadLetter) -> None:
    if not memberships_with(actor, policy.Cap.INTAKE_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))
    with transaction.atomic():
        DeadLetter.objects.filter(pk=letter.pk).update(state=DeadLetter.State.DISCARDED, payload_enc="")
        record(actor=actor, action="intake.discard", obj=letter, changes={"channel": letter.channel})


__all__ = ["TipInput", "submit_tip", "acknowledge", "verify", "close", "merge", "convert_to_case", "add_note",
           "reveal_reporter", "escalate_overdue", "keep_dead_letter", "discard_dead_letter", "StaleEdit"]
