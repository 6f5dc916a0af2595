"""All writes to programme records. Each validates everything first (a clear message per
field, nothing saved), writes in one transaction and leaves an audit event with the counts
(programme records hold no identity data).

A village's population is not checked against an event's reach: ``agencies.Jurisdiction``
has no population field (and villages are not in the jurisdiction tree), so the only reach
checks are "not negative" and "the breakdowns add up".
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.audit.services import record
from safetynet.core.services import acting_membership

from .models import (
    AwarenessEvent,
    CounsellingSession,
    IECMaterial,
    PreventionOutcome,
    SelfHelpGroup,
    SentHome,
    TrainingCentre,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)

MAX_COUNT = 1_000_000  # one record counting more than this is a typing error, not an event


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _membership(actor):
    return acting_membership(actor, policy.Cap.PROGRAMME_RECORD)


def _date(value, field: str, errors: dict, today: datetime.date) -> None:
    if not isinstance(value, datetime.date):
        errors.setdefault(field, []).append(_("Enter a date."))
    elif value > today:
        errors.setdefault(field, []).append(_("This date is in the future."))


def _count(value, field: str, errors: dict, minimum: int = 0) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors.setdefault(field, []).append(_("Enter a count of zero or more."))
    elif value < minimum:
        errors.setdefault(field, []).append(_("Enter at least %(n)s.") % {"n": minimum})
    elif value > MAX_COUNT:
        errors.setdefault(field, []).append(_("This count is too large; check it."))


def _text(value: str, field: str, errors: dict, message: str) -> None:
    if not (value or "").strip():
        errors.setdefault(field, []).append(message)


def _in_area(membership, jurisdiction, errors: dict) -> None:
    """A programme is recorded in the agency's own country (a national office trains in
    several states; an NGO may run a camp in the next district)."""
    country = membership.agency.jurisdiction.path.split("/")[0] + "/"
    if jurisdiction is None:
        errors.setdefault("jurisdiction", []).append(_("Choose the place."))
    elif not jurisdiction.path.startswith(country):
        errors.setdefault("jurisdiction", []).append(_("This place is outside your agency's country."))


def _save(actor, membership, obj, action: str, changes: dict):
    with transaction.atomic():
        obj.save()
        record(actor=actor, action=action, obj=obj, agency=membership.agency, changes=changes)
    return obj


def _group(model, action: str, *, actor, jurisdiction, village: str, formed_on, members_female: int,
           members_male: int, active: bool = True, today=None):
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _in_area(membership, jurisdiction, errors)
    _text(village, "village", errors, _("Write the village's name."))
    _date(formed_on, "formed_on", errors, today)
    _count(members_female, "members_female", errors)
    _count(members_male, "members_male", errors)
    if not errors.get("members_female") and not errors.get("members_male") and members_female + members_male == 0:
        errors["members_female"] = [_("A group has at least one member.")]
    _raise(errors)
    group = model(owning_agency=membership.agency, jurisdiction=jurisdiction, village=village.strip(),
                  formed_on=formed_on, members_female=members_female, members_male=members_male, active=active)
    return _save(actor, membership, group, action, {"jurisdiction": jurisdiction.code, "formed_on": str(formed_on),
                                                    "members_female": members_female, "members_male": members_male,
                                                    "active": active})


def record_committee(*, actor, **fields) -> VigilanceCommittee:
    return _group(VigilanceCommittee, "programme.committee", actor=actor, **fields)


def record_self_help_group(*, actor, **fields) -> SelfHelpGroup:
    return _group(SelfHelpGroup, "programme.self_help_group", actor=actor, **fields)


def record_awareness_event(*, actor, kind: str, held_on, place: str, jurisdiction, reached_female: int,
                           reached_male: int, reached_children: int, reached_adults: int,
                           village_population: int | None = None, today=None) -> AwarenessEvent:
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in AwarenessEvent.Kind.values:
        errors["kind"] = [_("Choose the kind of event.")]
    _in_area(membership, jurisdiction, errors)
    _text(place, "place", errors, _("Write where the event was held."))
    _date(held_on, "held_on", errors, today)
    for field, value in (("reached_female", reached_female), ("reached_male", reached_male),
                         ("reached_children", reached_children), ("reached_adults", reached_adults)):
        _count(value, field, errors)
    if not any(f.startswith("reached") for f in errors):
        by_sex, by_age = reached_female + reached_male, reached_children + reached_adults
        if by_sex != by_age:
            errors["reached_children"] = [
                _("Women and men reached (%(sex)s) and children and adults reached (%(age)s) must add up to "
                  "the same number of people.") % {"sex": by_sex, "age": by_age}]
        elif by_sex == 0:
            errors["reached_female"] = [_("An event reached at least one person.")]
    if village_population is not None:
        _count(village_population, "village_population", errors, minimum=1)
        if not errors and reached_female + reached_male > village_population:
            errors["reached_female"] = [
                _("More people reached (%(reached)s) than live in the place (%(population)s): check the counts "
                  "or the population.") % {"reached": reached_female + reached_male, "population": village_population}]
    _raise(errors)
    event = AwarenessEvent(owning_agency=membership.agency, jurisdiction=jurisdiction, kind=kind, held_on=held_on,
                           place=place.strip(), reached_female=reached_female, reached_male=reached_male,
                           reached_children=reached_children, reached_adults=reached_adults,
                           reached=reached_female + reached_male, village_population=village_population)
    return _save(actor, membership, event, "programme.awareness_event",
                 {"kind": kind, "held_on": str(held_on), "jurisdiction": jurisdiction.code, "reached": event.reached})


def record_outcome(*, actor, kind: str, prevented_on, persons: int, jurisdiction, committee=None, tip=None,
                   case=None, today=None) -> PreventionOutcome:
    from safetynet.cases.models import Case
    from safetynet.tips.models import Tip

    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in PreventionOutcome.Kind.values:
        errors["kind"] = [_("Choose what was prevented.")]
    _in_area(membership, jurisdiction, errors)
    _date(prevented_on, "prevented_on", errors, today)
    _count(persons, "persons", errors, minimum=1)
    if committee is not None and not VigilanceCommittee.objects.visible_to(actor).filter(pk=committee.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this committee."))
    # A link to a tip or case must not become a way to learn that it exists.
    if tip is not None and not Tip.objects.visible_to(actor).filter(pk=tip.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this report."))
    if case is not None and not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this case."))
    _raise(errors)
    outcome = PreventionOutcome(owning_agency=membership.agency, jurisdiction=jurisdiction, kind=kind,
                                prevented_on=prevented_on, persons=persons, committee=committee, tip=tip, case=case)
    return _save(actor, membership, outcome, "programme.outcome",
                 {"kind": kind, "prevented_on": str(prevented_on), "persons": persons,
                  "jurisdiction": jurisdiction.code, "committee": str(committee.public_id) if committee else "",
                  "tip": tip.reference if tip else "", "case": case.reference if case else ""})


def record_counselling(*, actor, held_on, survivors: int, jurisdiction, today=None) -> CounsellingSession:
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _in_area(membership, jurisdiction, errors)
    _date(held_on, "held_on", errors, today)
    _count(survivors, "survivors", errors, minimum=1)
    _raise(errors)
    session = CounsellingSession(owning_agency=membership.agency, jurisdiction=jurisdiction, held_on=held_on,
                                 survivors=survivors)
    return _save(actor, membership, session, "programme.counselling",
                 {"held_on": str(held_on), "survivors": survivors, "jurisdiction": jurisdiction.code})


def record_sent_home(*, actor, sent_on, persons: int, from_place: str, to_place: str, jurisdiction,
                     today=None) -> SentHome:
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _in_area(membership, jurisdiction, errors)
    _date(sent_on, "sent_on", errors, today)
    _count(persons, "persons", errors, minimum=1)
    _text(from_place, "from_place", errors, _("Write where they were sent from."))
    _text(to_place, "to_place", errors, _("Write where they were sent to."))
    _raise(errors)
    sent = SentHome(owning_agency=membership.agency, jurisdiction=jurisdiction, sent_on=sent_on, persons=persons,
                    from_place=from_place.strip(), to_place=to_place.strip())
    return _save(actor, membership, sent, "programme.sent_home",
                 {"sent_on": str(sent_on), "persons": persons, "jurisdiction": jurisdiction.code})


def _state(jurisdiction, errors: dict) -> None:
    if jurisdiction is not None and jurisdiction.level != "state":
        errors.setdefault("jurisdiction", []).append(_("Choose a state."))


def record_training_centre(*, actor, name: str, jurisdiction) -> TrainingCentre:
    membership = _membership(actor)
    errors: dict[str, list[str]] = {}
    _in_area(membership, jurisdiction, errors)
    _state(jurisdiction, errors)
    _text(name, "name", errors, _("Write the centre's name."))
    _raise(errors)
    centre = TrainingCentre(owning_agency=membership.agency, jurisdiction=jurisdiction, name=name.strip())
    return _save(actor, membership, centre, "programme.training_centre",
                 {"name": centre.name, "jurisdiction": jurisdiction.code})


def record_training(*, actor, title: str, jurisdiction, starts_on, ends_on, venue: str, language: str,
                    participants: dict[str, int], curriculum: str = "", centre=None,
                    today=None) -> TrainingProgramme:
    """A training programme with how many of each category attended it (one count per category)."""
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _in_area(membership, jurisdiction, errors)
    _state(jurisdiction, errors)
    _text(title, "title", errors, _("Write the programme's title."))
    _text(venue, "venue", errors, _("Write where it was held."))
    _text(language, "language", errors, _("Write the language it was taught in."))
    _date(starts_on, "starts_on", errors, today)
    if not isinstance(ends_on, datetime.date):
        errors["ends_on"] = [_("Enter a date.")]
    elif isinstance(starts_on, datetime.date) and ends_on < starts_on:
        errors["ends_on"] = [_("The programme cannot end before it starts.")]
    if centre is not None and not TrainingCentre.objects.visible_to(actor).filter(pk=centre.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this training centre."))
    unknown = set(participants) - set(TrainingParticipation.Category.values)
    if unknown:
        errors["participants"] = [_("Not a participant category: %(c)s") % {"c": ", ".join(sorted(unknown))}]
    for n in participants.values():
        _count(n, "participants", errors, minimum=1)
    if not participants:
        errors["participants"] = [_("Say how many of each category attended.")]
    _raise(errors)
    programme = TrainingProgramme(owning_agency=membership.agency, jurisdiction=jurisdiction, title=title.strip(),
                                  centre=centre, starts_on=starts_on, ends_on=ends_on, venue=venue.strip(),
                                  language=language.strip(), curriculum=curriculum)
    with transaction.atomic():
        programme.save()
        TrainingParticipation.objects.bulk_create(
            TrainingParticipation(owning_agency=membership.agency, jurisdiction=jurisdiction, programme=programme,
                                  category=category, attended=n) for category, n in sorted(participants.items()))
        record(actor=actor, action="programme.training", obj=programme, agency=membership.agency,
               changes={"jurisdiction": jurisdiction.code, "starts_on": str(starts_on), "ends_on": str(ends_on),
                        "centre": str(centre.public_id) if centre else "", "participants": dict(participants)})
    return programme


def record_iec_material(*, actor, title: str, language: str, format: str, quantity_printed: int,
                        quantity_distributed: int, jurisdiction, place: str, distributed_on,
                        today=None) -> IECMaterial:
    """IEC material (posters, leaflets, films...) printed and handed out in a place. Handing out
    more than was printed is a typing error, not a record."""
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _text(title, "title", errors, _("Write the material's title."))
    if language not in IECMaterial.Language.values:
        errors["language"] = [_("Choose the language.")]
    if format not in IECMaterial.Format.values:
        errors["format"] = [_("Choose the format.")]
    _count(quantity_printed, "quantity_printed", errors)
    _count(quantity_distributed, "quantity_distributed", errors, minimum=1)
    if not errors.get("quantity_printed") and not errors.get("quantity_distributed") \
            and quantity_distributed > quantity_printed:
        errors["quantity_distributed"] = [
            _("More distributed (%(distributed)s) than printed (%(printed)s): the quantity distributed cannot be "
              "larger than the quantity printed.") % {"distributed": quantity_distributed,
                                                       "printed": quantity_printed}]
    _in_area(membership, jurisdiction, errors)
    _text(place, "place", errors, _("Write where it was distributed."))
    _date(distributed_on, "distributed_on", errors, today)
    _raise(errors)
    material = IECMaterial(owning_agency=membership.agency, jurisdiction=jurisdiction, title=title.strip(),
                           language=language, format=format, quantity_printed=quantity_printed,
                           quantity_distributed=quantity_distributed, place=place.strip(),
                           distributed_on=distributed_on)
    return _save(actor, membership, material, "programme.iec_material",
                 {"language": language, "format": format, "quantity_printed": quantity_printed,
                  "quantity_distributed": quantity_distributed, "jurisdiction": jurisdiction.code,
                  "distributed_on": str(distributed_on)})


def record_participation(*, actor, programme: TrainingProgramme,
                         participants: dict[str, int]) -> list[TrainingParticipation]:
    """Add the counts of categories not yet recorded for a programme (trainees who came later,
    or a programme entered before its attendance sheet was in). A category already counted is
    refused: counting it twice would double the figure."""
    membership = _membership(actor)
    if not TrainingProgramme.objects.visible_to(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this training programme."))
    errors: dict[str, list[str]] = {}
    unknown = set(participants) - set(TrainingParticipation.Category.values)
    if unknown:
        errors["participants"] = [_("Not a participant category: %(c)s") % {"c": ", ".join(sorted(unknown))}]
    for category, n in participants.items():
        _count(n, category if category in TrainingParticipation.Category.values else "participants", errors,
               minimum=1)
    if not participants:
        errors["participants"] = [_("Say how many of each category attended.")]
    labels = dict(TrainingParticipation.Category.choices)
    for category, attended in programme.participation.filter(category__in=list(participants)).values_list(
            "category", "attended"):
        errors.setdefault(category, []).append(
            _("This programme already has %(n)s %(category)s counted; it is not counted twice.") % {
                "n": attended, "category": labels[category]})
    _raise(errors)
    with transaction.atomic():
        rows = TrainingParticipation.objects.bulk_create(
            TrainingParticipation(owning_agency=programme.owning_agency, jurisdiction=programme.jurisdiction,
                                  programme=programme, category=category, attended=n)
            for category, n in sorted(participants.items()))
        record(actor=actor, action="programme.participation", obj=programme, agency=membership.agency,
               changes={"participants": dict(participants)})
    return rows
