"""Reference datasets: CTDC's synthetic file loaded (twice: the same), NCRB's tables, and the
comparison page setting our de-identified figures beside them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from safetynet.research import reference
from safetynet.research.models import CtdcCount
from safetynet.stats.models import ReferenceDataset

from .factories import random_victims

pytestmark = pytest.mark.django_db


def _load(*extra) -> str:
    out = io.StringIO()
    call_command("load_ctdc_reference", *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_ctdc_file_loads_with_all_its_rows_and_loading_again_changes_nothing():
    first = _load()
    assert "ctdc-vp-synthetic: 21195 rows" in first and "Counter-Trafficking Data Collaborative" in first
    distinct = CtdcCount.objects.count()
    assert CtdcCount.objects.aggregate(n=Sum("n"))["n"] == 21_195
    _load()
    assert CtdcCount.objects.aggregate(n=Sum("n"))["n"] == 21_195
    assert CtdcCount.objects.count() == distinct < 21_195
    assert ReferenceDataset.objects.filter(code=reference.CTDC_CODE).count() == 1
    assert "Counter-Trafficking Data Collaborative" in ReferenceDataset.objects.get(code=reference.CTDC_CODE).source


def test_a_file_with_a_wrong_column_loads_nothing(tmp_path):
    bad = tmp_path / "ctdc.csv"
    bad.write_text("yearRegister,sex\n2019,Female\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="missing column"):
        _load("--file", str(bad))
    assert not CtdcCount.objects.exists()


def test_ctdc_asia_figures_are_shares_of_the_known():
    _load()
    figures = reference.ctdc_figures("Asia")
    assert 0 < figures["total"] < 21_195
    for key in ("female", "minors", "sexual", "labour"):
        assert 0 <= figures[key]["pct"] <= 100 and 0 < figures[key]["n"] <= figures["total"]
    assert figures["sexual"]["n"] == figures["labour"]["n"]


def test_ncrb_figures_from_the_2018_tables():
    call_command("load_reference_data", "--ncrb-2018", str(reference.NCRB_2018_DIR), stdout=io.StringIO())
    assert "ncrb-2018-purpose: 36 rows" in _load("--ncrb-2018", str(reference.NCRB_2018_DIR))
    figures = reference.ncrb_figures()
    assert figures["female"]["pct"] > 50 and 0 < figures["minors"]["pct"] < 100
    assert figures["sexual"]["n"] == figures["labour"]["n"] > 0


def test_the_comparison_page_sets_our_figures_beside_ctdc_and_ncrb(users, client_for):
    call_command("load_reference_data", "--ncrb-2018", str(reference.NCRB_2018_DIR), stdout=io.StringIO())
    _load("--ncrb-2018", str(reference.NCRB_2018_DIR))
    random_victims(300, seed=11, skew=0.8)
    page = client_for("researcher").get("/research/compare/").content.decode()
    assert 'id="row-female"' in page and "CTDC, exploited in Asia" in page and "NCRB, India 2018" in page
    assert "Source: Counter-Trafficking Data Collaborative (CTDC)" in page
    assert page.count(" %<br>") >= 9  # four shares each for CTDC and NCRB, at least one of ours


def test_the_comparison_page_says_what_is_not_loaded(users, client_for):
    page = client_for("researcher").get("/research/compare/").content.decode()
    assert "manage.py load_ctdc_reference" in page
