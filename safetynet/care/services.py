"""All writes to survivor care. Each checks the actor's capability *on this survivor* (the
record must be visible to them with that capability), validates everything before writing,
writes in one transaction and leaves an audit event. Identity values never enter the audit
trail, notifications or error messages: codes only.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import memberships_with
from safetynet.agencies.directory import agencies_covering, members_holding
from safetynet.agencies.models import Agency, Membership
from safetynet.audit.services import record
from safetynet.core.services import acting_membership
from safetynet.notifications.services import notify_many
from safetynet.people import vault
from safetynet.rescues.models import ChildProduction

from . import htcds
from .models import (
    FOLLOW_UP_MONTHS,
    CareAssignment,
    CareGoal,
    CarePlan,
    CarePlanReview,
    CareShare,
    ClinicalNote,
    Consent,
    ConsentOverride,
    CWCOrder,
    FollowUp,
    HomeStudy,
    Placement,
    Repatriation,
    RepatriationStep,
    ServiceRecord,
    ShelterHome,
    Survivor,
)

CWC_HOURS = 24  # JJ Act 2015 s.31
FOLLOW_UP_GRACE_DAYS = 14  # a follow-up done within two weeks of its date is on time
MAX_TEXT = 4000
CHILD_BANDS = ("0-11", "12-17")
# Steps of a repatriation, with the default days from the start to each due date.
STEP_DAYS = {1: 30, 2: 60, 3: 75, 4: 90}


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _on_survivor(actor, survivor: Survivor, capability: str):
    """The membership through which the actor may do ``capability`` on this survivor."""
    if not Survivor.objects.visible_to(actor, capability).filter(pk=survivor.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this survivor."))
    return acting_membership(actor, capability)


def _not_future(value, field: str, today: datetime.date, errors: dict) -> None:
    if value and value > today:
        errors.setdefault(field, []).append(_("This date is in the future."))


def _link(survivor: Survivor) -> str:
    return f"/care/survivors/{survivor.public_id}/"


# --------------------------------------------------------------------------- registration


@dataclass
class Profile:
    """The HTCDS fields of a survivor, as entered."""

    trafficking_status: str = htcds.TraffickingStatus.POSSIBLE
    methods_of_control: list[str] | None = None
    exploitation_types: list[str] | None = None
    labour_industries: list[str] | None = None
    recruitment_methods: list[str] | None = None
    recruiter_relation: str = ""
    months_in_exploitation: int | None = None
    recruited_from: object = None

    def errors(self) -> dict:
        errors: dict[str, list[str]] = {}
        for field, (_name, _list, choices) in htcds.MULTI_FIELDS.items():
            allowed = {c for c, _label in choices}
            unknown = set(getattr(self, field) or []) - allowed
            if unknown:
                errors[field] = [_("Not an HTCDS code: %(codes)s") % {"codes": ", ".join(sorted(unknown))}]
        if self.trafficking_status not in htcds.TraffickingStatus.values:
            errors["trafficking_status"] = [_("Choose a trafficking status.")]
        if self.recruiter_relation not in htcds.RecruiterRelation.values:
            errors["recruiter_relation"] = [_("Choose the recruiter's relation.")]
        if self.months_in_exploitation is not None and not 0 <= self.months_in_exploitation <= 600:
            errors["months_in_exploitation"] = [_("Enter the months in exploitation (0 to 600).")]
        return errors

    def apply(self, survivor: Survivor) -> None:
        survivor.trafficking_status = self.trafficking_status
        for field in htcds.MULTI_FIELDS:
            setattr(survivor, field, sorted(set(getattr(self, field) or [])))
        survivor.recruiter_relation = self.recruiter_relation
        survivor.months_in_exploitation = self.months_in_exploitation
        survivor.recruited_from = self.recruited_from  # type: ignore[assignment]


PROFILE_FIELDS = ["trafficking_status", *htcds.MULTI_FIELDS, "recruiter_relation", "months_in_exploitation",
                  "recruited_from"]


def register_survivor(*, actor, came_via: str, jurisdiction, language: str, profile: Profile,
                      registered_on: datetime.date | None = None, person=None, sex: str = "unknown",
                      age_band: str = "unknown", nationality: str = "unknown", identity: dict | None = None,
                      now: datetime.datetime | None = None) -> Survivor:
    """A survivor's care record: for a person already known (a victim rescued in an operation)
    or for a survivor who comes forward (registered here). A child who comes forward starts
    the 24-hour clock for production before the CWC, as a rescued child does."""
    from safetynet.cases.models import CaseParty
    from safetynet.people.models import Person
    from safetynet.people.services import register_person

    membership = acting_membership(actor, policy.Cap.CARE_EDIT)
    now = now or timezone.now()
    today = timezone.localdate(now)
    registered_on = registered_on or today
    errors = profile.errors()
    if came_via not in Survivor.CameVia.values:
        errors["came_via"] = [_("Say how the survivor came to you.")]
    if language not in Survivor.Language.values:
        errors["language"] = [_("Choose a language.")]
    _not_future(registered_on, "registered_on", today, errors)
    if person is not None:
        if not Person.objects.visible_to(actor, policy.Cap.PERSON_VIEW).filter(pk=person.pk).exists():
            raise PermissionDenied(_("Your role does not allow this for this person."))
        if Survivor.objects.filter(person=person).exists():
            errors["__all__"] = [_("%(code)s already has a care record.") % {"code": person.code}]
    elif not (identity or {}).get("name_latin") and not (identity or {}).get("name_native"):
        errors["name_latin"] = [_("Write the survivor's name (in any script), or the name they want to be called.")]
    _raise(errors)
    with transaction.atomic():
        if person is None:
            person = register_person(actor=actor, jurisdiction=jurisdiction, sex=sex, age_band=age_band,
                                     nationality=nationality, identity=identity, agency=membership.agency,
                                     capability=policy.Cap.CARE_EDIT)
        party = CaseParty.objects.filter(person=person, role="victim").select_related("case").first()
        production = ChildProduction.objects.filter(person=person).select_related("rescue").first()
        rescue = production.rescue if production else (party.case.rescues.first() if party else None)
        survivor = Survivor(person=person, owning_agency=membership.agency, jurisdiction=jurisdiction,
                            came_via=came_via, rescue=rescue, case=party.case if party else None,
                            registered_on=registered_on, language=language)
        profile.apply(survivor)
        survivor.save()
        record(actor=actor, action="care.register", obj=survivor, agency=membership.agency,
               changes={"person": person.code, "came_via": came_via, "case": party.case.reference if party else ""})
        if person.age_band in CHILD_BANDS and production is None:
            production = ChildProduction.objects.create(person=person, rescue=None, rescued_at=now,
                                                         due_at=now + datetime.timedelta(hours=CWC_HOURS))
            due = timezone.localtime(production.due_at).strftime("%d %b %Y %H:%M")
            cwc_users = members_holding(agencies_covering(jurisdiction, Agency.Type.CWC), policy.Cap.CWC_DECIDE)
            notify_many([(cwc_users + [actor], _("A child (%(code)s) came forward: produce before the Child Welfare "
                                                 "Committee by %(due)s.") % {"code": person.code, "due": due},
                          "/care/cwc/", True)])
    return survivor


def update_profile(*, actor, survivor: Survivor, expected_version: int, profile: Profile, language: str) -> Survivor:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    errors = profile.errors()
    if language not in Survivor.Language.values:
        errors["language"] = [_("Choose a language.")]
    _raise(errors)
    before = {f: getattr(survivor, f) for f in PROFILE_FIELDS}
    profile.apply(survivor)
    survivor.language = language
    with transaction.atomic():
        survivor.save_versioned(expected_version, [*PROFILE_FIELDS, "language"])
        changed = sorted(f for f in PROFILE_FIELDS if getattr(survivor, f) != before[f])
        record(actor=actor, action="care.profile", obj=survivor, agency=membership.agency,
               changes={"fields": changed})
    return survivor


# --------------------------------------------------------------------------- consent


def record_consent(*, actor, survivor: Survivor, purpose: str, method: str, language: str,
                   taken_on: datetime.date, given_by: str = "survivor", agency=None, witness: str = "",
                   expires_on: datetime.date | None = None, today: datetime.date | None = None) -> Consent:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = [_("Choose what the consent is for.")]
    if method not in Consent.Method.values:
        errors["method"] = [_("Say how the consent was given.")]
    if given_by not in Consent.GivenBy.values:
        errors["given_by"] = [_("Say who gave the consent.")]
    if language not in Survivor.Language.values:
        errors["language"] = [_("Choose a language.")]
    if purpose == Consent.Purpose.SHARING and agency is None:
        errors["agency"] = [_("Name the agency the record may be shared with.")]
    if purpose != Consent.Purpose.SHARING and agency is not None:
        errors["agency"] = [_("An agency is named only for consent to share.")]
    if method == Consent.Method.VERBAL and not witness.strip():
        errors["witness"] = [_("Verbal consent needs a witness.")]
    if survivor.person.age_band in CHILD_BANDS and given_by != Consent.GivenBy.GUARDIAN:
        errors["given_by"] = [_("For a child, consent is given by a parent or guardian (or the CWC decides by order).")]
    _not_future(taken_on, "taken_on", today, errors)
    if expires_on and taken_on and expires_on <= taken_on:
        errors["expires_on"] = [_("The consent must end after the day it was given.")]
    elif expires_on and expires_on < today:
        errors["expires_on"] = [_("This consent has already expired: record a new one with the survivor.")]
    _raise(errors)
    with transaction.atomic():
        consent = Consent.objects.create(survivor=survivor, purpose=purpose, agency=agency, given_by=given_by,
                                         method=method, witness=witness.strip()[:120], language=language,
                                         taken_by=actor, taken_on=taken_on, expires_on=expires_on)
        record(actor=actor, action="care.consent", obj=survivor, agency=membership.agency,
               changes={"purpose": purpose, "method": method, "agency": agency.short_code if agency else "",
                        "expires_on": expires_on.isoformat() if expires_on else ""})
    return consent


def withdraw_consent(*, actor, consent: Consent, on: datetime.date | None = None) -> Consent:
    """The survivor takes consent back: sharing that rested on it ends the same day."""
    survivor = consent.survivor
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    on = on or timezone.localdate()
    if consent.withdrawn_on:
        raise ValidationError(_("This consent was already withdrawn."))
    if on < consent.taken_on:
        raise ValidationError(_("Consent cannot be withdrawn before it was given."))
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(withdrawn_on=on, withdrawn_by=actor)
        consent.withdrawn_on, consent.withdrawn_by = on, actor
        ended = 0
        if consent.purpose == Consent.Purpose.SHARING and consent.agency_id:
            if consent_basis(survivor, Consent.Purpose.SHARING, consent.agency, on) is None:
                ended = CareShare.objects.filter(survivor=survivor, agency=consent.agency, basis="consent",
                                                 ended_on=None).update(ended_on=on)
        record(actor=actor, action="care.consent_withdrawn", obj=survivor, agency=membership.agency,
               changes={"purpose": consent.purpose, "shares_ended": ended})
    return consent


def consent_basis(survivor: Survivor, purpose: str, agency=None, day: datetime.date | None = None) -> str | None:
    """Why sharing or tracing is allowed: "consent" (valid today), "cwc_order", or None."""
    day = day or timezone.localdate()
    consents = survivor.consents.filter(purpose=purpose)
    if agency is not None:
        consents = consents.filter(agency=agency)
    if any(c.is_valid_on(day) for c in consents):
        return "consent"
    orders = survivor.cwc_orders.all()
    if purpose == Consent.Purpose.SHARING and agency is not None and orders.filter(agency=agency).exists():
        return "cwc_order"
    if purpose == Consent.Purpose.FAMILY_TRACING and orders.filter(
            kind__in=[CWCOrder.Kind.RESTORATION, CWCOrder.Kind.FAMILY_TRACING, CWCOrder.Kind.REPATRIATION]).exists():
        return "cwc_order"
    return None


def _override(actor, survivor, purpose: str, agency, reason: str, membership) -> ConsentOverride:
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise ValidationError({"override_reason": [
            _("Without consent or a CWC order, write why this cannot wait (at least 20 characters). "
              "The override is logged and shown on the record.")]})
    override = ConsentOverride.objects.create(survivor=survivor, purpose=purpose, agency=agency,
                                              reason=reason[:MAX_TEXT], by=actor)
    record(actor=actor, action="care.consent_override", obj=survivor, agency=membership.agency,
           changes={"purpose": purpose, "agency": agency.short_code if agency else ""})
    heads = members_holding([survivor.owning_agency_id], policy.Cap.CARE_EDIT)
    notify_many([(heads, _("Consent was overridden for %(code)s (%(purpose)s). The reason is on the record.")
                  % {"code": survivor.person.code, "purpose": Consent.Purpose(purpose).label}, _link(survivor), False)])
    return override


def share_record(*, actor, survivor: Survivor, agency: Agency, override_reason: str = "") -> CareShare:
    """Let another agency see the care record. Refused without the survivor's consent to share
    with that agency or a CWC order naming it — unless an explicit, written override is given."""
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    if agency.pk == survivor.owning_agency_id:
        raise ValidationError({"agency": [_("This agency already holds the record.")]})
    if CareShare.objects.filter(survivor=survivor, agency=agency, ended_on=None).exists():
        raise ValidationError({"agency": [_("The record is already shared with this agency.")]})
    basis = consent_basis(survivor, Consent.Purpose.SHARING, agency)
    with transaction.atomic():
        if basis is None:
            if not override_reason.strip():
                raise ValidationError({"agency": [
                    _("The survivor has not consented to sharing with %(agency)s (or the consent expired or was "
                      "withdrawn), and no CWC order names it. Record consent first.") % {"agency": agency.name}]})
            _override(actor, survivor, Consent.Purpose.SHARING, agency, override_reason, membership)
            basis = "override"
        share = CareShare.objects.create(survivor=survivor, agency=agency, basis=basis, by=actor)
        record(actor=actor, action="care.share", obj=survivor, agency=membership.agency,
               changes={"agency": agency.short_code, "basis": basis})
    return share


def end_share(*, actor, share: CareShare) -> CareShare:
    membership = _on_survivor(actor, share.survivor, policy.Cap.CARE_EDIT)
    if share.ended_on:
        raise ValidationError(_("This sharing already ended."))
    with transaction.atomic():
        share.ended_on = timezone.localdate()
        share.save(update_fields=["ended_on"])
        record(actor=actor, action="care.share_end", obj=share.survivor, agency=membership.agency,
               changes={"agency": share.agency.short_code})
    return share


def start_tracing(*, actor, survivor: Survivor, override_reason: str = "") -> Survivor:
    """Family tracing (issue 6's matching uses ``survivor.tracing_basis``): only with consent,
    a CWC order, or an audited override."""
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    if survivor.tracing_started_on:
        raise ValidationError(_("Family tracing has already started."))
    basis = consent_basis(survivor, Consent.Purpose.FAMILY_TRACING)
    with transaction.atomic():
        if basis is None:
            if not override_reason.strip():
                raise ValidationError({"override_reason": [
                    _("The survivor has not consented to family tracing and no CWC order allows it. Record "
                      "consent first.")]})
            _override(actor, survivor, Consent.Purpose.FAMILY_TRACING, None, override_reason, membership)
            basis = "override"
        Survivor.objects.filter(pk=survivor.pk).update(tracing_basis=basis, tracing_started_on=timezone.localdate())
        survivor.refresh_from_db()
        record(actor=actor, action="care.tracing", obj=survivor, agency=membership.agency, changes={"basis": basis})

        def _match() -> None:  # tracing may start: look for the family's report now (issue 6)
            from safetynet.matching import services as matching

            matching.match_one(matching.Found(survivor.person, basis))

        transaction.on_commit(_match)
    return survivor


def assign(*, actor, survivor: Survivor, user, kind: str) -> CareAssignment:
    may = [cap for cap in (policy.Cap.CARE_EDIT, policy.Cap.SHELTER_MANAGE)
           if Survivor.objects.visible_to(actor, cap).filter(pk=survivor.pk).exists()]
    if not may:
        raise PermissionDenied(_("Your role does not allow this for this survivor."))
    membership = acting_membership(actor, may[0])
    needed = policy.Cap.CLINICAL_NOTES if kind == CareAssignment.Kind.COUNSELLOR else policy.Cap.CARE_EDIT
    if kind not in CareAssignment.Kind.values:
        raise ValidationError({"kind": [_("Choose caseworker or counsellor.")]})
    if not memberships_with(user, needed):
        raise ValidationError({"user": [_("This person does not work as a %(kind)s on SafetyNet.")
                                        % {"kind": CareAssignment.Kind(kind).label.lower()}]})
    # Assigning someone lets them see the record: only people of agencies that already serve
    # the survivor (the record's agency, the shelter now, agencies shared with by consent).
    serving = {survivor.owning_agency_id}
    serving |= set(survivor.placements.filter(ended_on=None).values_list("shelter__agency_id", flat=True))
    serving |= set(survivor.shares.filter(ended_on=None).values_list("agency_id", flat=True))
    if not Membership.objects.filter(user=user, agency_id__in=serving, is_active=True,
                                     role__in=policy.roles_with(needed)).exists():
        raise ValidationError({"user": [_("This person's agency does not serve this survivor. Share the record "
                                          "with their agency first (with the survivor's consent).")]})
    if CareAssignment.objects.filter(survivor=survivor, user=user, kind=kind, active=True).exists():
        raise ValidationError({"user": [_("Already assigned.")]})
    with transaction.atomic():
        assignment = CareAssignment.objects.create(survivor=survivor, user=user, kind=kind, by=actor)
        record(actor=actor, action="care.assign", obj=survivor, agency=membership.agency,
               changes={"user": str(user.public_id) if hasattr(user, "public_id") else user.pk, "kind": kind})
    return assignment


# --------------------------------------------------------------------------- children and the CWC


def productions_for(user):
    """Children waiting to be (or produced) before the CWCs the user sits on."""
    paths = [m.agency.jurisdiction.path for m in memberships_with(user, policy.Cap.CWC_DECIDE)]
    if not paths:
        return ChildProduction.objects.none()
    from django.db.models import Q

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(person__jurisdiction__path__startswith=path)
    return ChildProduction.objects.filter(q).select_related("person", "rescue")


def record_production(*, actor, production: ChildProduction, produced_at: datetime.datetime,
                      now: datetime.datetime | None = None) -> ChildProduction:
    """The CWC records that the child was produced before it."""
    membership = acting_membership(actor, policy.Cap.CWC_DECIDE)
    if not productions_for(actor).filter(pk=production.pk).exists():
        raise PermissionDenied(_("Your role does not allow this."))
    from safetynet.rescues.services import save_production

    with transaction.atomic():
        save_production(production, produced_at, now)
        record(actor=actor, action="care.cwc_production", obj=production.person, agency=membership.agency,
               changes={"person": production.person.code, "late": produced_at > production.due_at})
    return production


def escalate_productions(now: datetime.datetime | None = None) -> int:
    """Children not produced within 24 hours: the district's CWC, its AHTU heads, the rescue
    team and the survivor's caseworkers hear at once (urgent). Each child once."""
    now = now or timezone.now()
    late = list(ChildProduction.objects.filter(produced_at=None, escalated_at=None, due_at__lt=now)
                .select_related("person__jurisdiction", "rescue"))
    alerts = []
    for production in late:
        place = production.person.jurisdiction
        users = members_holding(agencies_covering(place, Agency.Type.CWC), policy.Cap.CWC_DECIDE)
        users += members_holding(agencies_covering(place, Agency.Type.AHTU), policy.Cap.CASE_MANAGE_TEAM)
        if production.rescue is not None:
            users += [m.user for m in production.rescue.team.select_related("user") if m.user]
        survivor = Survivor.objects.filter(person=production.person).first()
        if survivor:
            users += members_holding([survivor.owning_agency_id], policy.Cap.CARE_EDIT)
        hours = int((now - production.due_at).total_seconds() // 3600)
        alerts.append((users, _("OVERDUE: child %(code)s has not been produced before the Child Welfare Committee "
                                "(due %(due)s, %(hours)s h ago).") % {
            "code": production.person.code, "due": timezone.localtime(production.due_at).strftime("%d %b %H:%M"),
            "hours": hours}, "/care/cwc/", True))
    with transaction.atomic():
        ChildProduction.objects.filter(pk__in=[p.pk for p in late]).update(escalated_at=now)
        notify_many(alerts)
    return len(late)


def record_cwc_order(*, actor, survivor: Survivor, kind: str, number: str, ordered_on: datetime.date,
                     agency=None, age_band: str = "", details: str = "",
                     today: datetime.date | None = None) -> CWCOrder:
    membership = _on_survivor(actor, survivor, policy.Cap.CWC_DECIDE)
    if membership.agency.agency_type != Agency.Type.CWC:
        raise PermissionDenied(_("Only a Child Welfare Committee makes these orders."))
    today = today or timezone.localdate()
    number = (number or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in CWCOrder.Kind.values:
        errors["kind"] = [_("Choose the order.")]
    if not number:
        errors["number"] = [_("Write the order number.")]
    elif CWCOrder.objects.filter(cwc=membership.agency, number=number).exists():
        errors["number"] = [_("This CWC already has an order with this number.")]
    _not_future(ordered_on, "ordered_on", today, errors)
    if kind == CWCOrder.Kind.PLACEMENT and (agency is None or not ShelterHome.objects.filter(agency=agency).exists()):
        errors["agency"] = [_("Name the shelter or child care institution.")]
    if kind == CWCOrder.Kind.AGE_DETERMINATION and age_band not in ("0-11", "12-17", "18-25", "26-40", "41+"):
        errors["age_band"] = [_("Choose the age the committee determined.")]
    if len(details) > MAX_TEXT:
        errors["details"] = [_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT}]
    _raise(errors)
    with transaction.atomic():
        order = CWCOrder(survivor=survivor, cwc=membership.agency, kind=kind, number=number, ordered_on=ordered_on,
                         agency=agency, age_band=age_band if kind == CWCOrder.Kind.AGE_DETERMINATION else "",
                         by=actor)
        if details.strip():
            order.details_enc = vault.encrypt(details.strip(), f"{order.public_id}:details")
        order.save()
        changes = {"kind": kind, "number": number, "agency": agency.short_code if agency else ""}
        if order.age_band and order.age_band != survivor.person.age_band:
            from safetynet.people.models import Person

            changes["age_band"] = [survivor.person.age_band, order.age_band]
            Person.objects.filter(pk=survivor.person_id).update(age_band=order.age_band)
            survivor.person.age_band = order.age_band
        record(actor=actor, action="care.cwc_order", obj=survivor, agency=membership.agency, changes=changes)
        users = members_holding([survivor.owning_agency_id], policy.Cap.CARE_EDIT)
        notify_many([(users, _("CWC order %(number)s (%(kind)s) for %(code)s.") % {
            "number": number, "kind": CWCOrder.Kind(kind).label, "code": survivor.person.code}, _link(survivor),
            False)])
    return order


# --------------------------------------------------------------------------- shelter


def occupancy(shelter: ShelterHome) -> int:
    return shelter.placements.filter(ended_on=None).count()


def _serves(shelter: ShelterHome, person) -> bool:
    """Whether the home takes this person (an unknown sex or age does not bar anyone: the
    CWC determines age, and a survivor is not left without a bed while it does)."""
    child = person.age_band in CHILD_BANDS
    adult = person.age_band not in (*CHILD_BANDS, "unknown")
    female, male = person.sex == "female", person.sex == "male"
    serves = ShelterHome.Serves
    rules: dict[str, bool] = {
        serves.GIRLS: not male and not adult,
        serves.BOYS: not female and not adult,
        serves.WOMEN: not male and not child,
        serves.WOMEN_AND_CHILDREN: not male or not adult,
    }
    return rules.get(shelter.serves, True)


def _check_place(shelter: ShelterHome, survivor: Survivor, started_on, today, errors: dict) -> None:
    # Locked so two placements at once cannot both take the last bed; the capacity is read
    # under the lock, not from the caller's copy.
    locked = ShelterHome.objects.select_for_update().get(pk=shelter.pk)
    taken = occupancy(locked)
    if taken >= locked.capacity:
        errors.setdefault("shelter", []).append(
            _("%(shelter)s is full: %(taken)s of %(beds)s beds are taken. Choose another shelter or record an exit "
              "first.") % {"shelter": shelter.agency.name, "taken": taken, "beds": locked.capacity})
    if not _serves(locked, survivor.person):
        errors.setdefault("shelter", []).append(
            _("%(shelter)s is a home for %(serves)s.") % {"shelter": shelter.agency.name,
                                                        "serves": locked.get_serves_display().lower()})
    _not_future(started_on, "started_on", today, errors)
    if started_on and started_on < survivor.registered_on - datetime.timedelta(days=366):
        errors.setdefault("started_on", []).append(_("This date is long before the survivor was registered."))


def place(*, actor, survivor: Survivor, shelter: ShelterHome, started_on: datetime.date, reason: str,
          today: datetime.date | None = None) -> Placement:
    membership = _on_survivor(actor, survivor, policy.Cap.SHELTER_MANAGE)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Say why the survivor is placed here.")]
    with transaction.atomic():
        if Placement.objects.filter(survivor=survivor, ended_on=None).exists():
            errors["__all__"] = [_("The survivor already lives in a shelter: record a transfer instead.")]
        _check_place(shelter, survivor, started_on, today, errors)
        _raise(errors)
        placement = Placement.objects.create(survivor=survivor, shelter=shelter, started_on=started_on,
                                             reason=reason.strip()[:300], by=actor)
        # Back in care: the follow-ups of the last exit no longer apply (new ones come with the next exit).
        dropped, _kinds = survivor.follow_ups.filter(done_on=None).delete()
        Survivor.objects.filter(pk=survivor.pk).update(status=Survivor.Status.IN_CARE, left_care_on=None)
        survivor.status = Survivor.Status.IN_CARE
        record(actor=actor, action="care.place", obj=survivor, agency=membership.agency,
               changes={"shelter": shelter.agency.short_code, "started_on": started_on.isoformat(),
                        "follow_ups_dropped": dropped})
    return placement


def transfer(*, actor, placement: Placement, expected_version: int, to: ShelterHome, on: datetime.date,
             reason: str, today: datetime.date | None = None) -> Placement:
    survivor = placement.survivor
    membership = _on_survivor(actor, survivor, policy.Cap.SHELTER_MANAGE)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if placement.ended_on:
        errors["__all__"] = [_("This placement has already ended.")]
    if to.pk == placement.shelter_id:
        errors["shelter"] = [_("The survivor already lives here.")]
    if not reason.strip():
        errors["reason"] = [_("Say why the survivor is transferred.")]
    if on and on < placement.started_on:
        errors["started_on"] = [_("A transfer cannot come before the placement started.")]
    with transaction.atomic():
        _check_place(to, survivor, on, today, errors)
        _raise(errors)
        placement.ended_on, placement.exit_reason = on, Placement.ExitReason.TRANSFER
        placement.exit_note = reason.strip()[:300]
        placement.save_versioned(expected_version, ["ended_on", "exit_reason", "exit_note"])
        new = Placement.objects.create(survivor=survivor, shelter=to, started_on=on, reason=reason.strip()[:300],
                                       by=actor)
        record(actor=actor, action="care.transfer", obj=survivor, agency=membership.agency,
               changes={"from": placement.shelter.agency.short_code, "to": to.agency.short_code})
    return new


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def schedule_follow_ups(survivor: Survivor, left_on: datetime.date) -> list[FollowUp]:
    return FollowUp.objects.bulk_create([
        FollowUp(survivor=survivor, months=m, due_on=add_months(left_on, m)) for m in FOLLOW_UP_MONTHS
        if not survivor.follow_ups.filter(months=m, done_on=None).exists()])


LEAVING_STATUS: dict[str, str] = {
    Placement.ExitReason.REINTEGRATED: Survivor.Status.REINTEGRATED,
    Placement.ExitReason.REPATRIATED: Survivor.Status.REPATRIATED,
}


def leave_care(*, actor, placement: Placement, expected_version: int, ended_on: datetime.date, exit_reason: str,
               note: str = "", warnings_read: bool = False, today: datetime.date | None = None) -> Placement:
    """The survivor leaves the shelter. Going home needs a home study first; if it warned
    (the home is linked to a suspect, the source of the case, or a family involved), the
    person recording the exit must say they have read the warnings — and that is logged.
    Leaving for a life outside care schedules the 3, 6 and 12-month follow-ups."""
    survivor = placement.survivor
    membership = _on_survivor(actor, survivor, policy.Cap.SHELTER_MANAGE)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if placement.ended_on:
        errors["__all__"] = [_("This placement has already ended.")]
    if exit_reason not in Placement.ExitReason.values or exit_reason == Placement.ExitReason.TRANSFER:
        errors["exit_reason"] = [_("Say why the survivor left (a transfer is recorded as a transfer).")]
    _not_future(ended_on, "ended_on", today, errors)
    if ended_on and ended_on < placement.started_on:
        errors["ended_on"] = [_("The survivor cannot leave before the placement started (%(d)s).")
                              % {"d": placement.started_on.strftime("%d %b %Y")}]
    study = survivor.home_studies.first()
    needs_order = {str(Placement.ExitReason.REINTEGRATED): str(CWCOrder.Kind.RESTORATION),
                   str(Placement.ExitReason.REPATRIATED): str(CWCOrder.Kind.REPATRIATION)}.get(exit_reason)
    if needs_order and survivor.person.age_band in CHILD_BANDS and not survivor.cwc_orders.filter(
            kind=needs_order).exists():
        # JJ Act 2015 s.37: only the Child Welfare Committee restores or repatriates a child.
        errors["exit_reason"] = [_("A child goes home only on the Child Welfare Committee's order (%(order)s). "
                                   "Ask the CWC to record it first.") % {"order": CWCOrder.Kind(needs_order).label}]
    elif exit_reason == Placement.ExitReason.REINTEGRATED:
        if study is None:
            errors["exit_reason"] = [_("Record a home study before sending the survivor home.")]
        elif study.recommendation == HomeStudy.Recommendation.NOT_SAFE:
            errors["exit_reason"] = [_("The home study found the home not safe. Record a new home study first.")]
        elif study.warnings and not warnings_read:
            errors["warnings_read"] = [_("The home study warned about this home. Read the warnings and confirm "
                                         "before sending the survivor home.")]
    _raise(errors)
    with transaction.atomic():
        placement.ended_on, placement.exit_reason, placement.exit_note = ended_on, exit_reason, note.strip()[:300]
        placement.save_versioned(expected_version, ["ended_on", "exit_reason", "exit_note"])
        survivor.status = LEAVING_STATUS.get(exit_reason, Survivor.Status.LEFT_CARE)
        survivor.left_care_on = ended_on
        Survivor.objects.filter(pk=survivor.pk).update(status=survivor.status, left_care_on=ended_on)
        scheduled = []
        if exit_reason != Placement.ExitReason.ABSCONDED:
            scheduled = schedule_follow_ups(survivor, ended_on)
        record(actor=actor, action="care.exit", obj=survivor, agency=membership.agency,
               changes={"shelter": placement.shelter.agency.short_code, "exit_reason": exit_reason,
                        "warnings_read": sorted(study.warnings) if study and warnings_read else [],
                        "follow_ups": len(scheduled)})
        if exit_reason == Placement.ExitReason.ABSCONDED:
            users = members_holding([survivor.owning_agency_id], policy.Cap.CARE_EDIT)
            notify_many([(users, _("%(code)s left %(shelter)s without notice.") % {
                "code": survivor.person.code, "shelter": placement.shelter.agency.name}, _link(survivor), True)])
    return placement


# --------------------------------------------------------------------------- care plan and services


Goal = tuple[str, str, 'datetime.date | None']  # (area, what, by when)


def create_plan(*, actor, survivor: Survivor, review_every_days: int, goals: list[Goal],
                today: datetime.date | None = None) -> CarePlan:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if CarePlan.objects.filter(survivor=survivor).exists():
        errors["__all__"] = [_("The survivor already has a care plan: review it instead.")]
    if not 7 <= (review_every_days or 0) <= 365:
        errors["review_every_days"] = [_("Review the plan every 7 to 365 days.")]
    if not goals:
        errors["goal"] = [_("Write at least one goal.")]
    for domain, goal, target in goals:
        if domain not in CareGoal.Domain.values:
            errors["domain"] = [_("Choose the area of each goal.")]
        if not goal.strip():
            errors["goal"] = [_("Write what each goal is.")]
        if target and target < today:
            errors["target_on"] = [_("A goal's date cannot be in the past.")]
    _raise(errors)
    with transaction.atomic():
        plan = CarePlan.objects.create(survivor=survivor, review_every_days=review_every_days, by=actor,
                                       next_review_on=today + datetime.timedelta(days=review_every_days))
        CareGoal.objects.bulk_create([CareGoal(plan=plan, domain=d, goal=g.strip()[:300], target_on=t)
                                      for d, g, t in goals])
        record(actor=actor, action="care.plan", obj=survivor, agency=membership.agency,
               changes={"goals": len(goals), "review_every_days": review_every_days})
    return plan


def review_plan(*, actor, plan: CarePlan, expected_version: int, reviewed_on: datetime.date, summary: str,
                goal_status: dict[int, str] | None = None, new_goals: list[Goal] | None = None,
                today: datetime.date | None = None) -> CarePlan:
    survivor = plan.survivor
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _not_future(reviewed_on, "reviewed_on", today, errors)
    if reviewed_on and reviewed_on < plan.created_at.date() - datetime.timedelta(days=1):
        errors["reviewed_on"] = [_("A review cannot come before the plan was made.")]
    if not summary.strip():
        errors["summary"] = [_("Say what the review found.")]
    for status in (goal_status or {}).values():
        if status not in CareGoal.Status.values:
            errors["goal_status"] = [_("Choose a status for each goal.")]
    new_goals = new_goals or []
    for domain, goal, _target in new_goals:
        if domain not in CareGoal.Domain.values or not goal.strip():
            errors["goal"] = [_("Give each new goal an area and a text.")]
    _raise(errors)
    with transaction.atomic():
        plan.next_review_on = reviewed_on + datetime.timedelta(days=plan.review_every_days)
        plan.save_versioned(expected_version, ["next_review_on"])
        CarePlanReview.objects.create(plan=plan, reviewed_on=reviewed_on, summary=summary.strip()[:500], by=actor)
        for goal_id, status in (goal_status or {}).items():
            plan.goals.filter(pk=goal_id).update(status=status)
        CareGoal.objects.bulk_create([CareGoal(plan=plan, domain=d, goal=g.strip()[:300], target_on=t)
                                      for d, g, t in new_goals])
        record(actor=actor, action="care.plan_review", obj=survivor, agency=membership.agency,
               changes={"next_review_on": plan.next_review_on.isoformat(), "new_goals": len(new_goals)})
    return plan


def add_service(*, actor, survivor: Survivor, kind: str, provider: str, delivered_on: datetime.date,
                job_role: str = "", note: str = "", today: datetime.date | None = None) -> ServiceRecord:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_SERVICE)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in ServiceRecord.Kind.values:
        errors["kind"] = [_("Choose the service.")]
    if not provider.strip():
        errors["provider"] = [_("Name who provided it.")]
    if kind == ServiceRecord.Kind.JOB_PLACEMENT and not job_role.strip():
        errors["job_role"] = [_("Name the job (e.g. security guard, housekeeping).")]
    _not_future(delivered_on, "delivered_on", today, errors)
    _raise(errors)
    with transaction.atomic():
        service = ServiceRecord.objects.create(survivor=survivor, kind=kind, provider=provider.strip()[:200],
                                               delivered_on=delivered_on, job_role=job_role.strip()[:120],
                                               note=note.strip()[:300], by=actor)
        record(actor=actor, action="care.service", obj=survivor, agency=membership.agency,
               changes={"kind": kind, "delivered_on": delivered_on.isoformat()})
    return service


# --------------------------------------------------------------------------- counselling notes


def is_counsellor_of(user, survivor: Survivor) -> bool:
    return bool(memberships_with(user, policy.Cap.CLINICAL_NOTES)) and CareAssignment.objects.filter(
        survivor=survivor, user=user, kind=CareAssignment.Kind.COUNSELLOR, active=True).exists()


def clinical_notes_for(user, survivor: Survivor):
    """The survivor's counselling notes, for their assigned counsellors only."""
    if not is_counsellor_of(user, survivor):
        return ClinicalNote.objects.none()
    return ClinicalNote.objects.filter(survivor=survivor).select_related("author")


def write_clinical_note(*, actor, survivor: Survivor, body: str, written_on: datetime.date,
                        today: datetime.date | None = None) -> ClinicalNote:
    membership = _on_survivor(actor, survivor, policy.Cap.CLINICAL_NOTES)
    if not is_counsellor_of(actor, survivor):
        raise PermissionDenied(_("Only the survivor's assigned counsellors write counselling notes."))
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not body.strip():
        errors["body"] = [_("Write the note.")]
    elif len(body) > MAX_TEXT:
        errors["body"] = [_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT}]
    _not_future(written_on, "written_on", today, errors)
    _raise(errors)
    with transaction.atomic():
        note = ClinicalNote(survivor=survivor, author=actor, written_on=written_on)
        note.body_enc = vault.encrypt(body.strip(), f"{note.public_id}:clinical")
        note.save()
        record(actor=actor, action="care.clinical_note", obj=survivor, agency=membership.agency, changes={})
    return note


# --------------------------------------------------------------------------- home study


def home_warnings(survivor: Survivor, place, household: list[dict], family_involved: str,
                  village_involved: str) -> list[str]:
    """Why this home may not be safe, as codes: a household member's phone or name is a
    suspect's (keyed hashes, as the suspects' "already on file" check), the home is where the
    survivor was recruited, the family or village was involved, the recruiter was family."""
    from safetynet.people.namekey import name_key
    from safetynet.prosecution.models import SuspectIndicator
    from safetynet.tips.indicators import normalise_phone

    warnings = []
    phones = {vault.blind_index("suspect-phone", p) for p in (normalise_phone(m.get("phone", "")) for m in household)
              if p}
    names = {vault.blind_index("suspect-name", k) for k in (name_key(m.get("name", "")) for m in household) if k}
    if phones and SuspectIndicator.objects.filter(kind="phone", digest__in=phones).exists():
        warnings.append("suspect_phone")
    if names and SuspectIndicator.objects.filter(kind="name", digest__in=names).exists():
        warnings.append("suspect_name")
    source = survivor.recruited_from
    if source is not None and (place.path.startswith(source.path) or source.path.startswith(place.path)):
        warnings.append("source_place")
    if family_involved == HomeStudy.Answer.YES:
        warnings.append("family_involved")
    if village_involved == HomeStudy.Answer.YES:
        warnings.append("village_involved")
    if survivor.recruiter_relation == "FamilyIntimatePartner":
        warnings.append("recruiter_family")
    return warnings


def flag_household(household: list[dict]) -> list[dict]:
    """The household as shown to someone who may see it, each member marked when their phone
    or name is a suspect's (so the caseworker knows whom the warning is about)."""
    from safetynet.people.namekey import name_key
    from safetynet.prosecution.models import SuspectIndicator
    from safetynet.tips.indicators import normalise_phone

    out = []
    for member in household:
        phone, key = normalise_phone(member.get("phone", "")), name_key(member.get("name", ""))
        digests = ([("phone", vault.blind_index("suspect-phone", phone))] if phone else []) + \
            ([("name", vault.blind_index("suspect-name", key))] if key else [])
        found = {kind for kind, digest in digests
                 if SuspectIndicator.objects.filter(kind=kind, digest=digest).exists()}
        out.append({**member, "suspect_phone": "phone" in found, "suspect_name": "name" in found})
    return out


def record_home_study(*, actor, survivor: Survivor, conducted_on: datetime.date, place, address: str,
                      household: list[dict], risks: str, family_involved: str, village_involved: str,
                      recommendation: str, today: datetime.date | None = None) -> HomeStudy:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _not_future(conducted_on, "conducted_on", today, errors)
    if place is None:
        errors["place"] = [_("Choose where the home is.")]
    if recommendation not in HomeStudy.Recommendation.values:
        errors["recommendation"] = [_("Choose a recommendation.")]
    for field, value in (("family_involved", family_involved), ("village_involved", village_involved)):
        if value not in HomeStudy.Answer.values:
            errors[field] = [_("Answer yes, no or not known.")]
    if len(risks) > MAX_TEXT or len(address) > 500:
        errors["risks"] = [_("Please shorten this to %(n)s characters.") % {"n": MAX_TEXT}]
    household = [{k: str(m.get(k, "")).strip()[:120] for k in ("name", "relation", "phone")} for m in household
                 if any(str(m.get(k, "")).strip() for k in ("name", "relation", "phone"))]
    _raise(errors)
    with transaction.atomic():
        study = HomeStudy(survivor=survivor, conducted_on=conducted_on, place=place, family_involved=family_involved,
                          village_involved=village_involved, recommendation=recommendation, by=actor,
                          warnings=home_warnings(survivor, place, household, family_involved, village_involved))
        study.set_text("address", address.strip())
        study.set_text("household", json.dumps(household, ensure_ascii=False) if household else "")
        study.set_text("risks", risks.strip())
        study.save()
        record(actor=actor, action="care.home_study", obj=survivor, agency=membership.agency,
               changes={"place": place.code, "recommendation": recommendation, "warnings": study.warnings,
                        "household_members": len(household)})
    return study


# --------------------------------------------------------------------------- repatriation


def start_repatriation(*, actor, survivor: Survivor, country: str, counterpart=None, border_post: str = "",
                       started_on: datetime.date | None = None) -> Repatriation:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    started_on = started_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if country not in Repatriation.Country.values:
        errors["country"] = [_("Choose Bangladesh or Nepal.")]
    if survivor.repatriations.filter(completed_on=None).exists():
        errors["__all__"] = [_("A repatriation is already under way for this survivor.")]
    if survivor.person.nationality not in (country, "unknown"):
        errors["country"] = [_("The survivor's recorded nationality is %(n)s.") % {
            "n": survivor.person.get_nationality_display()}]
    _raise(errors)
    with transaction.atomic():
        rep = Repatriation.objects.create(survivor=survivor, country=country, counterpart=counterpart,
                                          border_post=border_post.strip()[:120], by=actor)
        RepatriationStep.objects.bulk_create([
            RepatriationStep(repatriation=rep, kind=k, due_on=started_on + datetime.timedelta(days=d))
            for k, d in STEP_DAYS.items()])
        record(actor=actor, action="care.repatriation", obj=survivor, agency=membership.agency,
               changes={"country": country, "counterpart": counterpart.short_code if counterpart else ""})
    return rep


def complete_step(*, actor, step: RepatriationStep, expected_version: int, done_on: datetime.date,
                  note: str = "", border_post: str = "", today: datetime.date | None = None) -> RepatriationStep:
    """Mark a step done — in order: travel documents need a verified nationality, the
    counterpart's acceptance needs documents, the handover needs all three and a border post."""
    rep = step.repatriation
    survivor = rep.survivor
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    steps = {s.kind: s for s in rep.steps.all()}
    earlier = [steps[k] for k in sorted(steps) if k < step.kind]
    missing = [s for s in earlier if not s.done_on]
    if step.done_on:
        errors["__all__"] = [_("This step is already done.")]
    elif missing:
        errors["__all__"] = [_("“%(step)s” cannot be done before “%(first)s”.") % {
            "step": step.get_kind_display(), "first": missing[0].get_kind_display()}]
    _not_future(done_on, "done_on", today, errors)
    last = max((s.done_on for s in earlier if s.done_on), default=None)
    if done_on and last and done_on < last:
        errors["done_on"] = [_("This step cannot be dated before the previous one (%(d)s).")
                             % {"d": last.strftime("%d %b %Y")}]
    border_post = border_post.strip() or rep.border_post
    if step.kind == RepatriationStep.Kind.HANDOVER and not border_post:
        errors["border_post"] = [_("Name the border post of the handover.")]
    _raise(errors)
    with transaction.atomic():
        step.done_on, step.note = done_on, note.strip()[:300]
        step.save_versioned(expected_version, ["done_on", "note"])
        if step.kind == RepatriationStep.Kind.HANDOVER:
            rep.border_post, rep.completed_on = border_post[:120], done_on
            rep.save_versioned(rep.version, ["border_post", "completed_on"])
            current = survivor.placements.filter(ended_on=None).first()
            if current is not None:
                current.ended_on, current.exit_reason = done_on, Placement.ExitReason.REPATRIATED
                current.save_versioned(current.version, ["ended_on", "exit_reason"])
            Survivor.objects.filter(pk=survivor.pk).update(status=Survivor.Status.REPATRIATED, left_care_on=done_on)
            survivor.status, survivor.left_care_on = Survivor.Status.REPATRIATED, done_on
            schedule_follow_ups(survivor, done_on)
        record(actor=actor, action="care.repatriation_step", obj=survivor, agency=membership.agency,
               changes={"step": step.kind, "done_on": done_on.isoformat()})
    return step


# --------------------------------------------------------------------------- follow-ups


def add_follow_up(*, actor, survivor: Survivor, due_on: datetime.date) -> FollowUp:
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    if survivor.left_care_on and due_on < survivor.left_care_on:
        raise ValidationError({"due_on": [_("A follow-up cannot be due before the survivor left care (%(d)s).")
                                          % {"d": survivor.left_care_on.strftime("%d %b %Y")}]})
    with transaction.atomic():
        follow_up = FollowUp.objects.create(survivor=survivor, due_on=due_on)
        record(actor=actor, action="care.follow_up_planned", obj=survivor, agency=membership.agency,
               changes={"due_on": due_on.isoformat()})
    return follow_up


def record_follow_up(*, actor, follow_up: FollowUp, expected_version: int, done_on: datetime.date, wellbeing: int,
                     livelihood: str, risk: str, re_trafficked: bool = False, note: str = "",
                     today: datetime.date | None = None) -> FollowUp:
    survivor = follow_up.survivor
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if follow_up.done_on:
        errors["__all__"] = [_("This follow-up was already recorded.")]
    _not_future(done_on, "done_on", today, errors)
    if done_on and survivor.left_care_on and done_on < survivor.left_care_on:
        errors["done_on"] = [_("A follow-up cannot be dated before the survivor left care (%(d)s).")
                             % {"d": survivor.left_care_on.strftime("%d %b %Y")}]
    if wellbeing not in (1, 2, 3, 4, 5):
        errors["wellbeing"] = [_("Rate well-being from 1 to 5.")]
    if livelihood not in FollowUp.Livelihood.values:
        errors["livelihood"] = [_("Choose the livelihood.")]
    if risk not in FollowUp.Risk.values:
        errors["risk"] = [_("Choose the risk of re-trafficking.")]
    _raise(errors)
    with transaction.atomic():
        follow_up.done_on, follow_up.wellbeing, follow_up.livelihood = done_on, wellbeing, livelihood
        follow_up.risk, follow_up.re_trafficked, follow_up.by = risk, re_trafficked, actor
        follow_up.note_enc = vault.encrypt(note.strip(), f"{follow_up.public_id}:note") if note.strip() else ""
        follow_up.save_versioned(expected_version, ["done_on", "wellbeing", "livelihood", "risk", "re_trafficked",
                                                    "note_enc", "by"])
        record(actor=actor, action="care.follow_up", obj=survivor, agency=membership.agency,
               changes={"done_on": done_on.isoformat(), "risk": risk, "re_trafficked": re_trafficked})
        if re_trafficked and not survivor.re_trafficked_on:
            Survivor.objects.filter(pk=survivor.pk).update(re_trafficked_on=done_on)
            survivor.re_trafficked_on = done_on
            users = members_holding([survivor.owning_agency_id], policy.Cap.CARE_EDIT)
            users += members_holding(agencies_covering(survivor.jurisdiction, Agency.Type.AHTU), policy.Cap.CASE_VIEW)
            notify_many([(users, _("%(code)s was found re-trafficked at a follow-up.") % {
                "code": survivor.person.code}, _link(survivor), True)])
    return follow_up


def escalate_follow_ups(today: datetime.date | None = None) -> int:
    """A follow-up not done two weeks after its date: the survivor's caseworkers and their
    agency hear (each follow-up once)."""
    today = today or timezone.localdate()
    in_care = Placement.objects.filter(ended_on=None).values("survivor_id")
    missed = list(FollowUp.objects.filter(done_on=None, escalated_at=None,
                                          due_on__lt=today - datetime.timedelta(days=FOLLOW_UP_GRACE_DAYS))
                  .exclude(survivor_id__in=in_care)
                  .select_related("survivor__person"))
    alerts = []
    for f in missed:
        users = members_holding([f.survivor.owning_agency_id], policy.Cap.CARE_EDIT)
        users += [a.user for a in f.survivor.assignments.filter(active=True).select_related("user")]
        alerts.append((users, _("Missed follow-up: %(code)s was due for a visit on %(due)s.") % {
            "code": f.survivor.person.code, "due": f.due_on.strftime("%d %b %Y")}, _link(f.survivor), True))
    with transaction.atomic():
        FollowUp.objects.filter(pk__in=[f.pk for f in missed]).update(escalated_at=timezone.now())
        notify_many(alerts)
    return len(missed)


# --------------------------------------------------------------------------- the survivor's rights


def record_export(*, actor, survivor: Survivor) -> None:
    """The survivor (or guardian) asked what is held: the export itself is rendered by the view."""
    membership = _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    record(actor=actor, action="care.export_for_survivor", obj=survivor, agency=membership.agency,
           changes={"language": survivor.language})


def erase_survivor(*, actor, survivor: Survivor, reason: str):
    """Erase the survivor's identity on request, with a tombstone; the home studies' addresses
    and household names go too. Refused while a court case the survivor is part of is open
    (people.services.erase_identity checks, with the reason)."""
    from safetynet.people.services import erase_identity

    _on_survivor(actor, survivor, policy.Cap.CARE_EDIT)
    with transaction.atomic():
        tomb = erase_identity(actor=actor, person=survivor.person, reason=reason)
        HomeStudy.objects.filter(survivor=survivor).update(address_enc="", household_enc="")
    return tomb
