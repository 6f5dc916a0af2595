"""Charts drawn on the server (docs/decisions/0007-dashboard-charts.md).

Two shapes, both from rows ``{"label": str, "n": int | None, "display": str}`` where ``n`` is
None for a suppressed cell ("<5"):

- ``columns(points)``: a column chart for a series over time, as inline SVG geometry. Its
  viewBox is phone-sized (360 units wide), so on a phone the text is drawn at about the size it
  is written and on a desk it scales up with the card.
- ``bars(rows)``: a horizontal bar chart for a breakdown, laid out in HTML (labels and numbers
  are real text that wraps and zooms); each bar is a tiny SVG whose ``width`` attribute says
  how long it is, because the Content-Security-Policy rules out style attributes.

Both return plain dicts for the templates in ``stats/partials/``; nothing here queries.
"""

from __future__ import annotations

import math
from typing import Any

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 30
MAX_LABELS = 4  # period labels under a column chart (every k-th period is named; phones are narrow)


def nice_step(largest: int, ticks: int = 4) -> int:
    """The smallest round step (1, 2, 5 × 10^k; 25 too) with at most ``ticks`` steps up to ``largest``."""
    if largest <= ticks:
        return 1
    power = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * power
            if step == int(step) and math.ceil(largest / step) <= ticks:
                return int(step)
        power *= 10


def short_number(value: int) -> str:
    """Axis labels: 950, 9,500, 95k, 1.2M (the exact figures are in the table under the chart)."""
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return f"{text}M"
    if value >= 10_000:
        return f"{round(value / 1000):,}k"
    return f"{value:,}"


def columns(points: list[dict]) -> dict[str, Any]:
    """Geometry of a column chart: one column per point, y axis from zero with round ticks."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    largest = max((p["n"] or 0 for p in points), default=0)
    step = nice_step(largest)
    top_value = max(step * math.ceil(largest / step), step)
    slot = plot_w / max(len(points), 1)
    width = max(1.0, slot * 0.72)
    every = max(1, math.ceil(len(points) / MAX_LABELS))
    baseline = TOP + plot_h
    cols = []
    for i, p in enumerate(points):
        n = p["n"]
        height = 0.0 if not n else max(1.0, plot_h * n / top_value)
        suppressed = n is None
        if suppressed:
            height = 3.0  # a stub: something is there, fewer than five (the table says "<5")
        x = LEFT + i * slot + (slot - width) / 2
        cols.append({
            "x": round(x, 1), "y": round(baseline - height, 1), "w": round(width, 1), "h": round(height, 1),
            "cx": round(LEFT + i * slot + slot / 2, 1), "label": p["label"], "display": p["display"],
            "suppressed": suppressed, "named": i % every == 0,
        })
    ticks = [{"y": round(baseline - plot_h * v / top_value, 1), "label": short_number(v)}
             for v in range(0, top_value + 1, step)]
    best = max(points, key=lambda p: p["n"] or 0, default=None)
    return {
        "viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": WIDTH, "height": HEIGHT, "left": LEFT,
        "right": WIDTH - RIGHT, "baseline": baseline, "label_y": HEIGHT - 10, "columns": cols, "ticks": ticks,
        "empty": not largest and not any(c["suppressed"] for c in cols),
        "highest": best if best and best["n"] else None,
    }


def bars(rows: list[dict]) -> dict[str, Any]:
    """Rows with the length of their bar in percent of the largest (a suppressed row gets none)."""
    largest = max((r["n"] or 0 for r in rows), default=0)
    out = []
    for r in rows:
        n = r["n"]
        pct = 0.0 if not n or not largest else max(0.5, round(100 * n / largest, 1))
        out.append({**r, "pct": pct})
    return {"rows": out, "empty": not rows}
