"""District choropleth maps drawn on the server as inline SVG (no script, no tile server).

The outlines come from data/district_shapes.json, built once by scripts/build_district_shapes.py
from the boundary files in ../shared/data/geo (already projected per state and simplified).
``district_map()`` returns what the partial ``agencies/partials/_district_map.html`` needs::

    ctx = district_map("IN-WB", {"IN-WB-N24P": 12, "IN-WB-KOLK": 3}, title=_("Tips by district"),
                       link=lambda code: reverse("tips:queue") + f"?district={code}")
    {% include "agencies/partials/_district_map.html" with map=ctx %}

Colours: a zero is light grey; other counts fall in up to five equal, round-numbered bins
coloured with ColorBrewer's YlOrRd scheme for that many classes (colour-blind safe, and it
prints in grey scale). The darkest colour always holds the largest count. Fills are SVG
``fill`` attributes, so the strict Content-Security-Policy needs no inline style.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Jurisdiction

SHAPES = Path(__file__).resolve().parent / "data" / "district_shapes.json"

ZERO_FILL = "#e4e7eb"
# ColorBrewer YlOrRd (colorbrewer2.org, Cynthia Brewer, Penn State; Apache License 2.0), by number of classes.
# One and two classes take the darker end of the three-class scheme, so a lone count is not pale.
PALETTES: dict[int, list[str]] = {
    1: ["#f03b20"],
    2: ["#feb24c", "#f03b20"],
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
}
MAX_BINS = 5

CREDITS = {  # shown under each map; docs/data-credits.md has the full credits
    "IN": gettext_lazy("Boundaries: DataMeet / Guneet Narula (MIT), simplified; approximate, not authoritative."),
    "NP": gettext_lazy("Boundaries: Saugat Acharya, geoJSON-Nepal (MIT), simplified; approximate, not authoritative."),
}


@lru_cache(maxsize=1)
def shapes() -> dict[str, Any]:
    """The committed shape file, read once per process."""
    with SHAPES.open(encoding="utf-8") as fh:
        return json.load(fh)


def _step(largest: int) -> int:
    """The smallest round bin width (1, 2, 5, 10, 20, 25, 50, 100, ...) that fits ``largest`` in MAX_BINS bins."""
    if largest <= MAX_BINS:
        return 1
    power = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            width = factor * power
            if width == int(width) and math.ceil(largest / width) <= MAX_BINS:
                return int(width)
        power *= 10


def bins(largest: int) -> list[tuple[int, int, str]]:
    """(low, high, fill) for each non-zero bin; the last bin ends at ``largest``."""
    if largest <= 0:
        return []
    width = _step(largest)
    n = math.ceil(largest / width)
    return [(i * width + 1, min((i + 1) * width, largest), PALETTES[n][i]) for i in range(n)]


def _range_label(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _tips(n: int) -> str:
    return ngettext("%(count)s tip", "%(count)s tips", n) % {"count": n}


def _district_of(code: str, districts: set[str]) -> str | None:
    """The district a code belongs to: itself, or the longest district prefix (a station's district)."""
    parts = code.split("-")
    for i in range(len(parts), 0, -1):
        prefix = "-".join(parts[:i])
        if prefix in districts:
            return prefix
    return None


def district_map(
    state_code: str,
    counts: dict[str, int],
    *,
    title: str,
    link: Callable[[str], str] | None = None,
    count_label: Callable[[int], str] | None = None,
    count_heading: str | None = None,
) -> dict[str, Any]:
    """Everything ``agencies/partials/_district_map.html`` needs to draw one state's districts.

    ``counts`` maps district codes to numbers; codes below a district (a police station, a border
    sector) are added to their district, codes elsewhere are ignored. ``link(code)`` may return a
    URL for a district ("" for none). ``count_label(n)`` words a number ("12 tips", the default) and
    ``count_heading`` heads the table column ("Tips"), so other dashboards can count cases.
    """
    count_label = count_label or _tips
    state = shapes().get(state_code) or {}
    paths: dict[str, str] = state.get("districts", {})
    markers: dict[str, list[float]] = state.get("markers", {})  # dots on districts too small to see
    names = dict(
        Jurisdiction.objects.filter(parent__code=state_code, level=Jurisdiction.Level.DISTRICT).values_list(
            "code", "name"
        )
    )
    for code in paths.keys() - names.keys():  # a shape whose district is not in the database: name it by its code
        names[code] = code
    totals = dict.fromkeys(names, 0)
    known = set(totals)
    for code, n in counts.items():
        district = _district_of(code, known)
        if district is not None:
            totals[district] += int(n)

    largest = max(totals.values(), default=0)
    scale, width = bins(largest), _step(largest)

    def bin_of(n: int) -> int:
        return 0 if n <= 0 else min(math.ceil(n / width), len(scale))

    districts: list[dict[str, Any]] = []
    for code in sorted(names, key=lambda c: (names[c].casefold(), c)):
        n = totals[code]
        b = bin_of(n)
        districts.append({
            "code": code,
            "name": names[code],
            "path": paths.get(code, ""),
            "marker": markers.get(code),
            "count": n,
            "bin": b,
            "fill": scale[b - 1][2] if b else ZERO_FILL,
            "css_class": f"bin-{b}",
            "label": _("%(district)s: %(count)s") % {"district": names[code], "count": count_label(n)},
            "href": link(code) if link else "",
        })
    legend = [{"label": "0", "fill": ZERO_FILL, "css_class": "bin-0"}]
    legend += [{"label": _range_label(low, high), "fill": fill, "css_class": f"bin-{i}"}
               for i, (low, high, fill) in enumerate(scale, start=1)]

    total = sum(totals.values())
    top = max(districts, key=lambda d: d["count"], default=None)
    none = sum(1 for d in districts if not d["count"])
    summary = _("%(total)s in %(n)s districts; %(none)s with none.") % {
        "total": count_label(total), "n": len(districts), "none": none}
    if top and top["count"]:
        summary += " " + _("Highest: %(label)s.") % {"label": top["label"]}

    title = str(title)  # a lazy translation is welcome
    digest = hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:6]
    return {
        "id": f"dm-{state_code.lower()}-{digest}",
        "title": title,
        "state_code": state_code,
        "viewBox": state.get("viewBox", ""),
        "has_shapes": bool(paths),
        "linked": any(d["href"] and d["path"] for d in districts),
        "districts": districts,
        "legend": legend,
        "total": total,
        "summary": summary,
        "count_heading": count_heading or _("Tips"),
        "credit": str(CREDITS.get(state_code.split("-", 1)[0], "")) if paths else "",
    }
