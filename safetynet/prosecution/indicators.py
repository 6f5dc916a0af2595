"""Prosecution indicators, defined as NCRB defines them, and checks of published tables.

NCRB's Crime in India (2018, Human Trafficking chapter):
- charge-sheeting rate = cases charge-sheeted / (cases charge-sheeted + cases with a final
  report) × 100 — the cases the police disposed of;
- conviction rate = cases convicted / (cases convicted + cases acquitted or discharged) × 100
  — the trials completed.
Both are printed to one decimal. tests/test_indicators.py recomputes every printed rate
from NCRB's own counts with these functions.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Accused, Compensation, CourtCase, Hearing, ProtectionMeasure, WitnessAttendance


def rate(part: int | None, other: int | None) -> float | None:
    """part / (part + other) × 100 to one decimal; None when nothing was disposed of."""
    if part is None or other is None or part + other == 0:
        return None
    return round(part * 100 / (part + other) + 1e-9, 1)


def chargesheeting_rate(chargesheeted: int | None, final_reports: int | None) -> float | None:
    return rate(chargesheeted, final_reports)


def conviction_rate(convicted: int | None, acquitted: int | None) -> float | None:
    return rate(convicted, acquitted)


@dataclass
class Problem:
    region: str
    what: str


def check_police_disposal(rows) -> list[Problem]:
    """Rows of NCRB's police/court disposal table whose parts do not add up, or whose printed
    rate differs from the rate computed from its own counts."""
    problems = []
    for row in rows:
        v = row.values
        for printed, computed, label in (
                (v.get("chargesheeting_rate"), chargesheeting_rate(v.get("chargesheeted"), v.get("final_reports")),
                 "charge-sheeting rate"),
                (v.get("conviction_rate"), conviction_rate(v.get("convicted"), v.get("acquitted")),
                 "conviction rate")):
            if computed is None and printed in (None, 0.0):
                continue  # nothing disposed of: NCRB prints 0.0 or leaves the cell empty
            if printed is None or computed is None or abs(printed - computed) > 0.05:
                problems.append(Problem(row.region, f"{label}: printed {printed}, computed {computed}"))
        parts = (v.get("convicted"), v.get("acquitted"), v.get("trials_completed"))
        if None not in parts and parts[0] + parts[1] != parts[2]:
            problems.append(Problem(row.region, f"trials completed {parts[2]} ≠ convicted {parts[0]} + "
                                                f"acquitted {parts[1]}"))
    return problems


def check_sex_totals(rows) -> list[Problem]:
    """Rows split by sex whose male + female differs from the printed total."""
    problems = []
    for row in rows:
        v = row.values
        if None in (v.get("male"), v.get("female"), v.get("total")):
            problems.append(Problem(f"{row.region} ({row.group})", "a count is missing"))
        elif v["male"] + v["female"] != v["total"]:
            problems.append(Problem(f"{row.region} ({row.group})",
                                    f"male {v['male']} + female {v['female']} ≠ total {v['total']}"))
    return problems


# --------------------------------------------------------------------------- the project's own


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def case_indicators(cases) -> dict:
    """The prosecution indicators over ``cases`` (a queryset the caller made visible), counted
    per case like NCRB: a case is charge-sheeted when any accused is; it ends in a final
    report when every accused with a police report got one; a decided case is convicted when
    any accused is convicted, else acquitted."""
    accused = Accused.objects.filter(case__in=cases)
    per_case = accused.values("case").annotate(
        sheets=Count("pk", filter=Q(report=Accused.Report.CHARGE_SHEET)),
        finals=Count("pk", filter=Q(report=Accused.Report.FINAL_REPORT)),
        convicted=Count("pk", filter=Q(verdict=Accused.Verdict.CONVICTED)),
        decided=Count("pk", filter=~Q(verdict="")))
    chargesheeted = sum(1 for r in per_case if r["sheets"])
    final_reports = sum(1 for r in per_case if r["finals"] and not r["sheets"])
    convicted = sum(1 for r in per_case if r["convicted"])
    acquitted = sum(1 for r in per_case if r["decided"] and not r["convicted"])

    firs: dict[int, datetime.date] = {}
    for case_id, registered in cases.filter(firs__isnull=False).values_list("pk", "firs__registered_on"):
        firs[case_id] = min(registered, firs.get(case_id, registered))
    to_sheet, to_verdict = [], []
    first_sheet: dict[int, datetime.date] = {}
    first_verdict: dict[int, datetime.date] = {}
    for case_id, report_on, verdict_on, report in accused.values_list("case", "report_on", "verdict_on", "report"):
        if report == Accused.Report.CHARGE_SHEET and report_on:
            first_sheet[case_id] = min(report_on, first_sheet.get(case_id, report_on))
        if verdict_on:
            first_verdict[case_id] = min(verdict_on, first_verdict.get(case_id, verdict_on))
    for case_id, sheet_on in first_sheet.items():
        if case_id in firs:
            to_sheet.append((sheet_on - firs[case_id]).days)
    for case_id, verdict_on in first_verdict.items():
        if case_id in first_sheet:
            to_verdict.append((verdict_on - first_sheet[case_id]).days)

    hearings = Hearing.objects.filter(court_case__case__in=cases)
    in_court = CourtCase.objects.filter(case__in=cases).values("case").distinct().count()
    adjournments = hearings.filter(outcome=Hearing.Outcome.ADJOURNED).count()
    summoned = WitnessAttendance.objects.filter(hearing__in=hearings)
    attended = summoned.filter(attended=True).count()
    # Protected witnesses who testified: came to a hearing on a day a protection measure of theirs was in force.
    measures: dict[int, list[ProtectionMeasure]] = {}
    for m in ProtectionMeasure.objects.filter(case__in=cases):
        measures.setdefault(m.party_id, []).append(m)
    testified = {w.party_id for w in summoned.filter(attended=True).select_related("hearing")
                 if any(m.active_on(w.hearing.held_on) for m in measures.get(w.party_id, []))}
    return {
        "cases": cases.count(),
        "protected": len(measures), "protected_testified": len(testified),
        "compensation_applied": Compensation.objects.filter(case__in=cases).count(),
        "compensation_awarded": Compensation.objects.filter(case__in=cases, amount_awarded__gt=0).count(),
        "chargesheeted": chargesheeted, "final_reports": final_reports,
        "chargesheeting_rate": chargesheeting_rate(chargesheeted, final_reports),
        "convicted": convicted, "acquitted": acquitted, "conviction_rate": conviction_rate(convicted, acquitted),
        "median_days_fir_to_charge_sheet": _median(to_sheet),
        "median_days_charge_sheet_to_verdict": _median(to_verdict),
        "cases_in_court": in_court, "hearings": hearings.count(), "adjournments": adjournments,
        "adjournments_per_case": round(adjournments / in_court, 1) if in_court else None,
        "summoned": summoned.count(), "attended": attended,
        "witness_attendance_rate": round(attended * 100 / summoned.count(), 1) if summoned.count() else None,
        "turned_hostile": summoned.filter(turned_hostile=True).count(),
    }
