"""The chart geometry (stats/charts.py): round axis steps, columns proportional to their value,
a suppressed cell drawn as a stub, bars as a share of the largest."""

import pytest

from safetynet.stats import charts


@pytest.mark.parametrize(("largest", "step"), [(0, 1), (3, 1), (4, 1), (7, 2), (17, 5), (40, 10), (95, 25),
                                               (4_000, 1_000), (6_573, 2_000), (13_490, 5_000)])
def test_axis_steps_are_round_and_few(largest, step):
    assert charts.nice_step(largest) == step
    assert largest / step <= 4


def test_columns_are_proportional_and_start_at_zero():
    g = charts.columns([{"label": "2006", "n": 2500, "display": "2,500"},
                        {"label": "2007", "n": 5000, "display": "5,000"},
                        {"label": "2008", "n": 0, "display": "0"}])
    a, b, c = g["columns"]
    assert b["h"] == pytest.approx(2 * a["h"], abs=0.2)
    assert c["h"] == 0 and c["y"] == g["baseline"]
    assert a["y"] + a["h"] == pytest.approx(g["baseline"])
    assert [t["label"] for t in g["ticks"]] == ["0", "2,000", "4,000", "6,000"]
    assert g["highest"]["label"] == "2007" and not g["empty"]
    assert a["x"] < b["x"] < c["x"]


def test_a_suppressed_column_is_a_stub_not_a_number():
    g = charts.columns([{"label": "Jan", "n": None, "display": "<5"}, {"label": "Feb", "n": 12, "display": "12"}])
    stub = g["columns"][0]
    assert stub["suppressed"] and stub["h"] == 3.0 and stub["display"] == "<5"


def test_long_series_name_every_kth_period():
    points = [{"label": f"Q{i}", "n": i, "display": str(i)} for i in range(24)]
    named = [c["label"] for c in charts.columns(points)["columns"] if c["named"]]
    assert len(named) <= charts.MAX_LABELS and named[0] == "Q0"


def test_an_empty_series_says_so():
    assert charts.columns([])["empty"]
    assert charts.columns([{"label": "Jan", "n": 0, "display": "0"}])["empty"]


def test_bars_are_a_share_of_the_largest():
    rows = charts.bars([{"label": "Police", "n": 11936, "display": "11,936"},
                        {"label": "Prosecutors", "n": 1554, "display": "1,554"},
                        {"label": "Judiciary", "n": None, "display": "<5"}])["rows"]
    assert [r["pct"] for r in rows] == [100.0, 13.0, 0.0]


@pytest.mark.parametrize(("value", "text"), [(950, "950"), (9_500, "9,500"), (65_000, "65k"), (1_250_000, "1.2M"),
                                             (2_000_000, "2M")])
def test_axis_labels_stay_short(value, text):
    assert charts.short_number(value) == text
