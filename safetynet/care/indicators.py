"""Care indicators, computed from the records (never typed in): survivors in care by shelter
and district, days to CWC production, services per survivor by type, job placements,
reintegrated, repatriated, follow-ups done on time, re-trafficked.

Platform-wide figures (``exact=False``: M&E officers) go through the same small-cell
suppression as the other figures (stats.services): a shelter with 2 children is "<5".
"""

from __future__ import annotations

import datetime
import statistics

from django.db.models import Count, Q
from django.utils import timezone

from safetynet.rescues.models import ChildProduction
from safetynet.stats.services import _suppress

from .models import FollowUp, Placement, ServiceRecord, Survivor
from .services import FOLLOW_UP_GRACE_DAYS


def _bars(rows: list[dict], exact: bool) -> list[dict]:
    rows = _suppress(rows, exact)
    top = max((r["n"] or 0 for r in rows), default=0) or 1
    for r in rows:
        r["pct"] = round(100 * (r["n"] or 0) / top)
    return rows


def _count(value: int, exact: bool) -> str:
    if exact or value == 0 or value >= 5:
        return f"{value:,}"
    return "<5"


def _hours(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{round(value)}"


def _rate(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def care_indicators(survivors, *, exact: bool = True, since: datetime.date | None = None) -> dict:
    today = timezone.localdate()
    if since is not None:
        survivors = survivors.filter(registered_on__gte=since)
    ids = survivors.values("pk")
    in_care = Placement.objects.filter(survivor__in=ids, ended_on=None)
    by_shelter = [{"label": r["shelter__agency__name"], "n": r["n"]} for r in
                  in_care.values("shelter__agency__name").annotate(n=Count("id")).order_by("-n")]
    by_district = [{"label": r["survivor__jurisdiction__name"], "n": r["n"]} for r in
                   in_care.values("survivor__jurisdiction__name").annotate(n=Count("id")).order_by("-n")]

    productions = list(ChildProduction.objects.filter(person__survivor__in=ids).values_list(
        "rescued_at", "produced_at", "due_at"))
    hours = [max(0.0, (p - r).total_seconds() / 3600) for r, p, _d in productions if p]
    on_time = sum(1 for _r, p, d in productions if p and p <= d)
    waiting_late = sum(1 for _r, p, d in productions if not p and d < timezone.now())

    served = survivors.filter(services__isnull=False).distinct().count()
    by_service = [{"label": str(ServiceRecord.Kind(r["kind"]).label), "n": r["n"]} for r in
                  ServiceRecord.objects.filter(survivor__in=ids).values("kind").annotate(n=Count("id")).order_by("-n")]
    jobs = [{"label": r["job_role"] or "—", "n": r["n"]} for r in ServiceRecord.objects.filter(
        survivor__in=ids, kind=ServiceRecord.Kind.JOB_PLACEMENT).values("job_role").annotate(n=Count("id"))
        .order_by("-n")]

    statuses = dict(survivors.values_list("status").annotate(n=Count("id")))
    due = FollowUp.objects.filter(survivor__in=ids, due_on__lte=today - datetime.timedelta(days=FOLLOW_UP_GRACE_DAYS))
    due_total = due.count()
    done_on_time = sum(1 for f in due.exclude(done_on=None).only("done_on", "due_on") if f.on_time)
    missed = due.filter(done_on=None).count()
    total = survivors.count()
    re_trafficked = survivors.exclude(re_trafficked_on=None).count()
    counts = survivors.aggregate(children=Count("id", filter=Q(person__age_band__in=("0-11", "12-17"))))
    return {
        "total": _count(total, exact), "children": _count(counts["children"], exact),
        "in_care": _count(in_care.count(), exact),
        "by_shelter": _bars(by_shelter, exact), "by_district": _bars(by_district, exact),
        "cwc": {"children": len(productions), "produced": len(hours), "on_time": on_time,
                "on_time_rate": _rate(on_time, len(hours)), "waiting_late": waiting_late,
                "median_hours": _hours(statistics.median(hours)) if hours else None},
        "served": _count(served, exact), "by_service": _bars(by_service, exact),
        "services_per_survivor": round(sum(r["n"] for r in by_service) / served, 1) if served else None,
        "jobs": _bars(jobs, exact), "job_total": _count(sum(r["n"] for r in jobs), exact),
        "reintegrated": _count(statuses.get(Survivor.Status.REINTEGRATED, 0), exact),
        "repatriated": _count(statuses.get(Survivor.Status.REPATRIATED, 0), exact),
        "follow_ups_due": due_total, "follow_ups_on_time": done_on_time, "follow_ups_missed": missed,
        "follow_up_rate": _rate(done_on_time, due_total),
        "re_trafficked": _count(re_trafficked, exact), "re_trafficked_rate": _rate(re_trafficked, total),
    }
