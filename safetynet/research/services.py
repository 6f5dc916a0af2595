"""Writes of the research app: the download ledger and differentially private releases
against a privacy budget. Each checks research.data, validates everything first (nothing is
saved when anything is wrong), writes in one transaction and leaves an audit event with
counts only (no victim data at all reaches the audit trail)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.audit.services import record
from safetynet.core.services import acting_membership

from . import dp, export
from .kanon import Result
from .models import DpRelease, ExportDownload

# Privacy budget: total epsilon one researcher may spend per calendar year, and per release.
BUDGET_PER_PERIOD = Decimal(str(getattr(settings, "RESEARCH_DP_BUDGET_PER_YEAR", "3.0")))
EPSILON_CHOICES = [Decimal("0.1"), Decimal("0.25"), Decimal("0.5"), Decimal("1.0")]
MAX_YEARS = 15
FIRST_YEAR = 2000


def _membership(actor):
    return acting_membership(actor, policy.Cap.RESEARCH_DATA)


def period_of(day: datetime.date) -> str:
    return str(day.year)


def budget(actor, today: datetime.date | None = None) -> dict:
    """What ``actor`` has spent and has left in the current period."""
    today = today or timezone.localdate()
    period = period_of(today)
    cent = Decimal("0.01")
    spent = (DpRelease.objects.filter(researcher=actor, period=period).aggregate(s=Sum("epsilon"))["s"]
             or Decimal("0")).quantize(cent)
    return {"period": period, "total": BUDGET_PER_PERIOD.quantize(cent), "spent": spent,
            "left": max(Decimal("0"), BUDGET_PER_PERIOD - spent).quantize(cent),
            "renews_on": datetime.date(today.year + 1, 1, 1)}


def record_download(*, actor, result: Result) -> ExportDownload:
    membership = _membership(actor)
    levels = dict(result.level_labels())
    with transaction.atomic():
        download = ExportDownload.objects.create(researcher=actor, agency=membership.agency, k=result.k,
                                                 victims=result.total, rows=result.kept, suppressed=result.suppressed,
                                                 levels=levels)
        record(actor=actor, action="research.export", obj=download, agency=membership.agency,
               changes={"k": result.k, "victims": result.total, "rows": result.kept,
                        "suppressed": result.suppressed, "levels": levels})
    return download


def _epsilon(value, errors: dict) -> Decimal | None:
    try:
        eps = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        eps = None
    if eps not in EPSILON_CHOICES:
        errors["epsilon"] = [_("Choose one of the offered privacy budgets (epsilon).")]
        return None
    return eps


def release_counts(*, actor, dimensions: list[str], year_from: int, year_to: int, epsilon,
                   today: datetime.date | None = None) -> DpRelease:
    """Differentially private counts of victims by the chosen dimensions, charged to the budget."""
    membership = _membership(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    dims = [d for d in dp.DIMENSIONS if d in (dimensions or [])]
    if not dims or len(dims) != len(set(dimensions or [])):
        errors["dimensions"] = [_("Choose at least one of year, form of exploitation and state.")]
    if not isinstance(year_from, int) or not isinstance(year_to, int) or year_from < FIRST_YEAR \
            or year_to > today.year:
        errors["year_from"] = [_("Choose years between %(first)s and %(last)s.") % {"first": FIRST_YEAR,
                                                                                    "last": today.year}]
    elif year_from > year_to:
        errors["year_from"] = [_("The first year is after the last year.")]
    elif year_to - year_from + 1 > MAX_YEARS:
        errors["year_from"] = [_("Choose at most %(n)s years.") % {"n": MAX_YEARS}]
    eps = _epsilon(epsilon, errors)
    if errors:
        raise ValidationError(errors)
    assert eps is not None
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction

    states = list(Jurisdiction.objects.filter(level=Jurisdiction.Level.STATE).values_list("code", flat=True))
    with transaction.atomic():
        # One release at a time per researcher: the budget check and the charge cannot interleave.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        left = budget(actor, today)
        if eps > left["left"]:
            raise ValidationError({"epsilon": [_(
                "Refused: this release would spend ε %(eps)s, and you have ε %(left)s left of your ε %(total)s "
                "for %(period)s. Choose a smaller epsilon, or wait until the budget renews on %(renews)s.") % {
                "eps": eps, "left": left["left"], "total": left["total"], "period": left["period"],
                "renews": left["renews_on"].isoformat()}]})
        records = (export.from_key(key) for key, n in export.snapshot(actor).items() for _i in range(n))
        out = dp.release(records, dimensions=dims, years=range(year_from, year_to + 1),
                         states=states, epsilon=float(eps))
        release = DpRelease.objects.create(
            researcher=actor, agency=membership.agency, period=left["period"], epsilon=eps, dimensions=dims,
            year_from=year_from, year_to=year_to, mechanism=dp.MECHANISM, scale=out.scale, cells=out.cells)
        record(actor=actor, action="research.dp_release", obj=release, agency=membership.agency,
               changes={"epsilon": str(eps), "dimensions": dims, "years": [year_from, year_to],
                        "cells": len(out.cells), "scale": out.scale,
                        "spent_in_period": str(left["spent"] + eps), "period": left["period"]})
    return release
