"""Differentially private counts of victims with OpenDP (opendp.org, MIT licence).

Privacy unit: one victim (export.victims yields each victim once), added to or removed from
the data. Each victim falls in exactly one cell, so one victim changes one count by one.

The measurement is OpenDP's own chain: ``make_count_by_categories`` over the victims' cell
keys (the categories are fixed in advance from public lists: the requested years, the
exploitation forms below and the states of the place tree, never from the data) followed by
``then_laplace`` (for integer counts this is the discrete Laplace, or "geometric",
mechanism). The noise scale is the smallest for which OpenDP's privacy map says
``epsilon`` for one victim (``binary_search_param``). Negative noisy counts become 0 after
the release (post-processing, which costs no privacy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product

import opendp.prelude as dp
from django.utils.translation import gettext_lazy as _

from .export import LABOUR, SEXUAL, Victim

dp.enable_features("contrib")

DIMENSIONS = {"year": _("Year of registration"), "type": _("Form of exploitation"), "state": _("State")}
# One form per victim (the cells must not overlap): CTDC's broad forms.
FORMS = {"sexual": _("Sexual exploitation"), "labour": _("Forced labour"),
         "sex_and_labour": _("Sexual exploitation and forced labour"), "other": _("Other forms"),
         "unknown": _("Not known")}
UNKNOWN_STATE = ""
MECHANISM = "OpenDP make_count_by_categories >> then_laplace (discrete Laplace on integer counts)"


def form_of(v: Victim) -> str:
    sexual, labour = SEXUAL in v.types, LABOUR in v.types
    if sexual and labour:
        return "sex_and_labour"
    if sexual:
        return "sexual"
    if labour:
        return "labour"
    return "other" if v.types else "unknown"


def _value(v: Victim, dim: str) -> str:
    if dim == "year":
        return str(v.year)
    if dim == "type":
        return form_of(v)
    return v.state or UNKNOWN_STATE


@dataclass
class Release:
    scale: float
    epsilon: float  # what OpenDP's privacy map says for one victim
    cells: list[dict]


def categories(dimensions: list[str], years: range, states: list[str]) -> list[tuple[str, ...]]:
    values = {"year": [str(y) for y in years], "type": list(FORMS), "state": [*states, UNKNOWN_STATE]}
    return list(product(*(values[d] for d in dimensions)))


def _measurement(keys: list[str], scale: float):
    space = (dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance())
    return dp.t.make_count_by_categories(*space, categories=keys, null_category=False) >> dp.m.then_laplace(scale)


def release(records: Iterable[Victim], *, dimensions: list[str], years: range, states: list[str],
            epsilon: float) -> Release:
    cells = categories(dimensions, years, states)
    keys = ["|".join(c) for c in cells]
    data = ["|".join(_value(v, d) for d in dimensions) for v in records
            if v.year is not None and v.year in years]
    scale = dp.binary_search_param(lambda s: _measurement(keys, s), d_in=1, d_out=epsilon)
    meas = _measurement(keys, scale)
    spent = meas.map(1)
    assert spent <= epsilon + 1e-9, (spent, epsilon)
    noisy = meas(data)
    out = [{**dict(zip(dimensions, cell, strict=True)), "count": max(0, int(n))}  # post-processing
           for cell, n in zip(cells, noisy, strict=True)]
    return Release(scale=scale, epsilon=spent, cells=out)
