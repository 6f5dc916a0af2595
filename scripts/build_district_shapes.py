"""Build safetynet/agencies/data/district_shapes.json from ../shared/data/geo.

Run by a developer when the boundary files or the place tree change; the JSON is committed,
so the app reads no file outside the repository and nothing is downloaded at run time:

    .venv/bin/python scripts/build_district_shapes.py [GEO_DIR]

For every state / division / province in safetynet/agencies/data/jurisdictions.csv it writes
the outline of each of our districts as an SVG path, already projected and simplified:

    {"_source": "...", "IN-WB": {"viewBox": "0 0 W H", "districts": {"IN-WB-N24P": "M..Z", ...},
                                 "markers": {"IN-WB-KOLK": [x, y]}}, ...}

"markers" (only where needed) places a dot on districts too small to see at state scale.

Sources (see ../shared/data/geo/SOURCE.md): India from india-districts-2019-734.topo.json or
india-districts-727.topo.json (whichever matches our districts better; DataMeet / Guneet Narula,
MIT), Nepal from nepal-districts.topo.json (Saugat Acharya, MIT). Bangladesh has no boundary
file, so its districts get no shape (the map partial then shows the table only).

Why a hand-written TopoJSON decoder: the PyPI candidates were checked with `pip download
--no-deps`. `topojson` (mattijn) is an encoder (GeoJSON -> TopoJSON) and needs shapely and numpy;
`topo2geo` needs shapely; `pytopojson` (last release 2022, no licence in its metadata) needs
numpy; `topojson-rs` is a compiled Rust extension. Decoding is ~25 lines (undo the delta
encoding and the quantisation transform, stitch arcs into rings), so a dependency with native
code is not worth it. shapely is not installed, so Douglas–Peucker is written here too.

Simplification is done per *arc*, not per ring: arcs are shared between neighbouring districts
in TopoJSON, and simplifying a shared arc once keeps both neighbours' borders identical (no
slivers or gaps between districts).
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "geo"
PLACES = ROOT / "safetynet" / "agencies" / "data" / "jurisdictions.csv"
OUT = ROOT / "safetynet" / "agencies" / "data" / "district_shapes.json"

# Both India files match all 147 of our districts by census code. On a tie the first wins: the place
# tree's names and codes were taken from it, and it is quantised 2.4 times finer (~15 m against ~35 m).
INDIA_FILES = ["india-districts-2019-734.topo.json", "india-districts-727.topo.json"]
NEPAL_FILE = "nepal-districts.topo.json"

SIZE = 600.0  # the longer side of every state's viewBox, in user units
PAD = 4.0  # room round the outline so strokes are not clipped
TOLERANCE = 2.0  # Douglas–Peucker tolerance in viewBox units: 1/300 of the longer side, ~1 px on screen
MIN_RING_AREA = 25.0  # drop islands / slivers smaller than this (square viewBox units), never a district's largest
MARKER_AREA = 250.0  # a district smaller than this (Kolkata, Mumbai) also gets a dot marker so its colour shows

SOURCE = (
    "District boundaries: India from DataMeet / Guneet Narula, indian-district-boundaries "
    "(topojson/{india}, MIT licence, (c) 2020 Guneet Narula); Nepal from Saugat Acharya, geoJSON-Nepal "
    "(nepal-districts.topojson, 75 pre-2015 districts, MIT licence, (c) 2013-present Saugat Acharya). "
    "Simplified for display, not for measurement. Bangladesh: no boundary file."
)

Point = tuple[float, float]


# --- TopoJSON ---------------------------------------------------------------------------------


def decode_arcs(topo: dict) -> list[list[Point]]:
    """Arcs as absolute lon/lat points: undo the delta encoding, then the quantisation."""
    transform = topo.get("transform")
    arcs: list[list[Point]] = []
    for arc in topo["arcs"]:
        if transform is None:  # not quantised: positions are absolute already
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def polygons(geometry: dict) -> list[list[list[int]]]:
    """A Polygon or MultiPolygon geometry as a list of polygons, each a list of rings of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def stitch(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """Join a ring's arcs; a negative index ~i means arc i reversed. Each arc starts where the last ended."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


# --- geometry ---------------------------------------------------------------------------------


def _distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    return abs(dy * px - dx * py + bx * ay - by * ax) / math.hypot(dx, dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Keep the endpoints and every point farther than tolerance from the simplified line."""
    if len(points) < 3:
        return list(points)
    if points[0] == points[-1]:  # a closed arc (an island): split at the point farthest from the start
        far = max(range(len(points)), key=lambda i: math.hypot(points[i][0] - points[0][0],
                                                               points[i][1] - points[0][1]))
        if far == 0:
            return list(points)
        return douglas_peucker(points[: far + 1], tolerance)[:-1] + douglas_peucker(points[far:], tolerance)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index != -1 and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(points: list[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2


def centroid(points: list[Point]) -> Point:
    """Area centroid of a ring (the mean of its points if it has no area)."""
    pairs = list(zip(points, points[1:] + points[:1], strict=True))
    cross = [x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs]
    area = sum(cross) / 2
    if not area:
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    cx = sum((x0 + x1) * c for ((x0, _), (x1, _)), c in zip(pairs, cross, strict=True)) / (6 * area)
    cy = sum((y0 + y1) * c for ((_, y0), (_, y1)), c in zip(pairs, cross, strict=True)) / (6 * area)
    return cx, cy


def number(value: float) -> str:
    """0.1 precision, no trailing zeros: 12.0 -> "12", -0.5 -> "-.5"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def svg_path(rings: list[list[Point]]) -> str:
    """One "M x y l dx dy dx dy ... Z" subpath per ring.

    Points are rounded to 0.1 first and the relative steps taken between the rounded points, so no
    rounding error accumulates along the ring; relative steps are about a third shorter to write.
    """
    parts = []
    for ring in rings:
        tenths: list[tuple[int, int]] = []
        for x, y in ring:
            point = (round(x * 10), round(y * 10))
            if not tenths or tenths[-1] != point:
                tenths.append(point)
        if len(tenths) > 1 and tenths[0] == tenths[-1]:
            tenths.pop()  # Z closes the ring
        if len(tenths) < 3:
            continue
        text = f"M{number(tenths[0][0] / 10)} {number(tenths[0][1] / 10)}l"
        for (x0, y0), (x1, y1) in zip(tenths, tenths[1:], strict=False):
            dx, dy = number((x1 - x0) / 10), number((y1 - y0) / 10)
            text += ("" if text[-1] == "l" or dx.startswith("-") else " ") + dx
            text += ("" if dy.startswith("-") else " ") + dy
        parts.append(text + "Z")
    return "".join(parts)


# --- our place tree and matching ---------------------------------------------------------------


@dataclass
class Feature:
    name: str
    state: str  # as named in the boundary file ("" for Nepal, whose file has no province)
    code: str  # Census 2011 district code ("" for Nepal)
    polygons: list[list[list[int]]]


@dataclass
class Match:
    by_code: dict[str, Feature] = field(default_factory=dict)  # our district code -> feature
    by_name: dict[str, Feature] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)

    @property
    def found(self) -> dict[str, Feature]:
        return {**self.by_code, **self.by_name}


def normalise(name: str) -> str:
    """'Purba  Bardhaman' / 'PURBA-BARDHAMAN' / 'Purbā Bardhamān district' -> 'purbabardhaman'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b(district|zilla|zila)\b", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def load_features(path: Path) -> tuple[list[Feature], list[list[Point]]]:
    topo = json.loads(path.read_text())
    features = []
    for obj in topo["objects"].values():
        for g in obj["geometries"]:
            props = g.get("properties") or {}
            name = props.get("district") or props.get("name") or str(g.get("id", ""))
            features.append(Feature(name=name, state=props.get("st_nm", ""), code=str(props.get("dt_code", "")),
                                    polygons=polygons(g)))
    return features, decode_arcs(topo)


def match(districts: list[dict], states: dict[str, dict], features: list[Feature]) -> Match:
    """Census code first (within the state: some files repeat codes across states), then normalised name."""
    result = Match()
    for d in districts:
        state_name = states[d["parent_code"]]["name"]
        pool = [f for f in features if not f.state or f.state == state_name] or features
        by_code = [f for f in pool if d["census_code"] and f.code == d["census_code"]]
        by_name = [f for f in pool if normalise(f.name) == normalise(d["name"])]
        if len(by_code) == 1:
            result.by_code[d["code"]] = by_code[0]
        elif len(by_name) == 1:
            result.by_name[d["code"]] = by_name[0]
        else:
            result.unmatched.append(d["code"])
    return result


# --- per-state projection ---------------------------------------------------------------------


def build_state(members: dict[str, Feature], arcs: list[list[Point]]) -> tuple[dict, int]:
    """Equirectangular projection scaled by cos(mid-latitude), fitted to SIZE, simplified per arc."""
    used = {i if i >= 0 else ~i for f in members.values() for poly in f.polygons for ring in poly for i in ring}
    lons = [p[0] for i in used for p in arcs[i]]
    lats = [p[1] for i in used for p in arcs[i]]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    k = math.cos(math.radians((south + north) / 2))
    scale = (SIZE - 2 * PAD) / max((east - west) * k, north - south)
    width, height = (east - west) * k * scale + 2 * PAD, (north - south) * scale + 2 * PAD
    simple = {i: douglas_peucker([((lon - west) * k * scale + PAD, (north - lat) * scale + PAD)
                                  for lon, lat in arcs[i]], TOLERANCE) for i in used}
    projected = [simple.get(i, []) for i in range(len(arcs))]
    paths, markers = {}, {}
    for code, f in sorted(members.items()):
        rings = [stitch(ring, projected) for poly in f.polygons for ring in poly]
        largest = max(rings, key=ring_area)
        kept = [r for r in rings if r is largest or ring_area(r) >= MIN_RING_AREA]
        paths[code] = svg_path(kept)
        if sum(ring_area(r) for r in kept) < MARKER_AREA:
            markers[code] = [round(v, 1) for v in centroid(largest)]
    out: dict[str, object] = {"viewBox": f"0 0 {number(width)} {number(height)}", "districts": paths}
    if markers:
        out["markers"] = markers
    return out, sum(len(p) for p in paths.values())


def main() -> None:
    with PLACES.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    states = {r["code"]: r for r in rows if r["level"] == "state"}
    districts = [r for r in rows if r["level"] == "district"]
    india = [d for d in districts if d["code"].startswith("IN-")]
    nepal = [d for d in districts if d["code"].startswith("NP-")]
    bangladesh = [d for d in districts if d["code"].startswith("BD-")]

    # Pick the India file that matches our districts best (census code and name both counted).
    scored = []
    for name in INDIA_FILES:
        features, arcs = load_features(GEO / name)
        m = match(india, states, features)
        scored.append((len(m.found), len(m.by_code), -INDIA_FILES.index(name), name, m, arcs))
        print(f"{name}: {len(m.by_code)} by census code, {len(m.by_name)} by name, "
              f"{len(m.unmatched)} unmatched of {len(india)}")
    *_, india_file, india_match, india_arcs = max(scored, key=lambda s: s[:3])
    print(f"using {india_file}")
    nepal_features, nepal_arcs = load_features(GEO / NEPAL_FILE)
    nepal_match = match(nepal, states, nepal_features)
    print(f"{NEPAL_FILE}: {len(nepal_match.by_name)} by name, {len(nepal_match.unmatched)} unmatched of {len(nepal)}")

    out: dict[str, object] = {"_source": SOURCE.format(india=india_file.replace(".topo.json", ".json"))}
    total = 0
    for state in sorted(states):
        found, arcs = (india_match.found, india_arcs) if state.startswith("IN-") else (nepal_match.found, nepal_arcs)
        members = {code: f for code, f in found.items() if code.startswith(state + "-")}
        if not members:
            continue
        out[state], size = build_state(members, arcs)
        total += size
        print(f"  {state}: {len(members)} districts, {size / 1024:.1f} KB of path data")
    print(f"path data: {total / 1024:.1f} KB in total")

    unmatched = india_match.unmatched + nepal_match.unmatched
    print("unmatched:", ", ".join(unmatched) or "none")
    print(f"no shapes (no Bangladesh boundary file): {len(bangladesh)} districts, "
          + ", ".join(d["code"] for d in bangladesh))
    text = json.dumps(out, indent=1, ensure_ascii=False)  # one district per line: readable diffs
    text = re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text)  # markers on one line
    OUT.write_text(text + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.1f} KB)")


if __name__ == "__main__":
    main()
