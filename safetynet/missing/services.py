"""Writes to missing-person reports (issue 6 adds the family's report form and matching)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safetynet.access import policy
from safetynet.agencies.models import Agency, Jurisdiction
from safetynet.audit.services import record, record_access
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership
from safetynet.people.models import MAX_AGE  # one limit for every form that takes an age
from safetynet.tips import photos

from .models import MissingPersonReport, MissingPhoto


def record_missing(*, actor, jurisdiction, source: str, description: str, name: str = "", sex: str = "unknown",
                   last_seen_at=None, source_tip=None, other_names: list[str] | None = None,
                   family: dict | None = None, age: int | None = None,
                   birth_year: int | None = None, photos: list[bytes] | None = None) -> MissingPersonReport:
    """A missing-person report: from a tip, a family at a police station or a counterpart
    agency. Names (any script), other names and the family's names are encrypted; they are
    what issue 6's matcher compares, with the age (in the year of the report) and the place.
    ``photos`` are raw uploads (at most three), re-encoded without metadata and encrypted."""
    agency = acting_membership(actor, policy.Cap.MISSING_CREATE).agency
    if source not in MissingPersonReport.Source.values:
        raise ValidationError(_("Unknown source."))
    errors: dict[str, list[str]] = {}
    if not (description or name).strip():
        errors["description"] = [_("Describe the missing person.")]
    _check_person(errors, name=name, age=age, birth_year=birth_year, last_seen_at=last_seen_at)
    cleaned_photos = _clean_photos(errors, photos or [])
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = _store(actor=actor, agency=agency, jurisdiction=jurisdiction, source=source, name=name,
                        description=description, sex=sex, last_seen_at=last_seen_at, source_tip=source_tip,
                        other_names=other_names, family=family, age=age, birth_year=birth_year,
                        photos=cleaned_photos)
        record(actor=actor, action="missing.record", obj=report, agency=agency,
               changes={"source": source, "place": jurisdiction.code,
                        "tip": source_tip.reference if source_tip else "",
                        "identity_fields": _identity_fields(report), "photos": len(cleaned_photos)})
    return report


def _check_person(errors: dict, *, name: str, age: int | None, birth_year: int | None, last_seen_at) -> None:
    """The rules both forms share (the police form and the family's public form)."""
    if name.strip():
        from safetynet.matching.normalise import normalise_name

        if normalise_name(name).problem == "unsupported_script":
            # The matcher reads Latin, Bengali and Devanagari: a name it cannot read would never be matched.
            errors["name"] = [_("Write the name in Latin, Bengali or Devanagari letters.")]
    if age is not None and not 0 <= age <= MAX_AGE:
        errors["age"] = [_("Give an age between 0 and %(max)s (about is fine).") % {"max": MAX_AGE}]
    this_year = timezone.localdate().year
    if birth_year is not None and not this_year - MAX_AGE <= birth_year <= this_year:
        errors["birth_year"] = [_("Give a year of birth between %(first)s and %(last)s.")
                                % {"first": this_year - MAX_AGE, "last": this_year}]
    if last_seen_at is not None and last_seen_at > timezone.now():
        errors["last_seen_at"] = [_("This time is in the future.")]


def _clean_photos(errors: dict, raw: list[bytes]) -> list[tuple[bytes, str, int, int]]:
    """Each upload checked by what it is and re-encoded from its pixels only (no GPS, no
    camera); one that is not a photo refuses the whole report, so nothing half is stored."""
    if len(raw) > photos.MAX_PHOTOS:
        errors["photos"] = [_("Attach at most %(n)s photos.") % {"n": photos.MAX_PHOTOS}]
        return []
    cleaned = []
    for data in raw:
        try:
            cleaned.append(photos.clean_photo(data))
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    return cleaned


def _identity_fields(report: MissingPersonReport) -> list[str]:
    """Which identity fields were given (names of fields, never their values: for the audit)."""
    return [f for f in ("name", "other_names", "family_names", "description", "contact_phone")
            if getattr(report, f"{f}_enc")]


def _store(*, actor, agency, jurisdiction, source, name, description, sex, last_seen_at, source_tip, other_names,
           family, age, birth_year, photos, contact_phone: str = "", consent_at=None,
           receipt_hash: str = "") -> MissingPersonReport:
    other_names = [n.strip() for n in (other_names or []) if n and n.strip()]
    family = {k: v.strip() for k, v in (family or {}).items() if k in ("father", "mother", "husband") and v
              and v.strip()}
    district = jurisdiction.ancestor(Jurisdiction.Level.DISTRICT) or jurisdiction
    prefix = f"MP-{district.short_code}-{timezone.localdate().year}"
    report = MissingPersonReport(reference=f"{prefix}-{next_serial(prefix):06d}", source=source,
                                 owning_agency=agency, jurisdiction=jurisdiction, last_seen_at=last_seen_at,
                                 sex=sex, recorded_by=actor, source_tip=source_tip, consent_at=consent_at,
                                 receipt_hash=receipt_hash)
    report.set_text("name", name.strip())
    report.set_text("description", description.strip()[:4000])
    report.set_text("contact_phone", contact_phone.strip())
    report.set_json("other_names", other_names)
    report.set_json("family_names", family)
    report.age, report.birth_year = age, birth_year
    report.save()
    for content, content_type, width, height in photos:
        photo = MissingPhoto(report=report, content_type=content_type, width=width, height=height,
                             size=len(content))
        photo.set_content(content)
        photo.save()
    return report


# --------------------------------------------------------------------------- the family's public form


@dataclass
class PublicReport:
    """What a family gives on the public form (/report/missing/)."""

    name: str
    jurisdiction_code: str
    phone: str
    consent: bool
    other_names: list[str] = field(default_factory=list)
    sex: str = "unknown"
    age: int | None = None
    last_seen_on: datetime.date | None = None
    description: str = ""
    family: dict = field(default_factory=dict)
    photos: list[bytes] = field(default_factory=list)  # raw uploads, cleaned here


def owner_for(jurisdiction) -> Agency | None:
    """The agency that handles the place, as a tip from there would be routed (tips/routing.py):
    the district's AHTU (or a routing rule's agency). A police unit before any other routed agency."""
    from safetynet.tips import routing

    routed = [agency for agency, _why in routing.route(jurisdiction)]
    order: dict[str, int] = {Agency.Type.AHTU: 0, Agency.Type.POLICE_STATION: 1}
    routed.sort(key=lambda a: order.get(str(a.agency_type), 2))  # stable: routing's order otherwise
    return routed[0] if routed else None


def submit_public_report(*, actor=None, data: PublicReport) -> tuple[MissingPersonReport, str]:
    """A family's report from the public form: (report, receipt code).

    Nobody is signed in on the public form, so ``actor`` is None and the audit trail names
    the system, as for a public tip (a signed-in visitor's report is filed the same way:
    ``actor`` is ignored). The report is owned by the agency a tip from the same district
    would be routed to, is open, and is matched by the nightly run like every open report.
    That agency's members who see missing-person reports are told, without any name."""
    from safetynet.core.receipts import receipt_code, receipt_digest
    from safetynet.tips import indicators, routing

    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Write the missing person's name.")]
    if data.sex not in {"female", "male", "other", "unknown"}:
        errors["sex"] = [_("Choose one.")]
    if data.last_seen_on is not None and data.last_seen_on > timezone.localdate():
        errors["last_seen_on"] = [_("The day last seen cannot be in the future.")]
    _check_person(errors, name=data.name, age=data.age, birth_year=None, last_seen_at=None)
    place = routing.place_for_code(data.jurisdiction_code) if data.jurisdiction_code else None
    jurisdiction, agency = None, None
    if place is None or place.level not in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.BORDER_SECTOR):
        errors["jurisdiction"] = [_("Choose the district where the person was last seen.")]
    else:
        jurisdiction = Jurisdiction.objects.get(pk=place.pk)
        agency = owner_for(jurisdiction)
        if agency is None:
            errors["jurisdiction"] = [_("No police unit of this district uses SafetyNet yet. Please go to the "
                                        "nearest police station, or call 112 (India), 999 (Bangladesh) or "
                                        "100 (Nepal).")]
    if not indicators.normalise_phone(data.phone or ""):
        errors["phone"] = [_("Give a phone number on which the police can call you back, with all its digits.")]
    if len(data.description or "") > 4000:
        errors["description"] = [_("Please shorten this to %(n)s characters.") % {"n": 4000}]
    if not data.consent:
        errors["consent"] = [_("Tick the box to agree, so that the police can search with this report.")]
    cleaned_photos = _clean_photos(errors, data.photos)
    if errors:
        raise ValidationError(errors)
    assert jurisdiction is not None and agency is not None
    last_seen_at = None
    if data.last_seen_on is not None:
        # The family gives a day, not a time: the start of that day, shown as a date only.
        last_seen_at = timezone.make_aware(datetime.datetime.combine(data.last_seen_on, datetime.time()))
    receipt = receipt_code()
    now = timezone.now()
    with transaction.atomic():
        report = _store(actor=None, agency=agency, jurisdiction=jurisdiction, source=MissingPersonReport.Source.PUBLIC,
                        name=data.name, description=data.description, sex=data.sex, last_seen_at=last_seen_at,
                        source_tip=None, other_names=data.other_names, family=data.family, age=data.age,
                        birth_year=None, photos=cleaned_photos, contact_phone=data.phone, consent_at=now,
                        receipt_hash=receipt_digest(receipt))
        _tell_owners(report)
        record(actor=None, action="missing.record", obj=report, agency=agency,
               changes={"source": MissingPersonReport.Source.PUBLIC, "place": jurisdiction.code,
                        "routed_to": agency.short_code, "identity_fields": _identity_fields(report),
                        "photos": len(cleaned_photos), "consent": True})
    return report, receipt


def _tell_owners(report: MissingPersonReport) -> None:
    """The owning agency's members who see missing-person reports: the reference and the
    district, never a name (notifications go out by email and SMS too)."""
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Membership
    from safetynet.notifications.services import notify

    roles = [r for r in policy.MATRIX if policy.role_has(r, policy.Cap.MISSING_VIEW)]
    members = Membership.objects.filter(agency=report.owning_agency, is_active=True, role__in=roles)
    users = User.objects.filter(pk__in=members.values("user_id"), is_active=True)
    district = report.jurisdiction.ancestor(Jurisdiction.Level.DISTRICT) or report.jurisdiction
    # Read by officers, not by the family: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        message = _("New missing-person report %(ref)s from a family (public form), last seen in %(place)s. "
                    "Call the family back.") % {"ref": report.reference, "place": district.name}
    # Urgent (also by email and SMS): the first hours of a search matter most.
    notify(users, message, link=reverse("missing:detail", args=[report.public_id]), urgent=True)


PUBLIC_STATUS = {
    MissingPersonReport.Status.OPEN: _lazy("Open: the police are searching."),
    MissingPersonReport.Status.FOUND: _lazy("The police have marked the person as found. They will contact you."),
    MissingPersonReport.Status.CLOSED: _lazy("Closed. Ask the police of the district for details."),
}


def public_status(receipt: str) -> MissingPersonReport | None:
    """The report with this receipt code (for the family's status check), or None."""
    from safetynet.core.receipts import receipt_digest

    clean = "".join(ch for ch in receipt if ch.isalnum())
    if len(clean) != 12:
        return None
    return MissingPersonReport.objects.filter(receipt_hash=receipt_digest(receipt)).first()


# --------------------------------------------------------------------------- photos


def get_photo(*, actor, report: MissingPersonReport, number: int) -> MissingPhoto | None:
    """Photo ``number`` (from 1) of a report the caller already fetched through
    get_missing_report_for. A photo shows who the person is: every look is logged."""
    if not MissingPersonReport.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied(_("Your role does not allow this."))
    found = next(iter(report.photos.all()[number - 1:number]), None) if number >= 1 else None
    if found is not None:
        record_access(actor=actor, person_code=report.reference, fields=[f"photo {number}"],
                      purpose="missing-person report photo", agency=report.owning_agency)
    return found
