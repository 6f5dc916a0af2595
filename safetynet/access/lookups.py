"""Fetch one record for a user: 404 when it is missing *or* not visible (so nobody can
probe which cases exist), 403 only when the record is visible but the action is not
allowed on it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from safetynet.audit.services import record_access
from safetynet.cases.models import Case
from safetynet.people.models import Person

from . import policy


def get_case_for(user, public_id, action: str = policy.Cap.CASE_VIEW) -> Case:
    case = Case.objects.visible_to(user, policy.Cap.CASE_VIEW).select_related(
        "owning_agency", "jurisdiction").filter(public_id=public_id).first()
    if case is None:
        raise Http404(_("No such case."))
    if action != policy.Cap.CASE_VIEW and not Case.objects.visible_to(user, action).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this case."))
    return case


def get_tip_for(user, public_id, action: str = policy.Cap.TIP_TRIAGE):
    """404 for a tip that does not exist and for one the user may not triage."""
    from safetynet.tips.models import Tip

    tip = Tip.objects.visible_to(user, policy.Cap.TIP_TRIAGE).select_related("jurisdiction").filter(
        public_id=public_id).first()
    if tip is None:
        raise Http404(_("No such tip."))
    if action != policy.Cap.TIP_TRIAGE and not Tip.objects.visible_to(user, action).filter(pk=tip.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this tip."))
    return tip


def get_rescue_for(user, public_id, action: str = policy.Cap.RESCUE_VIEW):
    """404 for a rescue operation that does not exist and for one outside the user's scope;
    403 for a visible one whose ``action`` the role lacks. (The plan itself is further limited
    to the operation's team: rescues/services.can_see_plan.)"""
    from safetynet.rescues.models import RescueOperation

    rescue = RescueOperation.objects.visible_to(user).select_related(
        "jurisdiction", "owning_agency", "source_tip", "requested_by", "case").filter(public_id=public_id).first()
    if rescue is None:
        raise Http404(_("No such rescue operation."))
    if action != policy.Cap.RESCUE_VIEW and not RescueOperation.objects.visible_to(user, action).filter(
            pk=rescue.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this rescue operation."))
    return rescue


def get_missing_report_for(user, public_id):
    """404 for a missing-person report that does not exist and for one outside the user's scope."""
    from safetynet.missing.models import MissingPersonReport

    report = MissingPersonReport.objects.visible_to(user).select_related(
        "jurisdiction", "owning_agency", "source_tip").filter(public_id=public_id).first()
    if report is None:
        raise Http404(_("No such report."))
    return report


def get_person_for(user, public_id, action: str = policy.Cap.PERSON_VIEW) -> Person:
    person = Person.objects.visible_to(user, policy.Cap.PERSON_VIEW).filter(public_id=public_id).first()
    if person is None:
        raise Http404(_("No such person."))
    if action != policy.Cap.PERSON_VIEW and not Person.objects.visible_to(user, action).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this person."))
    return person


def can_view_identity(user, person: Person) -> bool:
    return Person.objects.visible_to(user, policy.Cap.IDENTITY_VIEW).filter(pk=person.pk).exists()


def get_identity_for(user, person: Person, *, purpose: str) -> dict | None:
    """Decrypt a person's identity for display, writing the AccessEvent first.

    Returns None when the identity was erased or never recorded.
    """
    if not can_view_identity(user, person):
        raise PermissionDenied(_("Your role does not allow you to see who this person is."))
    identity = getattr(person, "identity", None) if person.identity_erased_at is None else None
    if identity is None:
        return None
    fields = identity.filled_fields()
    # Filed under the agency that holds the person's record, so its head sees who looked
    # (break-glass included), whichever agency the viewer belongs to.
    record_access(actor=user, person_code=person.code, fields=fields, purpose=purpose,
                  agency=person.registering_agency)
    return identity.decrypted()


def get_photo_for(user, person: Person) -> tuple[bytes, str] | None:
    if not can_view_identity(user, person):
        raise Http404(_("No such photo."))
    identity = getattr(person, "identity", None) if person.identity_erased_at is None else None
    if identity is None or not identity.photo_enc:
        return None
    record_access(actor=user, person_code=person.code, fields=["photo"], purpose="photo",
                  agency=person.registering_agency)
    return identity.get_photo(), identity.photo_content_type


def get_legal_case_for(user, public_id, action: str = policy.Cap.LEGAL_VIEW) -> Case:
    """A case's legal file: 404 unless the user may see the case's legal file at all; 403
    for a visible file whose ``action`` (legal.edit, court.edit) the role lacks."""
    case = Case.objects.visible_to(user, policy.Cap.LEGAL_VIEW).select_related(
        "owning_agency", "jurisdiction").filter(public_id=public_id).first()
    if case is None:
        raise Http404(_("No such case."))
    if action != policy.Cap.LEGAL_VIEW and not Case.objects.visible_to(user, action).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this case."))
    return case


def _legal_record_for(model, user, public_id, action: str, missing: str):
    record = model.objects.visible_to(user, policy.Cap.LEGAL_VIEW).filter(public_id=public_id).first()
    if record is None:
        raise Http404(missing)
    if action != policy.Cap.LEGAL_VIEW and not model.objects.visible_to(user, action).filter(pk=record.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this case."))
    return record


def get_accused_for(user, public_id, action: str = policy.Cap.LEGAL_VIEW):
    from safetynet.prosecution.models import Accused

    return _legal_record_for(Accused, user, public_id, action, _("No such accused."))


def get_court_case_for(user, public_id, action: str = policy.Cap.LEGAL_VIEW):
    from safetynet.prosecution.models import CourtCase

    return _legal_record_for(CourtCase, user, public_id, action, _("No such court case."))


def get_hearing_for(user, public_id, action: str = policy.Cap.LEGAL_VIEW):
    from safetynet.prosecution.models import Hearing

    return _legal_record_for(Hearing, user, public_id, action, _("No such hearing."))


def get_measure_for(user, public_id, action: str = policy.Cap.LEGAL_VIEW):
    from safetynet.prosecution.models import ProtectionMeasure

    return _legal_record_for(ProtectionMeasure, user, public_id, action, _("No such protection measure."))


def get_suspect_record_for(user, person: Person) -> dict:
    """A suspect's vehicles and bank accounts for display: vault data like an identity, so the
    same rule (identity.view on the person) and an AccessEvent first."""
    from safetynet.prosecution.models import SuspectRecord

    if not can_view_identity(user, person):
        raise PermissionDenied(_("Your role does not allow you to see who this person is."))
    row = SuspectRecord.objects.filter(person=person).first()
    values = {f: row.get_list(f) for f in SuspectRecord.FIELDS} if row else {f: [] for f in SuspectRecord.FIELDS}
    record_access(actor=user, person_code=person.code, fields=[f for f, v in values.items() if v],
                  purpose="suspect record", agency=person.registering_agency)
    return values


def get_survivor_for(user, public_id, action: str = policy.Cap.CARE_VIEW):
    """A survivor's care record: 404 when missing or outside the user's reach (care.view),
    403 when visible but the role may not do ``action`` on it."""
    from safetynet.care.models import Survivor

    survivor = Survivor.objects.visible_to(user, policy.Cap.CARE_VIEW).select_related(
        "person", "person__jurisdiction", "owning_agency", "jurisdiction", "recruited_from", "case").filter(
        public_id=public_id).first()
    if survivor is None:
        raise Http404(_("No such survivor record."))
    if action != policy.Cap.CARE_VIEW and not Survivor.objects.visible_to(user, action).filter(
            pk=survivor.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this survivor."))
    return survivor


def get_care_record_for(user, model, public_id, action: str, survivor_path: str = "survivor"):
    """A record inside a care file (a consent, a placement, a repatriation step, a follow-up):
    found only through a survivor the user may see; 404 otherwise."""
    from safetynet.care.models import Survivor

    visible = Survivor.objects.visible_to(user, policy.Cap.CARE_VIEW).values("pk")
    obj = model.objects.filter(**{f"{survivor_path}__in": visible}, public_id=public_id).first()
    if obj is None:
        raise Http404(_("No such record."))
    survivor = obj
    for part in survivor_path.split("__"):
        survivor = getattr(survivor, part)
    if action != policy.Cap.CARE_VIEW and not Survivor.objects.visible_to(user, action).filter(
            pk=survivor.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this survivor."))
    return obj
