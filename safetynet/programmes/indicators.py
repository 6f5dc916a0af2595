"""Prevention and training figures (DOMAIN.md, "Figures the seed reports"), computed from the
programme records, never typed in.

Period: flows (events, outcomes, sessions, programmes) count when they happened inside
[start, end]; stocks (committees, self-help groups, training centres) count those formed by
``end`` and still active. Place: a jurisdiction and everything under it (the tree's path), so
a district filter counts its stations' records too; training programmes sit at state level.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import (
    AwarenessEvent,
    CounsellingSession,
    PreventionOutcome,
    SelfHelpGroup,
    SentHome,
    TrainingCentre,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    definition: str | Promise
    people: bool  # a count of people: small counts are suppressed on platform-wide pages


PREVENTION = (
    Figure("committees", _("Village vigilance committees"),
           _("Committees formed (by the end of the period, if one is chosen) and still active."), False),
    Figure("self_help_groups", _("Self-help groups"),
           _("Self-help groups formed (by the end of the period, if one is chosen) and still active."), False),
    Figure("fake_marriages", _("Fake marriages prevented"),
           _("Persons protected from a fake marriage, summed over the outcomes recorded."), True),
    Figure("child_marriages", _("Child marriages prevented"),
           _("Persons protected from a child marriage, summed over the outcomes recorded."), True),
    Figure("child_labour", _("Child labourers prevented"),
           _("Children kept out of child labour, summed over the outcomes recorded."), True),
    Figure("unsafe_migration", _("Unsafe migrations prevented"),
           _("Persons stopped from migrating unsafely, summed over the outcomes recorded."), True),
    Figure("counselled", _("Domestic-violence survivors counselled"),
           _("Survivors counselled, summed over the counselling sessions recorded."), True),
    Figure("sent_home", _("Trafficked persons sent home"),
           _("Trafficked persons sent home, summed over the records."), True),
    Figure("reached", _("People reached by awareness events"),
           _("People at street theatre, school sessions, meetings, assemblies, films and poster campaigns, "
             "summed per event (one person at two events counts twice)."), True),
)
TRAINING = (
    Figure("trained", _("People trained"),
           _("Attendance summed over every category of every programme."), True),
    Figure("training_programmes", _("Training programmes"), _("Programmes held (counted by their start date)."), False),
    Figure("training_states", _("States with programmes"),
           _("States where at least one programme was held."), False),
    Figure("training_centres", _("Nodal Training Centres"), _("Nodal Training Centres recorded."), False),
)
OUTCOME_KEYS = {
    PreventionOutcome.Kind.FAKE_MARRIAGE: "fake_marriages",
    PreventionOutcome.Kind.CHILD_MARRIAGE: "child_marriages",
    PreventionOutcome.Kind.CHILD_LABOUR: "child_labour",
    PreventionOutcome.Kind.UNSAFE_MIGRATION: "unsafe_migration",
}


def _scoped(model, user, agencies, jurisdiction):
    qs = model.objects.all() if user is None else model.objects.countable_by(user)
    if agencies is not None:
        qs = qs.filter(owning_agency__in=agencies)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    return qs


def _period(qs, field: str, start, end):
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def _sum(qs, field: str) -> int:
    return qs.aggregate(n=Coalesce(Sum(field), 0))["n"]


def programme_figures(agencies=None, start: datetime.date | None = None, end: datetime.date | None = None,
                      jurisdiction=None, *, user=None) -> dict[str, int]:
    """Every prevention and training figure as an exact number.

    ``user``: count only what that user may count (``ProgrammeQuerySet.countable_by``); None
    counts every record (tests, management commands)."""

    def scoped(model):
        return _scoped(model, user, agencies, jurisdiction)

    figures: dict[str, int] = {}
    for key, model in (("committees", VigilanceCommittee), ("self_help_groups", SelfHelpGroup)):
        groups = scoped(model).filter(active=True)
        figures[key] = (groups.filter(formed_on__lte=end) if end else groups).count()
    outcomes = _period(scoped(PreventionOutcome), "prevented_on", start, end)
    by_kind = dict(outcomes.values_list("kind").annotate(n=Sum("persons")))
    for kind, key in OUTCOME_KEYS.items():
        figures[key] = by_kind.get(kind, 0)
    figures["counselled"] = _sum(_period(scoped(CounsellingSession), "held_on", start, end), "survivors")
    figures["sent_home"] = _sum(_period(scoped(SentHome), "sent_on", start, end), "persons")
    figures["reached"] = _sum(_period(scoped(AwarenessEvent), "held_on", start, end), "reached")

    programmes = _period(scoped(TrainingProgramme), "starts_on", start, end)
    figures["training_programmes"] = programmes.count()
    # States: a programme sits at state level; fold any deeper place onto its state path.
    paths = {p for p in programmes.values_list("jurisdiction__path", flat=True).distinct()}
    figures["training_states"] = len({"/".join(p.split("/")[:2]) for p in paths})
    figures["trained"] = _sum(scoped(TrainingParticipation).filter(programme__in=programmes.values("pk")), "attended")
    figures["training_centres"] = scoped(TrainingCentre).count()
    return figures


def _display(value: int, people: bool, exact: bool) -> str:
    if people and not exact and 0 < value < 5:
        return "<5"  # stats.services.SMALL_CELL: a handful of people in a place can be recognised
    return f"{value:,}"


def figure_rows(figures: dict[str, int], *, exact: bool) -> dict[str, list[dict]]:
    """The figures with their labels, definitions and what to display, per section."""

    def rows(section):
        return [{"key": f.key, "label": f.label, "definition": f.definition, "n": figures[f.key],
                 "display": _display(figures[f.key], f.people, exact)} for f in section]

    return {"prevention": rows(PREVENTION), "training": rows(TRAINING)}


def participation_by_category(user=None, agencies=None, start=None, end=None, jurisdiction=None) -> list[dict]:
    """People trained per category, for the bar chart."""
    programmes = _period(_scoped(TrainingProgramme, user, agencies, jurisdiction), "starts_on", start, end)
    rows = (_scoped(TrainingParticipation, user, agencies, jurisdiction).filter(programme__in=programmes.values("pk"))
            .values("category").annotate(n=Sum("attended"), programmes=Count("programme", distinct=True))
            .order_by("-n"))
    labels = dict(TrainingParticipation.Category.choices)
    return [{"label": str(labels.get(r["category"], r["category"])), "n": r["n"]} for r in rows]
