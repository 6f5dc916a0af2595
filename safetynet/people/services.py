"""All writes to people and their identities. Identity values never enter the audit
trail: events name which fields changed, never what they hold."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.audit.services import record
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership, snapshot

from .models import IDENTITY_FIELDS, MAX_AGE, IdentityTombstone, Person, PersonIdentity
from .signals import identity_changed

PERSON_FIELDS = ["sex", "age_band", "nationality", "jurisdiction"]


def person_code_prefix(jurisdiction, year: int) -> str:
    """WB-N24P-2026: state short code, district short code, year."""
    district = jurisdiction.ancestor("district") or jurisdiction
    state = district.ancestor("state")
    state_code = state.short_code if state else district.country_code
    return f"{state_code}-{district.short_code}-{year}"


def format_code(prefix: str, serial: int) -> str:
    from django.conf import settings

    return f"{prefix}-{serial:0{settings.PERSON_CODE_DIGITS}d}"


def _validate_identity(identity: dict) -> dict:
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown identity fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for field, value in identity.items():
        if IDENTITY_FIELDS[field] == "list" and not isinstance(value, list | tuple):
            raise ValidationError(_("%(field)s must be a list.") % {"field": field})
        if IDENTITY_FIELDS[field] == "text" and value is not None and not isinstance(value, str):
            raise ValidationError(_("%(field)s must be text.") % {"field": field})
        if IDENTITY_FIELDS[field] == "text" and value and len(value) > 200:
            raise ValidationError(_("A name may be at most 200 characters."))
    age = identity.get("age")
    if age and not (str(age).strip().isdigit() and int(str(age).strip()) <= MAX_AGE):
        raise ValidationError({"age": [_("Write the age as a whole number of years, from 0 to %(max)s.")
                                       % {"max": MAX_AGE}]})
    return identity


def register_person(*, actor, jurisdiction, sex: str = "unknown", age_band: str = "unknown",
                    nationality: str = "unknown", identity: dict | None = None, agency=None,
                    photo: tuple[bytes, str] | None = None, capability: str = policy.Cap.CASE_ADD_PARTY) -> Person:
    """A new pseudonymous person (and their identity, encrypted). ``capability``: the right the
    registration rests on — adding a party to a case, or registering a survivor for care."""
    membership = acting_membership(actor, capability, agency)
    if identity:
        acting_membership(actor, policy.Cap.IDENTITY_EDIT, membership.agency)
        _validate_identity(identity)
    with transaction.atomic():
        prefix = person_code_prefix(jurisdiction, timezone.localdate().year)
        person = Person(
            code=format_code(prefix, next_serial(prefix)), sex=sex, age_band=age_band, nationality=nationality,
            jurisdiction=jurisdiction, registering_agency=membership.agency,
        )
        person.full_clean(exclude=["code"])
        person.save()
        fields: list[str] = []
        if identity or photo:
            ident = PersonIdentity(person=person)
            for field, value in (identity or {}).items():
                ident.set_field(field, value)
            if photo:
                ident.set_photo(*photo)
            ident.save()
            fields = ident.filled_fields()
        record(actor=actor, action="person.register", obj=person, agency=membership.agency,
               changes={"after": snapshot(person, PERSON_FIELDS), "identity_fields": fields})
    return person


def _require_on_person(actor, person: Person, capability: str) -> None:
    """The capability must reach this person through one membership: a user in two agencies
    may not combine one agency's edit right with the other's view of the person."""
    if not Person.objects.visible_to(actor, capability).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Your role does not allow you to change who this person is."))


def update_identity(*, actor, person: Person, expected_version: int, changes: dict,
                    photo: tuple[bytes, str] | None = None) -> PersonIdentity:
    membership = acting_membership(actor, policy.Cap.IDENTITY_EDIT)
    _require_on_person(actor, person, policy.Cap.IDENTITY_EDIT)
    if person.identity_erased_at:
        raise ValidationError(_("This identity was erased on request and cannot be recorded again here."))
    _validate_identity(changes)
    with transaction.atomic():
        ident, created = PersonIdentity.objects.get_or_create(person=person)
        if not created:
            for field, value in changes.items():
                ident.set_field(field, value)
            if photo:
                ident.set_photo(*photo)
            update_fields = [f"{f}_enc" for f in changes] + (["photo_enc", "photo_content_type"] if photo else [])
            ident.save_versioned(expected_version, update_fields)
        else:
            for field, value in changes.items():
                ident.set_field(field, value)
            if photo:
                ident.set_photo(*photo)
            ident.save()
        record(actor=actor, action="identity.update", obj=person, agency=membership.agency,
               changes={"identity_fields": sorted(changes) + (["photo"] if photo else [])})
        identity_changed.send(sender=PersonIdentity, person=person, actor=actor)
    return ident


def erase_identity(*, actor, person: Person, reason: str) -> IdentityTombstone:
    """Erase every identity field on request, keeping a tombstone that says only that an
    identity existed and was erased. The pseudonymous record and its case links stay, so
    counts and court files stay whole."""
    membership = acting_membership(actor, policy.Cap.IDENTITY_ERASE)
    _require_on_person(actor, person, policy.Cap.IDENTITY_ERASE)
    if reason not in IdentityTombstone.Reason.values:
        raise ValidationError(_("Choose the reason for erasure."))
    if person.identity_erased_at:
        raise ValidationError(_("This identity was already erased."))
    from safetynet.prosecution.services import erasure_blockers

    blockers = erasure_blockers(person)
    if blockers:
        raise ValidationError(blockers)
    with transaction.atomic():
        ident = PersonIdentity.objects.filter(person=person).first()
        fields = ident.filled_fields() if ident else []
        if ident:
            ident.delete()
        now = timezone.now()
        Person.objects.filter(pk=person.pk).update(identity_erased_at=now)
        person.identity_erased_at = now
        tomb = IdentityTombstone.objects.create(person=person, erased_by=actor, reason=reason, fields_erased=fields)
        record(actor=actor, action="identity.erase", obj=person, agency=membership.agency,
               changes={"reason": reason, "identity_fields": fields})
    return tomb
