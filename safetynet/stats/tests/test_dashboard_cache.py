"""Built dashboard figures are kept for a few minutes (they take seconds at national scale), per
filter set and language, and the page says when they were counted."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import translation

from safetynet.programmes import services as programmes
from safetynet.stats.dashboard import build
from safetynet.stats.filters import parse

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 20)


def _committees(user, **query) -> str:
    _form, filters = parse(query)
    dash = build(user, filters)
    figures = {row["key"]: row["display"] for table in dash.tables() for row in table.rows if "key" in row}
    return figures.get("committees", "")


def _committee(users, jurisdictions, village):
    programmes.record_committee(actor=users["ngo_kish"], jurisdiction=jurisdictions["IN-BR-KISH"], village=village,
                                formed_on=DAY, members_female=6, members_male=5)


@pytest.fixture
def cached(settings):
    settings.SAFETYNET_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_figures_are_kept_until_counted_again(cached, users, jurisdictions):
    for i in range(6):
        _committee(users, jurisdictions, f"Belwa ward {i}")
    first = _committees(users["me_officer"])
    _committee(users, jurisdictions, "Belwa ward 7")
    # Within the cache time another stats user gets the same, already counted figures...
    assert _committees(users["researcher"]) == first
    # ...and once they are counted again, the new committee is in them.
    cache.clear()
    assert _committees(users["me_officer"]) != first


def test_each_filter_set_and_language_is_counted_on_its_own(cached, users, jurisdictions):
    for i in range(6):
        _committee(users, jurisdictions, f"Belwa ward {i}")
    everywhere = _committees(users["me_officer"])
    in_bengal = _committees(users["me_officer"], state="IN-WB")
    assert everywhere != in_bengal  # Kishanganj's committees are in Bihar
    _form, filters = parse({})
    english = build(users["me_officer"], filters)
    with translation.override("hi"):
        hindi = build(users["me_officer"], filters)
    assert english.sections[0].title != hindi.sections[0].title


def test_the_page_says_when_the_figures_were_counted(cached, client_for):
    response = client_for("me_officer").get("/stats/")
    assert response.status_code == 200
    assert "Counted at" in response.content.decode()
