"""Figures add up from the records, fold onto states, and hide small cells from researchers."""

import pytest

from safetynet.cases import services
from safetynet.stats.services import platform_counts

pytestmark = pytest.mark.django_db


def _open(users, jurisdictions, n, place, persona="ahtu_n24p"):
    for i in range(n):
        services.open_case(actor=users[persona], title=f"case {i}", kind="forced_labour",
                           jurisdiction=jurisdictions[place])


def test_cases_fold_onto_their_state(users, jurisdictions):
    _open(users, jurisdictions, 4, "IN-WB-N24P-BONG")
    _open(users, jurisdictions, 3, "IN-WB-N24P")
    _open(users, jurisdictions, 6, "IN-BR-KISH", persona="ahtu_kish")
    stats = platform_counts(users["researcher"])
    by_state = {row["label"]: row for row in stats["by_state"]}
    assert by_state["West Bengal"]["n"] == 7
    assert by_state["Bihar"]["n"] == 6
    assert "North 24 Parganas" not in by_state
    assert stats["total_cases"] == {"n": 15, "display": "≈ 15"}  # 13, rounded for researchers


def test_a_tiny_total_reads_as_fewer_than_five_not_zero(users, jurisdictions):
    _open(users, jurisdictions, 1, "IN-WB-N24P")
    stats = platform_counts(users["researcher"])
    assert stats["total_cases"] == {"n": None, "display": "<5"}  # rounding would say "≈ 0": none at all
    assert stats["total_victims"]["display"] in {"0", "<5"}


def test_small_counts_are_suppressed_for_researchers(users, jurisdictions, client_for):
    _open(users, jurisdictions, 2, "IN-WB-N24P")
    stats = platform_counts(users["researcher"])
    kinds = {row["kind"]: row for row in stats["by_kind"]}
    assert kinds["forced_labour"]["display"] == "<5" and kinds["forced_labour"]["n"] is None
    page = client_for("researcher").get("/stats/").content.decode()
    assert "&lt;5" in page


def test_figures_need_the_stats_capability(users):
    with pytest.raises(PermissionError):
        platform_counts(users["ngo_kish"])
