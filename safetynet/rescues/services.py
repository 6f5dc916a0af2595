"""Writes to rescue operations: the request (from a tip or on its own), the plan and its
team, the outcome, and the 24-hour production of rescued children before the CWC.

The plan is secret until the operation ends: only members of its team read it or change it
(``can_see_plan``), because a raid plan that leaks warns the traffickers. Everything else on
the record (that a request exists, its place, its status) is visible to the agency as before.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.agencies.directory import agencies_covering, members_holding
from safetynet.agencies.models import Agency, Membership
from safetynet.audit.services import record
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership
from safetynet.notifications.services import notify_many

from .models import ChildProduction, RescueOperation, RescueTeamMember

CHILD_AGE_BANDS = ("0-11", "12-17")
CWC_HOURS = 24  # JJ Act 2015 s.31: production before the Child Welfare Committee within 24 hours
MAX_TEXT = 4000


def request_rescue(*, actor, jurisdiction, reason: str, source_tip=None, case=None) -> RescueOperation:
    """An AHTU asks for a rescue operation (from a tip, or on its own). The requester is the
    first member of its team, so the plan has someone who may write it."""
    agency = acting_membership(actor, policy.Cap.RESCUE_REQUEST).agency
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why a rescue is needed.")]})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": [_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT}]})
    prefix = f"RESC-{agency.short_code}-{timezone.localdate().year}"
    with transaction.atomic():
        rescue = RescueOperation(reference=f"{prefix}-{next_serial(prefix):04d}", owning_agency=agency,
                                 jurisdiction=jurisdiction, reason=reason, requested_by=actor,
                                 source_tip=source_tip, case=case)
        rescue.save()
        RescueTeamMember.objects.create(rescue=rescue, user=actor, kind=RescueTeamMember.Kind.POLICE)
        record(actor=actor, action="rescue.request", obj=rescue, agency=agency,
               changes={"place": jurisdiction.code, "tip": source_tip.reference if source_tip else ""})
    return rescue


def is_on_team(user, rescue: RescueOperation) -> bool:
    return rescue.team.filter(user_id=user.pk).exists()


def can_see_plan(user, rescue: RescueOperation) -> bool:
    return rescue.is_over or is_on_team(user, rescue)


def _check_team(actor, rescue: RescueOperation) -> None:
    """Writes to the plan: a team member whose role may plan rescues, on a record they can see."""
    if not RescueOperation.objects.visible_to(actor, policy.Cap.RESCUE_PLAN).filter(pk=rescue.pk).exists() \
            or not is_on_team(actor, rescue):
        raise PermissionDenied(_("Only the operation's team can change its plan."))


def _open(rescue: RescueOperation) -> None:
    if rescue.is_over:
        raise ValidationError(_("This operation is over; its plan can no longer change."))


def team_problems(rescue: RescueOperation) -> list[str]:
    """What the SOP asks of the team that it does not have yet (empty: ready)."""
    team = list(rescue.team.all())
    problems = []
    if not any(m.kind == RescueTeamMember.Kind.POLICE for m in team):
        problems.append(_("No police official on the team."))
    if rescue.expects_women_or_children:
        women = sum(1 for m in team if m.woman and m.kind != RescueTeamMember.Kind.OTHER)
        if women < 2:
            problems.append(_("Women or children are expected: at least two women officials must be on the team "
                              "(now %(n)s).") % {"n": women})
        if not any(m.kind == RescueTeamMember.Kind.NGO for m in team):
            problems.append(_("Women or children are expected: an NGO representative must be on the team."))
    return problems


def save_plan(*, actor, rescue: RescueOperation, expected_version: int, planned_for: datetime.datetime,
              target: str, information: str, verification: str, warrant: str = "", vehicles: str = "",
              contingency: str = "", expects_women_or_children: bool = True) -> RescueOperation:
    _check_team(actor, rescue)
    _open(rescue)
    errors: dict[str, list[str]] = {}
    texts = {"target": target, "information": information, "verification": verification, "contingency": contingency}
    for name, value in texts.items():
        if len((value or "").strip()) > MAX_TEXT:
            errors[name] = [_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT}]
    if not (target or "").strip():
        errors["target"] = [_("Say where the operation will take place.")]
    if not (information or "").strip():
        errors["information"] = [_("Say what is known.")]
    if not (verification or "").strip():
        errors["verification"] = [_("Say how the information was verified.")]
    if planned_for is None:
        errors["planned_for"] = [_("Give the date and time of the operation.")]
    if errors:
        raise ValidationError(errors)
    for name, value in texts.items():
        rescue.set_text(name, (value or "").strip())
    rescue.planned_for, rescue.warrant, rescue.vehicles = planned_for, warrant.strip()[:200], vehicles.strip()[:300]
    rescue.expects_women_or_children, rescue.planned_by = expects_women_or_children, actor
    fields = ["planned_for", "warrant", "vehicles", "expects_women_or_children", "planned_by",
              *[f"{n}_enc" for n in texts]]
    with transaction.atomic():
        rescue.save_versioned(expected_version, fields)
        # The audit trail says that the plan changed, never what it says.
        record(actor=actor, action="rescue.plan", obj=rescue, agency=rescue.owning_agency,
               changes={"planned_for": planned_for.isoformat(), "warrant": bool(rescue.warrant),
                        "women_or_children": expects_women_or_children})
    return rescue


def add_team_member(*, actor, rescue: RescueOperation, kind: str, woman: bool = False, user=None,
                    label: str = "") -> RescueTeamMember:
    _check_team(actor, rescue)
    _open(rescue)
    errors: dict[str, list[str]] = {}
    if kind not in RescueTeamMember.Kind.values:
        errors["kind"] = [_("Choose what the person is on the team as.")]
    if user is None and not label.strip():
        errors["label"] = [_("Give a SafetyNet user or a name or designation.")]
    if user is not None and not Membership.objects.filter(user=user, is_active=True).exists():
        errors["username"] = [_("This user is not a member of any agency.")]
    if user is not None and rescue.team.filter(user=user).exists():
        errors["username"] = [_("Already on the team.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = RescueTeamMember.objects.create(rescue=rescue, user=user, label=label.strip()[:120], kind=kind,
                                                 woman=woman)
        record(actor=actor, action="rescue.team_add", obj=rescue, agency=rescue.owning_agency,
               changes={"user": user.get_username() if user else "", "kind": kind, "woman": woman})
    return member


def remove_team_member(*, actor, member: RescueTeamMember) -> None:
    rescue = member.rescue
    _check_team(actor, rescue)
    _open(rescue)
    if member.user_id == actor.pk:
        raise ValidationError(_("You cannot take yourself off the team; ask another member."))
    with transaction.atomic():
        record(actor=actor, action="rescue.team_remove", obj=rescue, agency=rescue.owning_agency,
               changes={"user": member.user.get_username() if member.user else "", "kind": member.kind})
        member.delete()


def mark_ready(*, actor, rescue: RescueOperation, expected_version: int) -> RescueOperation:
    """The plan is complete and the team meets the SOP: the operation may go ahead."""
    _check_team(actor, rescue)
    _open(rescue)
    problems = ([_("Save the plan first.")] if rescue.planned_for is None else []) + team_problems(rescue)
    if problems:
        raise ValidationError(problems)
    rescue.status = RescueOperation.Status.PLANNED
    with transaction.atomic():
        rescue.save_versioned(expected_version, ["status"])
        record(actor=actor, action="rescue.ready", obj=rescue, agency=rescue.owning_agency,
               changes={"team": rescue.team.count()})
    return rescue


def cancel(*, actor, rescue: RescueOperation, expected_version: int, reason: str) -> RescueOperation:
    _check_team(actor, rescue)
    _open(rescue)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the operation is cancelled.")]})
    rescue.status, rescue.ended_at = RescueOperation.Status.CANCELLED, timezone.now()
    rescue.set_text("outcome", reason.strip()[:MAX_TEXT])
    with transaction.atomic():
        rescue.save_versioned(expected_version, ["status", "ended_at", "outcome_enc"])
        record(actor=actor, action="rescue.cancel", obj=rescue, agency=rescue.owning_agency, changes={})
    return rescue


def record_outcome(*, actor, rescue: RescueOperation, expected_version: int, ended_at: datetime.datetime,
                   rescued: list[dict], suspects: list[dict], places_searched: int = 0, items_seized: str = "",
                   outcome: str = "", now: datetime.datetime | None = None) -> RescueOperation:
    """Close the operation with what it found. Each rescued person is registered as a victim
    of the rescue's case (opened now if it has none) and each suspect as a suspect and an
    accused of it; a rescued child opens the 24-hour CWC production deadline. All or nothing."""
    from safetynet.cases import services as cases
    from safetynet.cases.models import Case
    from safetynet.prosecution import services as legal

    _check_team(actor, rescue)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if rescue.status != RescueOperation.Status.PLANNED:
        errors["__all__"] = [_("Only an operation whose plan and team are ready can be recorded as carried out.")]
    if rescue.planned_for and ended_at < rescue.planned_for - datetime.timedelta(hours=12):
        errors["ended_at"] = [_("The operation cannot end before it was planned to start.")]
    if ended_at > now + datetime.timedelta(minutes=10):
        errors["ended_at"] = [_("This time is in the future.")]
    if places_searched is not None and places_searched < 0:
        errors["places_searched"] = [_("The number cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            case = rescue.case
            if case is None and (rescued or suspects):
                case = cases.open_case(actor=actor, agency=rescue.owning_agency, jurisdiction=rescue.jurisdiction,
                                       title=_("Rescue %(ref)s") % {"ref": rescue.reference}, kind=Case.Kind.OTHER,
                                       opened_on=timezone.localtime(ended_at).date(),
                                       summary=_("Opened from rescue operation %(ref)s.") % {"ref": rescue.reference})
                rescue.case = case
            children = []
            for person in rescued:
                assert case is not None  # opened above whenever anyone was found
                identity = {"name_latin": person["name"]} if person.get("name") else None
                party = cases.add_party(actor=actor, case=case, role="victim", sex=person.get("sex", "unknown"),
                                        age_band=person.get("age_band", "unknown"),
                                        nationality=person.get("nationality", "unknown"), identity=identity)
                if party.person.age_band in CHILD_AGE_BANDS:
                    children.append(ChildProduction(rescue=rescue, person=party.person, rescued_at=ended_at,
                                                    due_at=ended_at + datetime.timedelta(hours=CWC_HOURS)))
            for person in suspects:
                assert case is not None
                identity = {"name_latin": person["name"]} if person.get("name") else None
                party = cases.add_party(actor=actor, case=case, role="suspect", sex=person.get("sex", "unknown"),
                                        age_band=person.get("age_band", "unknown"), identity=identity)
                legal.add_accused(actor=actor, case=case, party=party)
            ChildProduction.objects.bulk_create(children)
            rescue.status, rescue.ended_at = RescueOperation.Status.DONE, ended_at
            rescue.places_searched = places_searched
            rescue.set_text("items_seized", items_seized.strip()[:MAX_TEXT])
            rescue.set_text("outcome", outcome.strip()[:MAX_TEXT])
            rescue.save_versioned(expected_version, ["status", "ended_at", "places_searched", "items_seized_enc",
                                                     "outcome_enc", "case"])
            record(actor=actor, action="rescue.outcome", obj=rescue, agency=rescue.owning_agency,
                   changes={"rescued": len(rescued), "children": len(children), "suspects": len(suspects),
                            "places_searched": places_searched, "case": case.reference if case else ""})
            if children:
                _alert_cwc(rescue, children)
    except Exception:
        rescue.refresh_from_db()  # nothing was saved: drop what this attempt set on the object
        raise
    return rescue


def _alert_cwc(rescue: RescueOperation, children: list[ChildProduction]) -> None:
    """The CWC of the place and the team hear at once: the 24 hours have started."""
    users = members_holding(agencies_covering(rescue.jurisdiction, Agency.Type.CWC), policy.Cap.CWC_DECIDE)
    users += [m.user for m in rescue.team.select_related("user") if m.user]
    due = timezone.localtime(min(c.due_at for c in children))
    message = _("%(n)s child(ren) rescued in %(ref)s: produce before the Child Welfare Committee by %(due)s.") % {
        "n": len(children), "ref": rescue.reference, "due": due.strftime("%d %b %Y %H:%M")}
    notify_many([(users, message, f"/rescues/{rescue.public_id}/", True)])


def record_production(*, actor, production: ChildProduction, produced_at: datetime.datetime,
                      now: datetime.datetime | None = None) -> ChildProduction:
    rescue = production.rescue
    if rescue is None or not RescueOperation.objects.visible_to(actor, policy.Cap.RESCUE_PLAN).filter(
            pk=rescue.pk).exists():  # a child who came forward is produced through the CWC's own page
        raise PermissionDenied(_("Your role does not allow this."))
    with transaction.atomic():
        save_production(production, produced_at, now)
        record(actor=actor, action="rescue.cwc_production", obj=rescue, agency=rescue.owning_agency,
               changes={"person": production.person.code, "late": produced_at > production.due_at})
    return production


def save_production(production: ChildProduction, produced_at: datetime.datetime,
                    now: datetime.datetime | None = None) -> None:
    """Check and store the time a child was produced before the CWC. The callers check who may
    (the rescue team here, the CWC in care.services) and write their own audit event."""
    now = now or timezone.now()
    if production.produced_at:
        raise ValidationError({"produced_at": [_("The production was already recorded.")]})
    # Compared to the minute: forms give minutes, and "now" in the rescue's minute is not before it.
    if produced_at < production.rescued_at.replace(second=0, microsecond=0):
        raise ValidationError({"produced_at": [_("The child cannot be produced before the rescue.")]})
    if produced_at > now + datetime.timedelta(minutes=10):
        raise ValidationError({"produced_at": [_("This time is in the future.")]})
    ChildProduction.objects.filter(pk=production.pk).update(produced_at=produced_at)
    production.produced_at = produced_at
