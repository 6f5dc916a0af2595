"""The indicator dashboard (/stats/): every figure, breakdown, series and map, filtered, in one
structure that the page, the CSV and XLSX exports and the PDF report all render — so they
show the same numbers.

Every query is an aggregate (COUNT/SUM … GROUP BY in SQL); Python only folds a few hundred
grouped rows (places onto states, periods onto a calendar). Counts of people and cases are
platform-wide here, so they keep the small-cell rules of ``services``: a count below 5 is
"<5" (with a second cell hidden when only one would be), totals are rounded to 5. Counts of
things that are not people (committees, programmes, AHTUs) are exact.

Which filter applies to what is said next to each figure (``Section.notes``/``Table.note``)
rather than silently ignored.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safetynet.access import policy
from safetynet.access.querysets import has_capability
from safetynet.agencies.models import Agency, Jurisdiction
from safetynet.cases.models import Case, CaseParty
from safetynet.people.models import Person

from . import charts
from .filters import Filters
from .services import SMALL_CELL, _label, _suppress, rounded

GRAINS = ("month", "quarter", "year")
TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
MAX_PERIODS = {"month": 24, "quarter": 40}  # more than this: the next coarser grain
PROGRAMME_SECTIONS = ("prevention", "training")
HIDDEN_FILL = "#9aa5b1"  # map districts whose count is hidden (fewer than five, or hidden with one)


# --------------------------------------------------------------------------- the structure


@dataclass
class Figure:
    key: str
    label: str
    value: dict  # {"n": int | None, "display": str}
    definition: str
    note: str = ""


@dataclass
class Table:
    key: str
    title: str
    description: str  # one line: what the chart shows
    definition: str
    label_heading: str
    value_heading: str
    rows: list[dict]  # {"label", "n", "display"}
    chart: str = "bars"  # bars | columns | map | figures
    note: str = ""
    geometry: dict[str, Any] | None = None
    map: dict[str, Any] | None = None


@dataclass
class Section:
    key: str
    title: str
    intro: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figures_table(self) -> Table:
        rows = [{"label": f.label, "n": f.value["n"], "display": f.value["display"], "definition": f.definition,
                 "key": f.key} for f in self.figures]
        return Table(f"{self.key}_figures", _("%(section)s: figures") % {"section": self.title}, self.intro,
                     " ".join(self.notes), _("Figure"), _("Value"), rows, chart="figures")


@dataclass
class Dashboard:
    filters: Filters
    sections: list[Section]
    generated_at: datetime.datetime

    def tables(self) -> list[Table]:
        """Every table on the page, in page order (a section's figures first): what the exports hold."""
        out = []
        for section in self.sections:
            if section.figures:
                out.append(section.figures_table())
            out.extend(section.tables)
        return out

    @property
    def record_sections(self) -> list[Section]:
        return [s for s in self.sections if s.key not in PROGRAMME_SECTIONS]

    @property
    def programme_sections(self) -> list[Section]:
        return [s for s in self.sections if s.key in PROGRAMME_SECTIONS]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key), None)


# --------------------------------------------------------------------------- small helpers


def count(n: int, *, people: bool = True) -> dict:
    """One count for display: people and cases below SMALL_CELL are "<5" (zero stays 0)."""
    if people and 0 < n < SMALL_CELL:
        return {"n": None, "display": f"<{SMALL_CELL}"}
    return {"n": n, "display": f"{n:,}"}


def protect(rows: list[dict]) -> list[dict]:
    """``services._suppress`` over the non-zero rows (a zero month names nobody and stays 0)."""
    nonzero = [i for i, r in enumerate(rows) if r["n"]]
    hidden = _suppress([{"n": rows[i]["n"], "i": i} for i in nonzero], exact=False)
    out = [{**r, "display": f"{r['n']:,}"} for r in rows]
    for h in hidden:
        out[h["i"]]["n"] = h["n"]
        out[h["i"]]["display"] = h["display"] if h["n"] is None else f"{h['n']:,}"
    return out


def _exact(rows: list[dict]) -> list[dict]:
    return [{**r, "display": f"{r['n']:,}"} for r in rows]


def _filter(qs, f: Filters, *, date: str | None, place: str | None = "jurisdiction",
            agency: str | None = "owning_agency", use_place: Jurisdiction | None | bool = True):
    if date and f.start:
        qs = qs.filter(**{f"{date}__gte": f.start})
    if date and f.end:
        qs = qs.filter(**{f"{date}__lte": f.end})
    where = f.place if use_place is True else (use_place or None)
    if place and where is not None:
        qs = qs.filter(**{f"{place}__path__startswith": where.path})
    if agency and f.partner is not None:
        qs = qs.filter(**{agency: f.partner})
    return qs


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _truncate(d: datetime.date, grain: str) -> datetime.date:
    if grain == "year":
        return datetime.date(d.year, 1, 1)
    if grain == "quarter":
        return datetime.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return datetime.date(d.year, d.month, 1)


def _next(d: datetime.date, grain: str) -> datetime.date:
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    m = d.month - 1 + months
    return datetime.date(d.year + m // 12, m % 12 + 1, 1)


def _periods(first: datetime.date, last: datetime.date, grain: str) -> list[datetime.date]:
    out, d = [], _truncate(first, grain)
    while d <= last:
        out.append(d)
        d = _next(d, grain)
    return out


def period_label(d: datetime.date, grain: str) -> str:
    if grain == "year":
        return str(d.year)
    if grain == "quarter":
        return _("%(year)s Q%(q)s") % {"year": d.year, "q": (d.month - 1) // 3 + 1}
    return date_format(d, "M Y")


def _grain(first: datetime.date, last: datetime.date, finest: str) -> str:
    for grain in GRAINS[GRAINS.index(finest):]:
        if grain == "year" or len(_periods(first, last, grain)) <= MAX_PERIODS[grain]:
            return grain
    return "year"


def series(qs, date_field: str, value, f: Filters, finest: str = "month") -> tuple[str, list[dict]]:
    """(grain, rows) of ``value`` per period of ``date_field``: one GROUP BY, zeros filled in."""
    bounds = qs.aggregate(first=Min(date_field), last=Max(date_field))
    first = f.start or bounds["first"]
    last = f.end or bounds["last"]
    if first is None or last is None:
        return finest, []
    first, last = _as_date(first), min(_as_date(last), max(timezone.localdate(), _as_date(first)))
    grain = _grain(first, last, finest)
    got: dict[datetime.date, int] = {}
    for row in qs.annotate(p=TRUNC[grain](date_field)).values("p").annotate(n=value).order_by("p"):
        if row["p"] is not None:
            got[_as_date(row["p"])] = row["n"] or 0
    return grain, [{"label": period_label(d, grain), "n": got.get(d, 0)} for d in _periods(first, last, grain)]


def _state_totals(qs, path_field: str, value) -> dict[str, int]:
    """Totals per state path ("IN/WB/"), folded from a GROUP BY on the place's path."""
    totals: dict[str, int] = {}
    for row in qs.values(path_field).annotate(n=value):
        state_path = "/".join(row[path_field].split("/")[:2]) + "/"
        totals[state_path] = totals.get(state_path, 0) + (row["n"] or 0)
    return totals


def _top_state(totals: dict[str, int]) -> Jurisdiction | None:
    paths = [p for p, n in sorted(totals.items(), key=lambda kv: -kv[1]) if n]
    if not paths:
        return None
    return Jurisdiction.objects.filter(path=paths[0], level=Jurisdiction.Level.STATE).first()


def _ngettext_label(singular: str, plural: str):
    return lambda n: ngettext(singular, plural, n) % {"count": f"{n:,}"}


def district_counts_map(state: Jurisdiction, counts: dict[str, int], *, title: str, heading: str, noun,
                        people: bool, f: Filters, chosen: bool) -> dict[str, Any]:
    """``agencies.maps.district_map`` for one state, with the small-cell rule applied to counts of people:
    a hidden district is drawn in grey-blue, its cell says "<5" (or "—" when hidden with it), the
    legend's bins are made from the shown districts only and the total is rounded."""
    from safetynet.agencies.maps import district_map

    params = f.params()

    def link(code: str) -> str:
        return "?" + urlencode({**params, "state": state.code, "district": code}) + "#maps"

    first = district_map(state.code, counts, title=title, count_label=noun, count_heading=heading, link=link)
    if not people:
        return first
    rows = protect([{"code": d["code"], "label": d["name"], "n": d["count"]} for d in first["districts"]])
    hidden = {r["code"]: r["display"] for r in rows if r["n"] is None}
    shown = {r["code"]: r["n"] for r in rows if r["n"]}
    ctx = district_map(state.code, shown, title=title, count_label=noun, count_heading=heading, link=link)
    for d in ctx["districts"]:
        d["display"] = hidden.get(d["code"], f"{d['count']:,}")
        if d["code"] in hidden:
            d["count"] = hidden[d["code"]]
            d["fill"], d["css_class"] = HIDDEN_FILL, "bin-hidden"
            d["label"] = _("%(district)s: fewer than %(n)s, or hidden so that a small count cannot be worked "
                           "out") % {"district": d["name"], "n": SMALL_CELL}
    if hidden:
        ctx["legend"].append({"label": _("<%(n)s or hidden") % {"n": SMALL_CELL}, "fill": HIDDEN_FILL,
                              "css_class": "bin-hidden"})
    true_total = sum(d["count"] for d in first["districts"])
    ctx["total"] = rounded(true_total)["display"]
    top = max((d for d in ctx["districts"] if d["code"] in shown), key=lambda d: shown[d["code"]], default=None)
    ctx["summary"] = _("%(total)s in %(n)s districts; %(none)s with none; %(hidden)s hidden.") % {
        "total": ctx["total"], "n": len(ctx["districts"]),
        "none": sum(1 for d in first["districts"] if not d["count"]), "hidden": len(hidden)}
    if top is not None:
        ctx["summary"] += " " + _("Highest: %(label)s.") % {"label": top["label"]}
    return ctx


def _map_table(key, title, description, definition, heading, ctx, state, chosen, note="") -> Table:
    rows = [{"label": d["name"], "n": d["count"] if isinstance(d["count"], int) else None,
             "display": d.get("display", f"{d['count']:,}" if isinstance(d["count"], int) else d["count"])}
            for d in ctx["districts"]]
    if not chosen:
        note = (note + " " if note else "") + _(
            "No state is chosen: the map shows %(state)s, where the most were counted; choose a state above "
            "for another.") % {"state": state.name}
    return Table(key, title, description, definition, _("District"), heading, rows, chart="map", note=note.strip(),
                 map=ctx)


# --------------------------------------------------------------------------- sections


def _cases_section(user, f: Filters) -> Section:
    cases = _filter(Case.objects.countable_by(user), f, date="opened_on")
    victims = _filter(CaseParty.objects.countable_by(user).filter(role=CaseParty.Role.VICTIM), f,
                      date="case__opened_on", place="case__jurisdiction", agency="case__owning_agency")
    ahtus = Agency.objects.filter(agency_type=Agency.Type.AHTU, is_active=True)
    if f.place is not None:
        ahtus = ahtus.filter(jurisdiction__path__startswith=f.place.path)
    if f.partner is not None:
        ahtus = ahtus.filter(pk=f.partner.pk)

    # Every victim figure from one pass: the victims (distinct persons) grouped by sex, age band and
    # nationality together. Four COUNT(DISTINCT) queries over the victim rows each sorted 750,000
    # rows at a million persons (docs/benchmarks.md, dashboard at 1,000,000 persons).
    victim_rows: list[dict[str, Any]] = [
        dict(row) for row in Person.objects.filter(pk__in=victims.values("person_id"))
        .values("sex", "age_band", "nationality").annotate(n=Count("id")).order_by()]

    def victims_by(field: str) -> list[dict]:
        totals: dict[str, int] = {}
        for row in victim_rows:
            totals[row[field]] = totals.get(row[field], 0) + row["n"]
        return [{f"person__{field}": value, "n": n} for value, n in sorted(totals.items())]

    section = Section("cases", _("Cases and victims"), _(
        "Trafficking cases opened by the AHTUs and police, and the victims recorded in them."))
    section.figures = [
        Figure("cases", _("Cases opened"), rounded(cases.count()), _(
            "Cases whose opening date falls in the period, in the place chosen (a case belongs to the district "
            "or police station it was opened for) and owned by the agency chosen. Rounded to the nearest 5.")),
        Figure("victims", _("Victims in those cases"), rounded(sum(row["n"] for row in victim_rows)), _(
            "Distinct persons recorded as a victim in the cases counted above (a person in two cases counts "
            "once). Rounded to the nearest 5.")),
        Figure("ahtus", _("Anti-Human Trafficking Units"), count(ahtus.count(), people=False), _(
            "Active AHTUs registered on SafetyNet in the place chosen."),
            note=_("Counted today: the period does not apply.")),
    ]

    grain, per_period = series(cases, "opened_on", Count("id"), f)
    rows = protect(per_period)
    title = {"month": _("Cases opened per month"), "quarter": _("Cases opened per quarter"),
             "year": _("Cases opened per year")}[grain]
    section.tables.append(Table("cases_per_period", title, _("How many cases were opened in each period."),
                                _("Cases counted by the month, quarter or year of their opening date."),
                                _("Period"), _("Cases"), rows, chart="columns", geometry=charts.columns(rows)))

    by_status = _label(Case.Status.choices, protect(list(cases.values("status").annotate(n=Count("id"))
                                                         .order_by("status"))), "status")
    section.tables.append(Table("cases_by_status", _("Cases by status"), _("Where the cases stand today."), _(
        "Each case counted once, at its current status in the workflow (reported, under investigation, charge "
        "sheet filed, in trial, closed)."), _("Status"), _("Cases"), by_status))
    by_kind = _label(Case.Kind.choices, protect(list(cases.values("kind").annotate(n=Count("id"))
                                                     .order_by("-n"))), "kind")
    by_kind.sort(key=lambda r: -(r["n"] or 0))
    section.tables.append(Table("cases_by_kind", _("Cases by form of exploitation"), _(
        "The form of exploitation recorded on each case."), _(
        "Each case counted once, under the form of exploitation recorded on it (\"other or not yet known\" "
        "until the investigation says)."), _("Form of exploitation"), _("Cases"), by_kind))

    totals = _state_totals(cases, "jurisdiction__path", Count("id"))
    if f.state is None:
        names = dict(Jurisdiction.objects.filter(path__in=totals).values_list("path", "name"))
        by_state = protect(sorted(({"label": names.get(p, p), "n": n} for p, n in totals.items()),
                                  key=lambda r: -r["n"]))
        section.tables.append(Table("cases_by_state", _("Cases by state or division"), _(
            "Where the cases were opened, by state or division."), _(
            "Each case counted once, in the state or division of the place it was opened for."),
            _("State or division"), _("Cases"), by_state))
    state = f.state or _top_state(totals)
    if state is not None:
        place_counts = dict(cases.filter(jurisdiction__path__startswith=state.path)
                            .values_list("jurisdiction__code").annotate(n=Count("id")))
        ctx = district_counts_map(state, place_counts, title=_("Cases by district, %(state)s") % {"state": state.name},
                                  heading=_("Cases"), noun=_ngettext_label("%(count)s case", "%(count)s cases"),
                                  people=True, f=f, chosen=f.state is not None)
        section.tables.append(_map_table("cases_by_district", ctx["title"], _(
            "Cases opened in each district of the state (a police station's cases count in its district)."), _(
            "Each case counted once, in the district of the place it was opened for."), _("Cases"), ctx, state,
            f.state is not None))

    sexes = _label(Person.Sex.choices, protect(victims_by("sex")), "person__sex")
    ages = _label(Person.AgeBand.choices, protect(victims_by("age_band")), "person__age_band")
    nations = _label(Person.Nationality.choices, protect(victims_by("nationality")), "person__nationality")
    victim_def = _("Distinct persons recorded as a victim in the cases counted above, by what the case file "
                   "records about them.")
    section.tables += [
        Table("victims_by_sex", _("Victims by sex"), _("Victims in the cases counted, by sex."), victim_def,
              _("Sex"), _("Victims"), sexes),
        Table("victims_by_age", _("Victims by age"), _("Victims in the cases counted, by age band (estimated "
                                                      "when not known)."), victim_def, _("Age"), _("Victims"), ages),
        Table("victims_by_nationality", _("Victims by nationality"), _(
            "Victims in the cases counted, by nationality: trafficking across the borders with Bangladesh and "
            "Nepal shows here."), victim_def, _("Nationality"), _("Victims"), nations),
    ]
    return section


def _care_section(user, f: Filters) -> Section:
    from safetynet.care.indicators import care_indicators
    from safetynet.care.models import Survivor

    # Counted, never listed: stats.view counts every agency's survivors (as the page always has).
    survivors = _filter(Survivor.objects.all(), f, date="registered_on")
    data = care_indicators(survivors, exact=False)
    section = Section("care", _("Protection and care"), _(
        "Survivors in the care of shelters and NGOs: where they are, the services they received, and how "
        "they left care."))
    section.notes.append(_("The period selects survivors by the date their care record was opened; \"in care now\" "
                           "and the follow-ups are as of today. The partner is the agency that holds the care "
                           "record."))
    cwc = data["cwc"]
    section.figures = [
        Figure("care_total", _("Survivors registered"), _value(data["total"]), _(
            "Care records opened in the period, in the place chosen, by the agency chosen.")),
        Figure("care_children", _("Children among them"), _value(data["children"]), _(
            "Survivors whose age band is under 12 or 12–17.")),
        Figure("in_care", _("In shelter care now"), _value(data["in_care"]), _(
            "Survivors counted above with an open placement in a shelter home today.")),
        Figure("served", _("Survivors given a service"), _value(data["served"]), _(
            "Survivors with at least one service recorded (counselling, health, legal aid, education, "
            "livelihood, …).")),
        Figure("job_total", _("Job placements"), _value(data["job_total"]), _(
            "Services recorded as a job placement (for example security guard or housekeeping).")),
        Figure("reintegrated", _("Reintegrated"), _value(data["reintegrated"]), _(
            "Survivors whose record says they were reintegrated with their family or community.")),
        Figure("repatriated", _("Repatriated"), _value(data["repatriated"]), _(
            "Survivors whose record says they were repatriated to their country.")),
        Figure("re_trafficked", _("Found re-trafficked"), _value(data["re_trafficked"]), _(
            "Survivors found trafficked again after care (a date is recorded when it is learnt).")),
        Figure("cwc_on_time", _("Children produced before the CWC within 24 hours"),
               {"n": None, "display": cwc["on_time_rate"]} if cwc["produced"] >= SMALL_CELL else
               {"n": None, "display": "—"}, _(
                "Rescued children produced before the Child Welfare Committee within 24 hours of rescue, as a "
                "share of those produced (JJ Act s.31). Not shown for fewer than 5 children.")),
        Figure("follow_ups", _("Follow-ups done on time"),
               {"n": None, "display": data["follow_up_rate"] if data["follow_ups_due"] >= SMALL_CELL else "—"}, _(
                "Follow-up visits done by their due date (with the grace days), as a share of those due. Not "
                "shown for fewer than 5 visits.")),
    ]
    care_def = _("Survivors counted above who are in a shelter home today, by home or by the district of "
                 "their care record.")
    section.tables += [
        Table("in_care_by_shelter", _("In care by shelter home"), _("Survivors in each shelter home today."),
              care_def, _("Shelter home"), _("Survivors"), _rows(data["by_shelter"])),
        Table("in_care_by_district", _("In care by district"), _("Survivors in care today, by district."),
              care_def, _("District"), _("Survivors"), _rows(data["by_district"])),
        Table("services_by_type", _("Services by type"), _("Services given to the survivors counted."), _(
            "Each service recorded counts once (a survivor counselled five times counts five)."),
            _("Service"), _("Services"), _rows(data["by_service"])),
        Table("jobs_by_role", _("Job placements by job"), _("What the survivors placed in work do."), _(
            "Services recorded as a job placement, by the job written on them."), _("Job"), _("Placements"),
            _rows(data["jobs"])),
    ]
    return section


def _value(display: str) -> dict:
    text = str(display)
    plain = text.replace(",", "")
    return {"n": int(plain) if plain.isdigit() else None, "display": text}


def _rows(rows: list[dict]) -> list[dict]:
    return [{"label": str(r["label"]), "n": r["n"], "display": r["display"]} for r in rows]


def _rate_value(rate: float | None, base: int) -> dict:
    if rate is None or base < SMALL_CELL:
        return {"n": None, "display": "—"}
    return {"n": None, "display": f"{rate} %"}


def _prosecution_section(user, f: Filters) -> Section:
    from safetynet.prosecution.indicators import case_indicators

    cases = _filter(Case.objects.countable_by(user), f, date="opened_on")
    ind = case_indicators(cases)
    disposed = ind["chargesheeted"] + ind["final_reports"]
    decided = ind["convicted"] + ind["acquitted"]
    section = Section("prosecution", _("Prosecution"), _(
        "What became of the cases in court, counted per case as NCRB counts them (Crime in India)."))
    section.notes.append(_("The period selects cases by the date they were opened, whatever the date of their "
                           "charge sheet or verdict. Rates and medians are not shown for fewer than 5 cases."))
    enough = ind["chargesheeted"] >= SMALL_CELL

    def days(value):
        return {"n": None, "display": f"{value:g}" if value is not None and enough else "—"}

    section.figures = [
        Figure("chargesheeted", _("Cases charge-sheeted"), count(ind["chargesheeted"]), _(
            "Cases in which the police filed a charge sheet against at least one accused.")),
        Figure("final_reports", _("Cases closed with a final report"), count(ind["final_reports"]), _(
            "Cases in which every accused reported on got a final report (no charge sheet).")),
        Figure("chargesheeting_rate", _("Charge-sheeting rate"), _rate_value(ind["chargesheeting_rate"], disposed), _(
            "Cases charge-sheeted ÷ (cases charge-sheeted + cases closed with a final report) × 100 (NCRB).")),
        Figure("convicted", _("Cases with a conviction"), count(ind["convicted"]), _(
            "Decided cases in which at least one accused was convicted.")),
        Figure("acquitted", _("Cases acquitted or discharged"), count(ind["acquitted"]), _(
            "Decided cases in which no accused was convicted.")),
        Figure("conviction_rate", _("Conviction rate"), _rate_value(ind["conviction_rate"], decided), _(
            "Cases with a conviction ÷ (cases with a conviction + cases acquitted or discharged) × 100 (NCRB).")),
        Figure("days_to_charge_sheet", _("Median days, FIR to charge sheet"),
               days(ind["median_days_fir_to_charge_sheet"]), _(
                "Middle value of the days from a case's first FIR to its first charge sheet.")),
        Figure("days_to_verdict", _("Median days, charge sheet to verdict"),
               days(ind["median_days_charge_sheet_to_verdict"]), _(
                "Middle value of the days from a case's first charge sheet to its first verdict: the speed of "
                "disposal.")),
        Figure("adjournments_per_case", _("Adjournments per case in court"),
               {"n": None, "display": str(ind["adjournments_per_case"]) if ind["cases_in_court"] >= SMALL_CELL
                else "—"}, _("Hearings adjourned ÷ cases with a court case.")),
        Figure("witness_attendance", _("Witnesses attending court"),
               {"n": None, "display": f"{ind['witness_attendance_rate']} %" if ind["summoned"] >= SMALL_CELL
                else "—"}, _("Witness summons answered ÷ witness summons issued, over the hearings of these "
                             "cases.")),
        Figure("turned_hostile", _("Witnesses who turned hostile"), count(ind["turned_hostile"]), _(
            "Witness appearances recorded as turned hostile.")),
        Figure("protected", _("Victims and witnesses protected"), count(ind["protected"]), _(
            "Victims and witnesses with at least one protection measure ordered in these cases.")),
        Figure("protected_testified", _("Protected witnesses who testified"), count(ind["protected_testified"]), _(
            "Protected victims and witnesses who came to a hearing while a protection measure was in force.")),
        Figure("compensation_awarded", _("Victim compensation awarded"), count(ind["compensation_awarded"]), _(
            "Applications for victim compensation with an amount awarded.")),
    ]
    outcomes = protect([{"label": _("Charge-sheeted"), "n": ind["chargesheeted"]},
                        {"label": _("Final report"), "n": ind["final_reports"]},
                        {"label": _("Convicted"), "n": ind["convicted"]},
                        {"label": _("Acquitted or discharged"), "n": ind["acquitted"]}])
    section.tables.append(Table("prosecution_outcomes", _("Police and court outcomes"), _(
        "How the cases were disposed of by the police and decided in court."), _(
        "Counted per case as above: a case is charge-sheeted when any accused is, convicted when any accused "
        "is."), _("Outcome"), _("Cases"), outcomes))
    return section


def _programme_sections(user, f: Filters) -> list[Section]:
    from safetynet.programmes.indicators import figure_rows, participation_by_category, programme_figures
    from safetynet.programmes.models import AwarenessEvent, TrainingParticipation, VigilanceCommittee

    agencies = [f.partner] if f.partner is not None else None
    out = []
    if f.shows("prevention"):
        figures = programme_figures(user=user, agencies=agencies, start=f.start, end=f.end, jurisdiction=f.place)
        rows = figure_rows(figures, exact=False)["prevention"]
        section = Section("prevention", _("Prevention"), _(
            "Village vigilance committees, self-help groups and awareness events, and what they prevented."))
        section.notes.append(_("Committees and self-help groups are those formed by the end of the period and "
                               "still active: the start of the period does not apply to them."))
        section.figures = [Figure(r["key"], str(r["label"]), {"n": r["n"] if r["display"] != "<5" else None,
                                                              "display": r["display"]}, str(r["definition"]))
                           for r in rows]
        by_key = {fig.key: fig for fig in section.figures}
        prevented = [{"label": by_key[k].label, "n": by_key[k].value["n"], "display": by_key[k].value["display"]}
                     for k in ("fake_marriages", "child_marriages", "child_labour", "unsafe_migration")]
        section.tables.append(Table("prevented_by_kind", _("What the committees prevented"), _(
            "Persons protected, by what they were protected from."), _(
            "Persons protected, summed over the outcomes the committees recorded."), _("Prevented"), _("Persons"),
            prevented))
        events = _filter(AwarenessEvent.objects.countable_by(user), f, date="held_on")
        grain, reach = series(events, "held_on", Sum("reached"), f, finest="quarter")
        reach = protect(reach)
        title = {"month": _("People reached per month"), "quarter": _("People reached per quarter"),
                 "year": _("People reached per year")}[grain]
        section.tables.append(Table("reached_per_period", title, _(
            "People at street theatre, school sessions, meetings, assemblies, films and poster campaigns."), _(
            "People reached, summed per event (one person at two events counts twice), by the date the event "
            "was held."), _("Period"), _("People reached"), reach, chart="columns", geometry=charts.columns(reach)))
        committees = _filter(VigilanceCommittee.objects.countable_by(user).filter(active=True), f, date=None)
        if f.end:
            committees = committees.filter(formed_on__lte=f.end)
        c_totals = _state_totals(committees, "jurisdiction__path", Count("id"))
        state = f.state or _top_state(c_totals)
        if state is not None:
            per_district = dict(committees.filter(jurisdiction__path__startswith=state.path)
                                .values_list("jurisdiction__code").annotate(n=Count("id")))
            ctx = district_counts_map(state, per_district, title=_("Vigilance committees by district, %(state)s")
                                      % {"state": state.name}, heading=_("Committees"),
                                      noun=_ngettext_label("%(count)s committee", "%(count)s committees"),
                                      people=False, f=f, chosen=f.state is not None)
            section.tables.append(_map_table("committees_by_district", ctx["title"], _(
                "Active village vigilance committees in each district."), str(rows[0]["definition"]),
                _("Committees"), ctx, state, f.state is not None))
            reach_state = dict(events.filter(jurisdiction__path__startswith=state.path)
                               .values_list("jurisdiction__code").annotate(n=Sum("reached")))
            ctx = district_counts_map(state, reach_state, title=_("People reached by district, %(state)s")
                                      % {"state": state.name}, heading=_("People reached"),
                                      noun=_ngettext_label("%(count)s person reached", "%(count)s people reached"),
                                      people=True, f=f, chosen=f.state is not None)
            section.tables.append(_map_table("reached_by_district", ctx["title"], _(
                "People reached by awareness events in each district."), str(rows[-1]["definition"]),
                _("People reached"), ctx, state, f.state is not None))
        out.append(section)
    if f.shows("training"):
        # Training programmes sit at state level: a district narrows nothing below its state.
        figures = programme_figures(user=user, agencies=agencies, start=f.start, end=f.end, jurisdiction=f.state)
        rows = figure_rows(figures, exact=False)["training"]
        section = Section("training", _("Training"), _(
            "Training of police, prosecutors, judiciary, border forces, NGOs, caregivers and others."))
        if f.district is not None:
            section.notes.append(_("Training programmes are recorded per state, so the district filter does not "
                                   "apply: these figures are for %(state)s.") % {"state": f.state.name if f.state
                                                                                  else ""})
        section.notes.append(_("Nodal Training Centres are counted whatever the period."))
        section.figures = [Figure(r["key"], str(r["label"]), {"n": r["n"] if r["display"] != "<5" else None,
                                                              "display": r["display"]}, str(r["definition"]))
                           for r in rows]
        participation = _filter(TrainingParticipation.objects.countable_by(user), f, date="programme__starts_on",
                                place="programme__jurisdiction", agency="owning_agency", use_place=f.state)
        grain, trained = series(participation, "programme__starts_on", Sum("attended"), f, finest="year")
        trained = protect(trained)
        section.tables.append(Table("trained_per_year", _("People trained per year"), _(
            "Attendance at training programmes, by the year each programme started."), _(
            "Attendance summed over every category of every programme, by the programme's start date."),
            _("Year"), _("People trained"), trained, chart="columns", geometry=charts.columns(trained)))
        by_category = protect([{"label": r["label"], "n": r["n"]} for r in participation_by_category(
            user=user, agencies=agencies, start=f.start, end=f.end, jurisdiction=f.state)])
        section.tables.append(Table("trained_by_category", _("People trained by category"), _(
            "Who was trained: police, prosecutors, judiciary, border forces, NGOs, caregivers, hotel and "
            "transport staff, teachers."), _("Attendance summed over the programmes, per category of participant."),
            _("Category"), _("People trained"), by_category))
        out.append(section)
    return out


def _cache_key(f: Filters) -> str:
    parts = [translation.get_language() or "", f.start, f.end, f.state and f.state.code,
             f.district and f.district.code, f.area, f.partner and f.partner.short_code]
    return "stats:dashboard:v1:" + "|".join(str(p or "") for p in parts)


def build(user, f: Filters) -> Dashboard:
    """The whole dashboard for a stats.view holder (PermissionError otherwise).

    Built figures are kept for ``SAFETYNET_DASHBOARD_CACHE_SECONDS`` (5 minutes) per filter set and
    language: at a million persons building them takes seconds (docs/benchmarks.md), and the
    figures are the same for every stats.view holder (aggregates_visible_to counts every agency's
    records for all of them), so a cached build is never someone else's view. The page says when
    its figures were counted. Counts only: nothing in the cache names or lists a record.
    """
    if not has_capability(user, policy.Cap.STATS_VIEW):
        raise PermissionError("stats.view required")
    seconds = getattr(settings, "SAFETYNET_DASHBOARD_CACHE_SECONDS", 300)
    key = _cache_key(f)
    cached = cache.get(key) if seconds else None
    if cached is not None:
        return Dashboard(filters=f, sections=cached.sections, generated_at=cached.generated_at)
    dash = _compute(user, f)
    if seconds:
        cache.set(key, dash, seconds)
    return dash


def _compute(user, f: Filters) -> Dashboard:
    sections: list[Section] = []
    if f.shows("cases"):
        sections.append(_cases_section(user, f))
    if f.shows("care"):
        sections.append(_care_section(user, f))
    if f.shows("prosecution"):
        sections.append(_prosecution_section(user, f))
    sections += _programme_sections(user, f)
    for section in sections:
        for table in section.tables:
            if table.chart == "bars":
                table.geometry = charts.bars(table.rows)
    return Dashboard(filters=f, sections=sections, generated_at=timezone.localtime())


def cell_value(row: dict):
    """What a spreadsheet cell holds: the number when the page shows it exactly, else the page's text
    ("<5", "≈ 1,235", "42 %", "—")."""
    n = row.get("n")
    if isinstance(n, int) and row["display"] == f"{n:,}":
        return n
    return row["display"]
