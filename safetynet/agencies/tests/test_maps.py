"""District choropleth: the committed shapes cover our place tree, counts land in the right colour
bins, and the partial renders an accessible, script-free and style-attribute-free SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from safetynet.agencies import maps
from safetynet.agencies.models import Jurisdiction

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
PARTIAL = "agencies/partials/_district_map.html"


def districts_of(state: str) -> dict[str, str]:
    return dict(Jurisdiction.objects.filter(parent__code=state, level="district").values_list("code", "name"))


def points(path: str) -> list[tuple[float, float]]:
    """Absolute points of an "M x y l dx dy ... Z" path (the build script writes only these commands)."""
    out: list[tuple[float, float]] = []
    for sub in re.findall(r"M[^Z]*Z", path):
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", sub)]
        x, y = numbers[0], numbers[1]
        out.append((x, y))
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            out.append((x, y))
    return out


def svg_of(html: str) -> ET.Element:
    match = re.search(r'<svg class="district-map-svg".*?</svg>', html, re.S)
    assert match, "no map SVG in the partial"
    return ET.fromstring(match.group(0))


@pytest.mark.parametrize(("state", "expected"), [("IN-WB", 23), ("IN-BR", 38)])
def test_every_district_of_west_bengal_and_bihar_has_a_shape(world, state, expected):
    ours = districts_of(state)
    assert len(ours) == expected
    shapes = maps.shapes()[state]["districts"]
    assert set(ours) <= set(shapes), sorted(set(ours) - set(shapes))
    assert all(re.fullmatch(r"M[-\d. lZM]+Z", shapes[code]) for code in ours)


def test_india_and_nepal_districts_have_shapes_and_bangladesh_has_none(world):
    shapes = maps.shapes()
    for district in Jurisdiction.objects.filter(level="district"):
        state = district.parent.code
        if district.code.startswith("BD-"):
            assert state not in shapes
        else:
            assert district.code in shapes[state]["districts"], district.code
    assert "DataMeet" in shapes["_source"] and "Saugat Acharya" in shapes["_source"]
    assert maps.SHAPES.stat().st_size < 600_000
    assert maps.shapes() is maps.shapes()  # read once


def test_north_24_parganas_path_is_a_real_outline_inside_the_view_box(world):
    state = maps.shapes()["IN-WB"]
    path = state["districts"]["IN-WB-N24P"]
    outline = points(path)
    assert path.startswith("M") and path.endswith("Z")
    assert len(outline) >= 20
    _, _, width, height = (float(v) for v in state["viewBox"].split())
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    assert 0 <= min(xs) < max(xs) <= width and 0 <= min(ys) < max(ys) <= height
    assert max(xs) - min(xs) > width / 20 and max(ys) - min(ys) > height / 10  # a district, not a speck


def test_bins_are_round_and_end_at_the_largest_count():
    assert maps.bins(0) == []
    assert [(lo, hi) for lo, hi, _ in maps.bins(3)] == [(1, 1), (2, 2), (3, 3)]
    assert [(lo, hi) for lo, hi, _ in maps.bins(100)] == [(1, 20), (21, 40), (41, 60), (61, 80), (81, 100)]
    assert [(lo, hi) for lo, hi, _ in maps.bins(101)][-2:] == [(76, 100), (101, 101)]
    for largest in range(1, 400):
        scale = maps.bins(largest)
        assert 1 <= len(scale) <= 5 and scale[-1][1] == largest and scale[0][0] == 1
        assert [fill for *_, fill in scale] == maps.PALETTES[len(scale)]


def test_counts_map_to_fill_bins(world):
    counts = {"IN-WB-N24P": 44, "IN-WB-KOLK": 1, "IN-WB-NADI": 20, "IN-WB-MURS": 0, "IN-BR-KISH": 99}
    result = maps.district_map("IN-WB", counts, title="Tips by district")
    by_code = {d["code"]: d for d in result["districts"]}
    legend = result["legend"]
    assert [b["label"] for b in legend] == ["0", "1–10", "11–20", "21–30", "31–40", "41–44"]
    darkest = maps.PALETTES[5][-1]
    assert by_code["IN-WB-N24P"]["fill"] == legend[-1]["fill"] == darkest
    assert by_code["IN-WB-N24P"]["bin"] == 5 and by_code["IN-WB-N24P"]["css_class"] == "bin-5"
    assert by_code["IN-WB-KOLK"]["fill"] == legend[1]["fill"] == maps.PALETTES[5][0]
    assert by_code["IN-WB-NADI"]["bin"] == 2
    for code in ("IN-WB-MURS", "IN-WB-DARJ"):  # an explicit zero and a district with no entry
        assert by_code[code]["fill"] == maps.ZERO_FILL == legend[0]["fill"] and by_code[code]["bin"] == 0
    assert result["total"] == 65  # Bihar's count is not West Bengal's
    assert by_code["IN-WB-N24P"]["name"] == "North 24 Parganas"
    assert by_code["IN-WB-N24P"]["label"] == "North 24 Parganas: 44 tips"
    assert len(result["districts"]) == 23 and result["viewBox"].startswith("0 0 ")


def test_small_counts_still_give_the_largest_the_darkest_colour(world):
    result = maps.district_map("IN-BR", {"IN-BR-KISH": 2, "IN-BR-PURN": 1}, title="Tips")
    by_code = {d["code"]: d for d in result["districts"]}
    assert [b["label"] for b in result["legend"]] == ["0", "1", "2"]
    assert by_code["IN-BR-KISH"]["fill"] == maps.PALETTES[2][-1] == result["legend"][-1]["fill"]
    assert by_code["IN-BR-KISH"]["label"] == "Kishanganj: 2 tips"


def test_station_counts_roll_up_to_their_district(world):
    result = maps.district_map("IN-WB", {"IN-WB-N24P-BONG": 2, "IN-WB-N24P-PTRP": 1, "IN-WB-N24P": 1},
                               title="Tips")
    assert {d["code"]: d["count"] for d in result["districts"]}["IN-WB-N24P"] == 4


def test_names_come_from_the_database_with_the_code_as_fallback(world, monkeypatch):
    Jurisdiction.objects.filter(code="IN-WB-N24P").update(name="Uttar 24 Pargana")
    shapes = maps.shapes()
    extra = {**shapes["IN-WB"], "districts": {**shapes["IN-WB"]["districts"], "IN-WB-ZZZZ": "M0 0l1 0 0 1Z"}}
    monkeypatch.setattr(maps, "shapes", lambda: {**shapes, "IN-WB": extra})
    names = {d["code"]: d["name"] for d in maps.district_map("IN-WB", {}, title="Tips")["districts"]}
    assert names["IN-WB-N24P"] == "Uttar 24 Pargana"
    assert names["IN-WB-ZZZZ"] == "IN-WB-ZZZZ"


def test_partial_renders_an_accessible_map_and_table(world):
    counts = {"IN-WB-N24P": 44, "IN-WB-KOLK": 27, "IN-WB-NADI": 3}
    html = render_to_string(PARTIAL, {"map": maps.district_map("IN-WB", counts, title="Tips by district")})
    assert "<script" not in html.lower() and "style=" not in html.lower()
    for name in districts_of("IN-WB").values():
        assert name in html
    svg = svg_of(html)
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title is not None and title.text == "Tips by district" and svg.get("aria-labelledby") == title.get("id")
    paths = svg.findall(f".//{SVG}path")
    assert len(paths) == 23
    tooltips = {p.findtext(f"{SVG}title") for p in paths}
    assert {"North 24 Parganas: 44 tips", "Nadia: 3 tips", "Bankura: 0 tips"} <= tooltips
    assert svg.find(f".//{SVG}circle") is not None  # Kolkata is too small to see without its dot
    assert svg.find(f".//{SVG}a") is None
    table = html[html.index("<table"):html.index("</table>")]
    assert re.search(r"North 24 Parganas</th><td class=\"num\">44</td>", table)
    assert re.search(r"Kolkata</th><td class=\"num\">27</td>", table)
    assert "Show as a table" in html and "<figure" in html and "41–44" in html  # legend


def test_partial_with_links_is_a_group_of_named_links(world):
    result = maps.district_map("IN-WB", {"IN-WB-N24P": 5}, title="Tips", link=lambda code: f"/tips/?district={code}")
    html = render_to_string(PARTIAL, {"map": result})
    assert "<script" not in html.lower() and "style=" not in html.lower()
    svg = svg_of(html.replace("&amp;", "&#38;"))
    assert svg.get("role") == "group"  # links may not sit inside role="img"
    links = svg.findall(f".//{SVG}a")
    focusable = [a for a in links if a.get("tabindex") != "-1"]
    assert len(focusable) == 23
    assert any(a.get("href") == "/tips/?district=IN-WB-N24P" and a.get("aria-label") == "North 24 Parganas: 5 tips"
               for a in focusable)
    assert all(a.get("aria-hidden") == "true" for a in links if a.get("tabindex") == "-1")
    assert 'href="/tips/?district=IN-WB-N24P">North 24 Parganas</a>' in html  # and in the table


def test_area_without_shapes_shows_the_table_open(world):
    html = render_to_string(PARTIAL, {"map": maps.district_map("BD-KHL", {"BD-KHL-SATK": 3}, title="Tips")})
    assert "district-map-svg" not in html
    assert "<details class=\"district-map-table\" open>" in html
    assert "Satkhira" in html and "<td class=\"num\">3</td>" in html
