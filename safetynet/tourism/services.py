"""All writes to the tourism Code of Conduct register. Each checks that the actor keeps this
register (``tourism.manage`` in the owning agency), validates everything first (one clear message
per problem, nothing saved when anything is wrong), writes in one transaction and leaves an audit
event. Focal points' names, phones and emails and the findings of reviews never go into the audit
trail: it records what changed (the role, the outcome, dates), not who.

Edits of a signatory and of a focal point name the version the user saw (``VersionedModel``):
a stale edit raises ``StaleEdit`` and saves nothing. Additions to a signatory (a focal point, a
training, a review) lock its row, so two people adding a third focal point at once cannot both
succeed.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.agencies.models import Agency, Jurisdiction
from safetynet.audit.services import diff, record
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership, snapshot

from .models import ComplianceReview, FocalPoint, Signatory, StaffTraining

CODE_LAUNCHED = datetime.date(2010, 7, 1)  # the National Code of Conduct for Safe and Honourable Tourism
MAX_FOCAL_POINTS = 2
MAX_STAFF = 100_000
EDITABLE = ["name", "kind", "town", "jurisdiction", "registration_number", "pledged_on"]
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")

Errors = dict[str, list[str]]


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _membership(actor):
    return acting_membership(actor, policy.Cap.TOURISM_MANAGE)


def _check_keeps(actor, signatory: Signatory) -> None:
    if not Signatory.objects.visible_to(actor).filter(pk=signatory.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this signatory."))


def _locked(signatory: Signatory) -> Signatory:
    return Signatory.objects.select_for_update().get(pk=signatory.pk)


def _date(value, field: str, errors: Errors, today: datetime.date, *, not_before=None, before_message="") -> None:
    if not isinstance(value, datetime.date):
        _add(errors, field, _("Enter a date."))
    elif value > today:
        _add(errors, field, _("This date is in the future."))
    elif not_before is not None and value < not_before:
        _add(errors, field, before_message)


def _district(jurisdiction, errors: Errors):
    """The district the establishment is in (a place below a district counts as its district)."""
    if not isinstance(jurisdiction, Jurisdiction):
        _add(errors, "jurisdiction", _("Choose the district."))
        return None
    district = jurisdiction.ancestor(Jurisdiction.Level.DISTRICT)
    if district is None:
        _add(errors, "jurisdiction", _("Choose a district, not a state or a country."))
    return district


def _text(value, field: str, errors: Errors, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        _add(errors, field, message)
    elif len(value) > max_length:
        _add(errors, field, _("Write at most %(n)s characters.") % {"n": max_length})
    return value


def _signatory_fields(membership, errors: Errors, today, *, name, kind, town, jurisdiction, registration_number,
                      pledged_on, exclude_pk=None) -> dict:
    name = _text(name, "name", errors, _("Write the establishment's name."), 200)
    town = _text(town, "town", errors, _("Write the town the establishment is in."), 120)
    registration_number = (registration_number or "").strip()
    if len(registration_number) > 60:
        _add(errors, "registration_number", _("Write at most %(n)s characters.") % {"n": 60})
    if kind not in Signatory.Kind.values:
        _add(errors, "kind", _("Choose the kind of establishment."))
    district = _district(jurisdiction, errors)
    _date(pledged_on, "pledged_on", errors, today, not_before=CODE_LAUNCHED,
          before_message=_("The Code of Conduct was launched on 1 July 2010; a pledge cannot be earlier."))
    same = Signatory.objects.filter(owning_agency=membership.agency).exclude(state=Signatory.State.WITHDRAWN)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if name and town and same.filter(name__iexact=name, town__iexact=town).exists():
        _add(errors, "name", _("%(name)s in %(town)s is already in your register.") % {"name": name, "town": town})
    if registration_number and same.filter(registration_number__iexact=registration_number).exists():
        _add(errors, "registration_number", _("Another signatory in your register has this number."))
    return {"name": name, "kind": kind, "town": town, "jurisdiction": district,
            "registration_number": registration_number, "pledged_on": pledged_on}


def register_signatory(*, actor, name: str, kind: str, town: str, jurisdiction, pledged_on,
                       registration_number: str = "", today=None) -> Signatory:
    """Enter an establishment that signed the Code. It gets a certificate number
    (``COC-<district>-<pledge year>-<serial>``) the public check also finds it by."""
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: Errors = {}
    fields = _signatory_fields(membership, errors, today, name=name, kind=kind, town=town, jurisdiction=jurisdiction,
                               registration_number=registration_number, pledged_on=pledged_on)
    _raise(errors)
    district = fields["jurisdiction"]
    with transaction.atomic():
        prefix = f"COC-{district.short_code}-{pledged_on.year}"
        signatory = Signatory(owning_agency=membership.agency, certificate=f"{prefix}-{next_serial(prefix):04d}",
                              **fields)
        signatory.save()
        record(actor=actor, action="tourism.signatory.register", obj=signatory, agency=membership.agency,
               changes={"after": snapshot(signatory, EDITABLE + ["certificate"])})
    return signatory


def update_signatory(*, actor, signatory: Signatory, expected_version: int, today=None, **changes) -> Signatory:
    _check_keeps(actor, signatory)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    today = today or timezone.localdate()
    current = {f: getattr(signatory, f) for f in EDITABLE}
    errors: Errors = {}
    fields = _signatory_fields(_membership_of(actor, signatory), errors, today, exclude_pk=signatory.pk,
                               **{**current, **changes})
    _raise(errors)
    before = snapshot(signatory, EDITABLE)
    for field, value in fields.items():
        setattr(signatory, field, value)
    with transaction.atomic():
        signatory.save_versioned(expected_version, EDITABLE)
        record(actor=actor, action="tourism.signatory.update", obj=signatory, agency=signatory.owning_agency,
               changes=diff(before, snapshot(signatory, EDITABLE)))
    return signatory


def _membership_of(actor, signatory: Signatory):
    return acting_membership(actor, policy.Cap.TOURISM_MANAGE, signatory.owning_agency)


# What each action does to the state, and from which states it may be taken.
TRANSITIONS = {
    "suspend": (Signatory.State.SUSPENDED, {Signatory.State.ACTIVE}),
    "withdraw": (Signatory.State.WITHDRAWN, {Signatory.State.ACTIVE, Signatory.State.SUSPENDED}),
    "reinstate": (Signatory.State.ACTIVE, {Signatory.State.SUSPENDED}),
}


def change_state(*, actor, signatory: Signatory, expected_version: int, action: str, reason: str,
                 today=None) -> Signatory:
    """Suspend (after a serious finding, say), withdraw (the establishment left the Code or
    closed; final) or reinstate a suspended signatory. Always with a reason."""
    _check_keeps(actor, signatory)
    errors: Errors = {}
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    target, allowed_from = TRANSITIONS[action]
    if signatory.state not in allowed_from:
        _add(errors, "action", _("A signatory that is “%(from)s” cannot become “%(to)s”.") % {
            "from": signatory.get_state_display(), "to": Signatory.State(target).label})
    reason = _text(reason, "reason", errors, _("Write the reason."), 2000)
    _raise(errors)
    before = signatory.state
    signatory.state, signatory.state_reason = target, reason
    signatory.state_changed_on = today or timezone.localdate()
    with transaction.atomic():
        signatory.save_versioned(expected_version, ["state", "state_reason", "state_changed_on"])
        record(actor=actor, action=f"tourism.signatory.{action}", obj=signatory, agency=signatory.owning_agency,
               changes={"state": {"before": before, "after": target}})
    return signatory


def add_focal_point(*, actor, signatory: Signatory, name: str, role: str, phone: str = "", email: str = "",
                    started_on=None, today=None) -> FocalPoint:
    """One of the two people the establishment names to watch that the Code is kept."""
    _check_keeps(actor, signatory)
    today = today or timezone.localdate()
    started_on = started_on or today
    errors: Errors = {}
    name = _text(name, "name", errors, _("Write the focal point's name."), 200)
    role = _text(role, "role", errors, _("Write the focal point's job title."), 120)
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and not PHONE.match(phone):
        _add(errors, "phone", _("Write the phone number with digits only (spaces, + and - are fine)."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            _add(errors, "email", _("This email address is not valid."))
    if not phone and not email:
        _add(errors, "phone", _("Give a phone number or an email address, so the focal point can be reached."))
    _date(started_on, "started_on", errors, today)
    if signatory.state == Signatory.State.WITHDRAWN:
        _add(errors, "name", _("This signatory has withdrawn from the Code."))
    with transaction.atomic():
        locked = _locked(signatory)
        if locked.focal_points.filter(ended_on=None).count() >= MAX_FOCAL_POINTS:
            _add(errors, "name", _("This signatory already has two focal points. Record that one of them "
                                   "stopped before adding another."))
        _raise(errors)
        point = FocalPoint.objects.create(signatory=locked, name=name, role=role, phone=phone, email=email,
                                          started_on=started_on)
        record(actor=actor, action="tourism.focal_point.add", obj=locked, agency=locked.owning_agency,
               changes={"focal_point": str(point.public_id), "role": role})
    return point


def end_focal_point(*, actor, focal_point: FocalPoint, expected_version: int, reason: str, today=None) -> FocalPoint:
    """The person is no longer a focal point (left the job, replaced)."""
    signatory = focal_point.signatory
    _check_keeps(actor, signatory)
    errors: Errors = {}
    if focal_point.ended_on is not None:
        _add(errors, "reason", _("This person is no longer a focal point."))
    reason = _text(reason, "reason", errors, _("Write why they stopped."), 300)
    _raise(errors)
    focal_point.ended_on, focal_point.end_reason = today or timezone.localdate(), reason
    with transaction.atomic():
        focal_point.save_versioned(expected_version, ["ended_on", "end_reason"])
        record(actor=actor, action="tourism.focal_point.end", obj=signatory, agency=signatory.owning_agency,
               changes={"focal_point": str(focal_point.public_id), "ended_on": str(focal_point.ended_on)})
    return focal_point


def record_training(*, actor, signatory: Signatory, held_on, staff_trained: int, topic: str = "",
                    today=None) -> StaffTraining:
    _check_keeps(actor, signatory)
    today = today or timezone.localdate()
    errors: Errors = {}
    _date(held_on, "held_on", errors, today)
    if not isinstance(staff_trained, int) or isinstance(staff_trained, bool) or staff_trained < 1:
        _add(errors, "staff_trained", _("Enter how many staff were trained (at least 1)."))
    elif staff_trained > MAX_STAFF:
        _add(errors, "staff_trained", _("This count is too large; check it."))
    topic = (topic or "").strip()
    if len(topic) > 200:
        _add(errors, "topic", _("Write at most %(n)s characters.") % {"n": 200})
    if signatory.state == Signatory.State.WITHDRAWN:
        _add(errors, "held_on", _("This signatory has withdrawn from the Code."))
    _raise(errors)
    with transaction.atomic():
        locked = _locked(signatory)
        training = StaffTraining.objects.create(signatory=locked, held_on=held_on, staff_trained=staff_trained,
                                                topic=topic)
        record(actor=actor, action="tourism.training", obj=locked, agency=locked.owning_agency,
               changes={"held_on": str(held_on), "staff_trained": staff_trained})
    return training


def record_review(*, actor, signatory: Signatory, reviewed_on, outcome: str, findings: str = "",
                  follow_up_due=None, reviewer_agency: Agency | None = None, today=None) -> ComplianceReview:
    """A compliance review. Findings are written for minor and major findings; a major finding
    needs a follow-up date and keeps the signatory out of good standing until a later review
    finds it compliant (or with minor findings only)."""
    _check_keeps(actor, signatory)
    membership = _membership_of(actor, signatory)
    today = today or timezone.localdate()
    reviewer_agency = reviewer_agency or membership.agency
    errors: Errors = {}
    _date(reviewed_on, "reviewed_on", errors, today, not_before=signatory.pledged_on,
          before_message=_("A review cannot be earlier than the pledge (%(day)s).") % {"day": signatory.pledged_on})
    if outcome not in ComplianceReview.Outcome.values:
        _add(errors, "outcome", _("Choose the outcome of the review."))
    findings = (findings or "").strip()
    if outcome in (ComplianceReview.Outcome.MINOR, ComplianceReview.Outcome.MAJOR) and not findings:
        _add(errors, "findings", _("Write what the review found."))
    if len(findings) > 5000:
        _add(errors, "findings", _("Write at most %(n)s characters.") % {"n": 5000})
    if follow_up_due is not None and not isinstance(follow_up_due, datetime.date):
        _add(errors, "follow_up_due", _("Enter a date."))
    elif outcome == ComplianceReview.Outcome.MAJOR and follow_up_due is None:
        _add(errors, "follow_up_due", _("A major finding needs a date for the follow-up review."))
    elif follow_up_due is not None and isinstance(reviewed_on, datetime.date) and follow_up_due <= reviewed_on:
        _add(errors, "follow_up_due", _("The follow-up must be due after the review."))
    if not isinstance(reviewer_agency, Agency) or not reviewer_agency.is_active:
        _add(errors, "reviewer_agency", _("Choose the agency that reviewed."))
    if signatory.state == Signatory.State.WITHDRAWN:
        _add(errors, "reviewed_on", _("This signatory has withdrawn from the Code."))
    _raise(errors)
    with transaction.atomic():
        locked = _locked(signatory)
        review = ComplianceReview.objects.create(signatory=locked, reviewed_on=reviewed_on, outcome=outcome,
                                                 findings=findings, follow_up_due=follow_up_due,
                                                 reviewer_agency=reviewer_agency)
        record(actor=actor, action="tourism.review", obj=locked, agency=locked.owning_agency,
               changes={"reviewed_on": str(reviewed_on), "outcome": outcome,
                        "reviewer_agency": reviewer_agency.short_code,
                        "follow_up_due": str(follow_up_due) if follow_up_due else ""})
    return review
