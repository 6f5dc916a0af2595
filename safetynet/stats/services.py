"""Aggregate counts for dashboards and researchers.

Counts below ``SMALL_CELL`` are shown as "<5" to researchers: a cell of 1 or 2 in a
district and month can point to a person. Investigators see exact counts of their own
scope.
"""

from __future__ import annotations

from django.db.models import Count

from safetynet.access import policy
from safetynet.access.querysets import has_capability
from safetynet.cases.models import Case, CaseParty
from safetynet.people.models import Person

SMALL_CELL = 5


def _suppress(rows, exact: bool) -> list[dict]:
    rows = [dict(r) for r in rows]
    if exact:
        return rows
    out = []
    for row in rows:
        n = row["n"]
        out.append({**row, "n": n if n >= SMALL_CELL else None, "display": str(n) if n >= SMALL_CELL else "<5"})
    return out


def _label(choices, rows, key):
    """Add display labels and keep the choices' own order (the workflow order for statuses)."""
    labels = dict(choices)
    order = {value: i for i, value in enumerate(labels)}
    rows.sort(key=lambda r: order.get(r[key], len(order)))
    for row in rows:
        row["label"] = str(labels.get(row[key], row[key] or "—"))
        row.setdefault("display", str(row["n"]))
    return rows


def _by_state(cases) -> list[dict]:
    """Cases per state or division, whatever level (district, station) each case sits at.

    Groups by jurisdiction path in SQL (a few hundred distinct places), then folds each
    path onto its state ("IN/WB/N24P/BONG/" -> "IN/WB/").
    """
    from safetynet.agencies.models import Jurisdiction

    totals: dict[str, int] = {}
    for row in cases.values("jurisdiction__path").annotate(n=Count("id")):
        state_path = "/".join(row["jurisdiction__path"].split("/")[:2]) + "/"
        totals[state_path] = totals.get(state_path, 0) + row["n"]
    names = dict(Jurisdiction.objects.filter(path__in=totals).values_list("path", "name"))
    rows = [{"label": names.get(path, path), "n": n} for path, n in totals.items()]
    return sorted(rows, key=lambda r: -r["n"])


def platform_counts(user) -> dict:
    """Counts across all agencies, with no record-level data (for stats.view holders)."""
    if not has_capability(user, policy.Cap.STATS_VIEW):
        raise PermissionError("stats.view required")
    # Aggregates only: these querysets never leave this function as records.
    cases = Case.objects.countable_by(user)
    exact = False
    by_status = _suppress((cases.values("status").annotate(n=Count("id")).order_by("status")), exact)
    by_kind = _suppress((cases.values("kind").annotate(n=Count("id")).order_by("-n")), exact)
    by_state = _suppress(_by_state(cases), exact)
    victims = CaseParty.objects.countable_by(user).filter(role=CaseParty.Role.VICTIM)
    by_sex = _suppress((victims.values("person__sex").annotate(n=Count("person", distinct=True))
                            .order_by("person__sex")), exact)
    by_age = _suppress((victims.values("person__age_band").annotate(n=Count("person", distinct=True))
                            .order_by("person__age_band")), exact)
    return {
        "total_cases": cases.count(),
        "total_victims": victims.values("person").distinct().count(),
        "by_status": _label(Case.Status.choices, by_status, "status"),
        "by_kind": _label(Case.Kind.choices, by_kind, "kind"),
        "by_state": by_state,
        "victims_by_sex": _label(Person.Sex.choices, by_sex, "person__sex"),
        "victims_by_age": _label(Person.AgeBand.choices, by_age, "person__age_band"),
    }


def scope_counts(user) -> dict:
    """Exact counts of the cases a user may see (their own dashboard)."""
    cases = Case.objects.visible_to(user)
    by_status = list(cases.values("status").annotate(n=Count("id")).order_by("status"))
    return {"total": sum(r["n"] for r in by_status),
            "by_status": _label(Case.Status.choices, by_status, "status")}
