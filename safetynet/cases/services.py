"""All writes to cases: open, edit, move status, add parties, notes and team members."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.models import AccessGrant
from safetynet.access.querysets import memberships_with
from safetynet.audit.services import diff, record
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership, snapshot
from safetynet.people.services import register_person
from safetynet.people.signals import party_added

from .models import Case, CaseNote, CaseParty

EDITABLE = ["title", "summary", "kind", "jurisdiction", "opened_on"]
MAX_NOTE_LENGTH = 20_000


def _check_in_scope(actor, case: Case, capability: str) -> None:
    if not Case.objects.visible_to(actor, capability).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this case."))


def _check_jurisdiction(agency, jurisdiction) -> None:
    """A case lives in the owning agency's jurisdiction or below it."""
    if not jurisdiction.path.startswith(agency.jurisdiction.path):
        raise ValidationError(_("The place must be inside your agency's jurisdiction (%(place)s).")
                              % {"place": agency.jurisdiction.name})


def case_reference(agency, year: int) -> str:
    prefix = f"{agency.short_code}-{year}"
    return f"{prefix}-{next_serial(prefix):04d}"


def open_case(*, actor, title: str, kind: str, jurisdiction, opened_on: datetime.date | None = None,
              summary: str = "", agency=None) -> Case:
    membership = acting_membership(actor, policy.Cap.CASE_CREATE, agency)
    agency = membership.agency
    _check_jurisdiction(agency, jurisdiction)
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        raise ValidationError(_("The opening date cannot be in the future."))
    with transaction.atomic():
        case = Case(
            reference=case_reference(agency, opened_on.year), title=title.strip(), summary=summary.strip(),
            kind=kind, jurisdiction=jurisdiction, owning_agency=agency, opened_on=opened_on, created_by=actor,
        )
        case.full_clean(exclude=["reference"])
        case.save()
        record(actor=actor, action="case.open", obj=case, agency=agency,
               changes={"after": snapshot(case, EDITABLE + ["status", "reference"])})
    return case


def update_case(*, actor, case: Case, expected_version: int, **changes) -> Case:
    _check_in_scope(actor, case, policy.Cap.CASE_EDIT)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(case, EDITABLE)
    for field, value in changes.items():
        setattr(case, field, value.strip() if isinstance(value, str) else value)
    if "jurisdiction" in changes:
        _check_jurisdiction(case.owning_agency, case.jurisdiction)
    if case.opened_on > timezone.localdate():
        raise ValidationError(_("The opening date cannot be in the future."))
    case.full_clean()
    with transaction.atomic():
        case.save_versioned(expected_version, list(changes))
        record(actor=actor, action="case.update", obj=case, agency=case.owning_agency,
               changes=diff(before, snapshot(case, EDITABLE)))
    return case


def change_status(*, actor, case: Case, expected_version: int, status: str) -> Case:
    _check_in_scope(actor, case, policy.Cap.CASE_EDIT)
    if status not in Case.Status.values:
        raise ValidationError(_("Unknown status."))
    if not case.can_move_to(status):
        raise ValidationError(_("A case that is “%(from)s” cannot move to “%(to)s”.") % {
            "from": case.get_status_display(), "to": Case.Status(status).label})
    before = case.status
    case.status = status
    with transaction.atomic():
        case.save_versioned(expected_version, ["status"])
        record(actor=actor, action="case.status", obj=case, agency=case.owning_agency,
               changes={"status": {"before": before, "after": status}})
    return case


def add_party(*, actor, case: Case, role: str, person=None, sex: str = "unknown", age_band: str = "unknown",
              nationality: str = "unknown", identity: dict | None = None) -> CaseParty:
    """Add an existing person, or register a new one, as victim/suspect/witness/complainant."""
    _check_in_scope(actor, case, policy.Cap.CASE_ADD_PARTY)
    if role not in CaseParty.Role.values:
        raise ValidationError(_("Unknown role in the case."))
    membership = acting_membership(actor, policy.Cap.CASE_ADD_PARTY)
    with transaction.atomic():
        if person is None:
            person = register_person(actor=actor, jurisdiction=case.jurisdiction, sex=sex, age_band=age_band,
                                     nationality=nationality, identity=identity, agency=membership.agency)
        if CaseParty.objects.filter(case=case, person=person, role=role).exists():
            raise ValidationError(_("This person already has that role in this case."))
        party = CaseParty.objects.create(case=case, person=person, role=role, added_by=actor)
        record(actor=actor, action="case.add_party", obj=case, agency=case.owning_agency,
               changes={"person": person.code, "role": role})
        party_added.send(sender=CaseParty, party=party, actor=actor)
    return party


def add_note(*, actor, case: Case, body: str) -> CaseNote:
    _check_in_scope(actor, case, policy.Cap.CASE_ADD_NOTE)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The note is empty."))
    if len(body) > MAX_NOTE_LENGTH:
        raise ValidationError(_("A note may be at most %(n)s characters.") % {"n": MAX_NOTE_LENGTH})
    membership = acting_membership(actor, policy.Cap.CASE_ADD_NOTE)
    with transaction.atomic():
        note = CaseNote(case=case, author=actor, author_agency=membership.agency)
        note.set_body(body)
        note.save()
        # The note's text is not copied into the audit trail: it may name people.
        record(actor=actor, action="case.add_note", obj=case, agency=case.owning_agency,
               changes={"note": str(note.public_id), "length": len(body)})
    return note


def add_team_member(*, actor, case: Case, user) -> AccessGrant:
    _check_in_scope(actor, case, policy.Cap.CASE_MANAGE_TEAM)
    if not any(m.role in policy.GRANTABLE_ROLES for m in memberships_with(user, policy.Cap.CASE_VIEW)):
        raise ValidationError(_("This user's role cannot work on cases."))
    with transaction.atomic():
        grant, created = AccessGrant.objects.get_or_create(
            user=user, case=case, kind=AccessGrant.Kind.CASE_TEAM, revoked_at=None,
            defaults={"granted_by": actor},
        )
        if created:
            record(actor=actor, action="case.team_add", obj=case, agency=case.owning_agency,
                   changes={"user": user.get_username()})
    return grant


def remove_team_member(*, actor, case: Case, grant: AccessGrant) -> None:
    _check_in_scope(actor, case, policy.Cap.CASE_MANAGE_TEAM)
    if grant.case_id != case.pk or grant.kind != AccessGrant.Kind.CASE_TEAM:
        raise ValidationError(_("That person is not on this case team."))
    with transaction.atomic():
        AccessGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
        record(actor=actor, action="case.team_remove", obj=case, agency=case.owning_agency,
               changes={"user": grant.user.get_username()})
