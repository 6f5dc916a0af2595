"""The indicator dashboard: filters change the figures, every figure says what it counts, the
exports hold the page's numbers (suppression included) and each export is audited."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest

from safetynet.audit.models import AuditEvent
from safetynet.cases import services as cases
from safetynet.programmes import services as programmes
from safetynet.stats.dashboard import build
from safetynet.stats.filters import parse

pytestmark = pytest.mark.django_db

SPRING_2024 = datetime.date(2024, 3, 10)
SUMMER_2025 = datetime.date(2025, 6, 20)


def _open(users, jurisdictions, persona, place, n, day, kind="forced_labour", victims=0):
    for i in range(n):
        case = cases.open_case(actor=users[persona], title=f"case {i}", kind=kind, jurisdiction=jurisdictions[place],
                               opened_on=day)
        for _v in range(victims):
            cases.add_party(actor=users[persona], case=case, role="victim", sex="female", age_band="12-17")


@pytest.fixture
def records(users, jurisdictions):
    """Ten North 24 Parganas cases in spring 2024 (six forced labour, two child labour, two domestic
    servitude), five Kishanganj cases in summer
    2025; Kishanganj committees and street theatre in both years; a training programme in Bihar."""
    _open(users, jurisdictions, "ahtu_n24p", "IN-WB-N24P", 6, SPRING_2024, victims=1)
    _open(users, jurisdictions, "ahtu_n24p", "IN-WB-N24P-BONG", 2, SPRING_2024, kind="child_labour")
    _open(users, jurisdictions, "ahtu_n24p", "IN-WB-N24P", 2, SPRING_2024, kind="domestic_servitude")
    _open(users, jurisdictions, "ahtu_kish", "IN-BR-KISH", 5, SUMMER_2025, kind="sexual_exploitation", victims=1)
    ngo, kish = users["ngo_kish"], jurisdictions["IN-BR-KISH"]
    for i, day in enumerate([SPRING_2024] * 3 + [SUMMER_2025] * 2):
        programmes.record_committee(actor=ngo, jurisdiction=kish, village=f"Belwa ward {i}", formed_on=day,
                                    members_female=6, members_male=5)
    for day, reached in ((SPRING_2024, 1000), (SUMMER_2025, 2500)):
        programmes.record_awareness_event(actor=ngo, kind="street_theatre", held_on=day, place="Belwa haat",
                                          jurisdiction=kish, reached_female=reached // 2, reached_male=reached // 2,
                                          reached_children=reached // 2, reached_adults=reached // 2)
    programmes.record_outcome(actor=ngo, kind="fake_marriage", prevented_on=SUMMER_2025, persons=12, jurisdiction=kish)
    programmes.record_training(actor=users["me_officer"], title="Investigating trafficking crimes",
                               jurisdiction=jurisdictions["IN-BR"], starts_on=SPRING_2024, ends_on=SPRING_2024,
                               venue="Rajgir", language="Hindi", participants={"police": 30, "prosecutors": 10})


def _dash(user, **query):
    _form, filters = parse(query)
    assert not filters.errors, filters.errors
    return build(user, filters)


def _figures(dash) -> dict[str, str]:
    return {f.key: f.value["display"] for s in dash.sections for f in s.figures}


def _rows(dash, key) -> dict[str, str]:
    table = dash.table(key)
    assert table is not None, key
    return {r["label"]: r["display"] for r in table.rows}


def test_without_filters_everything_is_counted(records, users):
    dash = _dash(users["me_officer"])
    figures = _figures(dash)
    assert figures["cases"] == "15"
    assert figures["victims"] == "≈ 10"  # 6 + 5 = 11 victims, rounded to 5
    assert figures["committees"] == "5"
    assert figures["reached"] == "3,500"
    assert figures["trained"] == "40"
    assert _rows(dash, "cases_by_state") == {"West Bengal": "10", "Bihar": "5"}
    assert _rows(dash, "cases_by_kind")["Child labour"] == "<5"  # two cases: a small cell


def test_a_state_or_district_narrows_every_figure(records, users):
    bihar = _figures(_dash(users["me_officer"], state="IN-BR"))
    assert bihar["cases"] == "5" and bihar["committees"] == "5" and bihar["trained"] == "40"
    wb = _figures(_dash(users["me_officer"], state="IN-WB"))
    assert wb["cases"] == "10" and wb["committees"] == "0" and wb["reached"] == "0" and wb["trained"] == "0"
    n24p = _dash(users["me_officer"], district="IN-WB-N24P")  # the state follows from the district
    assert n24p.filters.state.code == "IN-WB"
    assert _figures(n24p)["cases"] == "10"  # a station's cases count in its district
    assert _rows(n24p, "cases_by_district")["North 24 Parganas"] == "10"


def test_the_period_narrows_flows_and_stocks_count_at_its_end(records, users):
    y2024 = _dash(users["me_officer"], preset="custom", start="2024-01-01", end="2024-12-31")
    figures = _figures(y2024)
    assert figures["cases"] == "10"
    assert figures["committees"] == "3"  # formed by the end of 2024
    assert figures["reached"] == "1,000"
    assert figures["fake_marriages"] == "0"
    assert figures["trained"] == "40"
    y2025 = _figures(_dash(users["me_officer"], start="2025-01-01", end="2025-12-31"))
    assert y2025["cases"] == "5" and y2025["committees"] == "5" and y2025["reached"] == "2,500"
    assert y2025["fake_marriages"] == "12" and y2025["trained"] == "0"


def test_the_partner_narrows_to_one_agency(records, users):
    figures = _figures(_dash(users["me_officer"], partner="AHTU-KISH"))
    assert figures["cases"] == "5"
    assert figures["committees"] == "0"  # the NGO's committees are not the AHTU's
    assert figures["ahtus"] == "1"
    assert _figures(_dash(users["me_officer"], partner="NGO-KISH"))["committees"] == "5"


def test_the_programme_area_shows_only_its_section(records, users):
    dash = _dash(users["me_officer"], area="prevention")
    assert [s.key for s in dash.sections] == ["prevention"]


def test_a_filter_that_cannot_apply_says_so(records, client_for):
    page = client_for("me_officer").get("/stats/", {"district": "IN-BR-KISH"}).content.decode()
    assert "Training programmes are recorded per state, so the district filter does not apply" in page
    assert "the start of the period does not apply to them" in page
    assert "Counted today: the period does not apply." in page


def test_every_figure_has_its_definition_one_click_away(records, client_for):
    page = client_for("researcher").get("/stats/").content.decode()
    keys = re.findall(r'id="fig-([a-z_]+)"', page)
    assert {"cases", "victims", "care_total", "chargesheeted", "committees", "trained"} <= set(keys)
    for key in keys:
        assert f'<details class="dash-def" id="def-{key}"><summary>What this counts</summary>' in page, key
    for table in ("cases_per_period", "cases_by_status", "reached_per_period", "trained_by_category"):
        assert f'id="def-{table}"' in page


def test_the_page_shows_the_filters_and_charts(records, client_for):
    response = client_for("me_officer").get("/stats/", {"state": "IN-BR", "preset": "custom", "start": "2025-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "from 1 Jan 2025" in page and "Bihar" in page
    assert 'class="dash-chart"' in page  # the cases-per-month columns
    assert 'class="district-map"' in page  # the district choropleth
    # Export links carry the filters.
    assert "/stats/report.pdf?preset=custom&amp;start=2025-01-01&amp;state=IN-BR" in page
    assert "<script>" not in page.split("</head>")[1] and ' style="' not in page.split('<main')[1]


def test_wrong_filters_are_refused_with_a_reason_and_filter_nothing(records, client_for):
    client = client_for("me_officer")
    response = client.get("/stats/", {"start": "2025-01-01", "end": "2024-01-01"})
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()
    response = client.get("/stats/", {"state": "IN-WB", "district": "IN-BR-KISH"})
    assert "Kishanganj is not in West Bengal" in response.content.decode()
    assert client.get("/stats/report.pdf", {"start": "2025-01-01", "end": "2024-01-01"}).status_code == 400
    assert not AuditEvent.objects.filter(action="stats.export").exists()


def test_the_cases_per_month_keep_empty_months_and_hide_small_ones(records, users):
    dash = _dash(users["me_officer"], state="IN-WB", start="2024-01-01", end="2024-06-30")
    rows = dash.table("cases_per_period").rows
    assert [r["label"] for r in rows] == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024", "May 2024", "Jun 2024"]
    assert [r["display"] for r in rows] == ["0", "0", "10", "0", "0", "0"]
    long = _dash(users["me_officer"], start="2020-01-01", end="2025-12-31").table("cases_per_period")
    assert long.title == "Cases opened per quarter" and len(long.rows) == 24


def test_a_small_district_is_hidden_on_the_map(users, jurisdictions):
    _open(users, jurisdictions, "ahtu_n24p", "IN-WB-N24P", 12, SPRING_2024)
    _open(users, jurisdictions, "ahtu_n24p", "IN-WB-N24P-BONG", 1, SPRING_2024)  # a station: counts in N24P
    _open(users, jurisdictions, "ahtu_kish", "IN-BR-KISH", 2, SPRING_2024)
    wb = _dash(users["researcher"], state="IN-WB").table("cases_by_district")
    assert {r["label"]: r["display"] for r in wb.rows}["North 24 Parganas"] == "13"
    assert wb.map["total"] == "≈ 15"
    bihar = _dash(users["researcher"], state="IN-BR").table("cases_by_district")
    kish = next(d for d in bihar.map["districts"] if d["code"] == "IN-BR-KISH")
    assert kish["count"] == "<5" and kish["fill"] == "#9aa5b1"
    assert bihar.map["total"] == "<5"
    assert {r["label"]: r["display"] for r in bihar.rows}["Kishanganj"] == "<5"
    assert any(b["label"] == "<5 or hidden" for b in bihar.map["legend"])
    assert "2 cases" not in str(bihar.map)  # neither the tooltip nor the summary gives the count away


# --------------------------------------------------------------------------- exports


def test_the_csv_and_xlsx_hold_the_page_numbers_and_keep_suppression(records, client_for):
    from openpyxl import load_workbook

    client = client_for("researcher")
    page = client.get("/stats/", {"state": "IN-WB"}).content.decode()
    assert re.search(r'id="fig-cases">10<', page)

    response = client.get("/stats/figures.csv", {"state": "IN-WB", "table": "cases_by_kind"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Form of exploitation", "Cases"]
    assert dict(rows[1:]) == {"Forced labour": "6", "Child labour": "<5", "Domestic servitude": "<5"}

    everything = list(csv.DictReader(io.StringIO(client.get("/stats/figures.csv", {"state": "IN-WB"})
                                                 .content.decode("utf-8-sig"))))
    by = {(r["table"], r["row"]): r["value"] for r in everything}
    assert by[("cases_figures", "Cases opened")] == "10"
    assert by[("cases_by_kind", "Child labour")] == "<5"

    response = client.get("/stats/figures.xlsx", {"state": "IN-WB"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "About"
    assert {"cases_by_kind", "trained_by_category", "cases_by_district"} <= set(book.sheetnames)
    assert any("State" == r[0] and r[1] == "West Bengal" for r in book["About"].iter_rows(values_only=True))
    sheet = {r[0]: r[1] for r in book["cases_by_kind"].iter_rows(values_only=True) if r and r[0]}
    assert sheet["Forced labour"] == 6 and sheet["Child labour"] == "<5"  # a number, and a hidden cell kept hidden
    figures = {r[0]: r[1] for r in book["cases_figures"].iter_rows(values_only=True) if r and r[0]}
    assert figures["Cases opened"] == 10

    events = AuditEvent.objects.filter(action="stats.export").order_by("seq")
    assert [(e.object_id, e.changes["filters"], e.changes.get("table")) for e in events] == [
        ("csv", {"state": "IN-WB"}, "cases_by_kind"), ("csv", {"state": "IN-WB"}, None),
        ("xlsx", {"state": "IN-WB"}, None)]
    assert all(e.actor.username == "researcher" for e in events)


def test_the_pdf_report_states_the_filters_and_the_figures(records, client_for):
    from pypdf import PdfReader

    client = client_for("me_officer")
    response = client.get("/stats/report.pdf", {"district": "IN-BR-KISH", "preset": "custom", "start": "2025-01-01",
                                                "end": "2025-12-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "SafetyNet indicator report" in text
    assert "1 Jan 2025 to 31 Dec 2025" in text and "Kishanganj" in text and "Bihar" in text
    assert "Cases opened 5" in text
    assert "Village vigilance committees 5" in text
    assert "People reached by awareness events 2,500" in text
    assert "Fake marriages prevented 12" in text
    assert "Committees formed (by the end of the period" in text  # each figure with its definition
    assert "Source: SafetyNet records" in text
    event = AuditEvent.objects.get(action="stats.export")
    assert event.object_id == "pdf" and event.changes["filters"]["district"] == "IN-BR-KISH"


def test_an_unknown_table_is_not_found(records, client_for):
    assert client_for("me_officer").get("/stats/figures.csv", {"table": "nope"}).status_code == 404


def test_the_period_presets(records, users):
    from safetynet.stats.filters import preset_dates

    today = datetime.date(2026, 11, 30)
    assert preset_dates("this_year", today) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert preset_dates("last_year", today) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert preset_dates("last_12_months", today) == (datetime.date(2025, 12, 1), today)
    dash = _dash(users["me_officer"], preset="last_year", start="2024-01-01")  # a typed date wins over the preset
    assert dash.filters.preset == "custom" and dash.filters.start == datetime.date(2024, 1, 1)
    assert _figures(dash)["cases"] == "15"
