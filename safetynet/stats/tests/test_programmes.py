"""The "Prevention and training" section of /stats/: the M&E officer sees the figures added up
from the records, a handful of people is shown as "<5", and a community reporter gets 404."""

import datetime

import pytest

from safetynet.programmes import services

pytestmark = pytest.mark.django_db
DAY = datetime.date(2009, 3, 14)


@pytest.fixture
def records(users, jurisdictions):
    kish, ngo = jurisdictions["IN-BR-KISH"], users["ngo_kish"]
    for i in range(3):
        services.record_committee(actor=ngo, jurisdiction=kish, village=f"Belwa ward {i}", formed_on=DAY,
                                  members_female=6, members_male=5)
    services.record_outcome(actor=ngo, kind="fake_marriage", prevented_on=DAY, persons=4, jurisdiction=kish)
    services.record_outcome(actor=ngo, kind="fake_marriage", prevented_on=DAY, persons=3, jurisdiction=kish)
    services.record_sent_home(actor=ngo, sent_on=DAY, persons=2, from_place="Delhi", to_place="Belwa",
                              jurisdiction=kish)
    services.record_awareness_event(actor=ngo, kind="street_theatre", held_on=DAY, place="Belwa haat",
                                    jurisdiction=kish, reached_female=1500, reached_male=1234,
                                    reached_children=900, reached_adults=1834)
    services.record_training(actor=users["me_officer"], title="Investigating trafficking crimes",
                             jurisdiction=jurisdictions["IN-BR"], starts_on=DAY, ends_on=DAY, venue="Rajgir",
                             language="Hindi", participants={"police": 31, "prosecutors": 6})


def _figure(page: str, key: str) -> str:
    start = page.index(f'id="fig-{key}">') + len(f'id="fig-{key}">')
    return page[start:page.index("<", start)]


def test_the_me_officer_sees_prevention_and_training(records, client_for):
    response = client_for("me_officer").get("/stats/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="h-prevention">Prevention<' in page and 'id="h-training">Training<' in page
    assert _figure(page, "committees") == "3"  # committees are not people: no small-cell rule
    assert _figure(page, "fake_marriages") == "7"
    assert _figure(page, "reached") == "2,734"
    assert _figure(page, "trained") == "37"
    assert _figure(page, "training_states") == "1"
    assert "Persons protected from a fake marriage, summed over the outcomes recorded." in page
    # Two persons sent home could be recognised in a district: a small cell.
    assert _figure(page, "sent_home") == "&lt;5"
    assert _figure(page, "self_help_groups") == "0"


@pytest.mark.parametrize("persona", ["reporter", "ngo_kish", "outsider"])
def test_people_without_stats_view_get_404(records, client_for, persona):
    assert client_for(persona).get("/stats/").status_code == 404
