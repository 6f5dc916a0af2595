"""Aggregate counts for dashboards and researchers.

Platform-wide figures (researchers, M&E) are protected against re-identification:
- a cell below ``SMALL_CELL`` is shown as "<5" (a count of 1 in a district can point to a person);
- when a breakdown hides exactly one cell, the next smallest is hidden too (secondary
  suppression), so the hidden one cannot be worked out from the others;
- totals are rounded to the nearest ``ROUND_TO`` and shown as "about", so "total minus the
  shown cells" does not give the hidden ones either.
Investigators see exact counts of their own scope (``scope_counts``).
"""

from __future__ import annotations

from django.db.models import Count

from safetynet.access import policy
from safetynet.access.querysets import has_capability
from safetynet.cases.models import Case, CaseParty
from safetynet.people.models import Person

SMALL_CELL = 5
ROUND_TO = 5


def _suppress(rows, exact: bool) -> list[dict]:
    rows = [dict(r) for r in rows]
    if exact:
        return [{**r, "display": str(r["n"])} for r in rows]
    hidden = [r for r in rows if r["n"] < SMALL_CELL]
    if len(hidden) == 1:
        shown = sorted((r for r in rows if r["n"] >= SMALL_CELL), key=lambda r: r["n"])
        hidden += shown[:1]
    hidden_ids = {id(r) for r in hidden}
    out = []
    for row in rows:
        if id(row) in hidden_ids:
            out.append({**row, "n": None, "display": "<5" if row["n"] < SMALL_CELL else "—"})
        else:
            out.append({**row, "display": str(row["n"])})
    return out


def rounded(total: int) -> dict:
    """A total for platform-wide figures: rounded, so it cannot un-hide suppressed cells."""
    if 0 < total < SMALL_CELL:
        # "≈ 0" for one case reads as "none"; say what the cells say instead.
        return {"n": None, "display": f"<{SMALL_CELL}"}
    value = int(round(total / ROUND_TO) * ROUND_TO)
    return {"n": value, "display": f"≈ {value:,}" if value != total else f"{value:,}"}


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
        "total_cases": rounded(cases.count()),
        "total_victims": rounded(victims.values("person").distinct().count()),
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


EXPORT_FORMATS = ("csv", "xlsx", "pdf")


def record_export(*, actor, fmt: str, filters: dict[str, str], table: str = "") -> None:
    """An export of the dashboard leaves the platform: who took which figures, with which filters
    (codes of places and agencies, never a person), as an AuditEvent."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from safetynet.audit.services import record
    from safetynet.core.services import acting_membership

    if fmt not in EXPORT_FORMATS:
        raise ValueError(_("Unknown export format."))
    membership = acting_membership(actor, policy.Cap.STATS_VIEW)
    changes: dict = {"format": fmt, "filters": dict(filters)}
    if table:
        changes["table"] = table
    with transaction.atomic():
        record(actor=actor, action="stats.export", object_type="stats.dashboard", object_id=fmt,
               changes=changes, agency=membership.agency)
