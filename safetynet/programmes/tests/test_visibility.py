"""Who sees which programme records, and whose records their figures count."""

import datetime

import pytest

from safetynet.programmes import services
from safetynet.programmes.indicators import programme_figures
from safetynet.programmes.models import CounsellingSession, VigilanceCommittee

pytestmark = pytest.mark.django_db
DAY = datetime.date(2009, 3, 14)


@pytest.fixture
def two_ngos(users, jurisdictions):
    for persona, place, n in (("ngo_kish", "IN-BR-KISH", 3), ("ngo_n24p", "IN-WB-N24P", 2)):
        for i in range(n):
            services.record_committee(actor=users[persona], jurisdiction=jurisdictions[place], village=f"ward {i}",
                                      formed_on=DAY, members_female=5, members_male=4)
        services.record_counselling(actor=users[persona], held_on=DAY, survivors=7 * n,
                                    jurisdiction=jurisdictions[place])


def test_an_ngo_sees_and_counts_only_its_own_records(users, two_ngos):
    assert VigilanceCommittee.objects.visible_to(users["ngo_n24p"]).count() == 2
    figures = programme_figures(user=users["ngo_n24p"])
    assert (figures["committees"], figures["counselled"]) == (2, 14)
    figures = programme_figures(user=users["ngo_kish"])
    assert (figures["committees"], figures["counselled"]) == (3, 21)


def test_the_me_officer_counts_every_agencys_records(users, two_ngos):
    figures = programme_figures(user=users["me_officer"])
    assert (figures["committees"], figures["counselled"]) == (5, 35)
    # ...but lists none of them: stats.view is for counts, programme.record for one's own agency's records.
    assert not VigilanceCommittee.objects.visible_to(users["me_officer"]).exists()


@pytest.mark.parametrize("persona", ["reporter", "outsider", "police_bongaon"])
def test_no_figures_for_people_without_a_programme_or_stats_role(users, two_ngos, persona):
    assert not CounsellingSession.objects.visible_to(users[persona]).exists()
    assert set(programme_figures(user=users[persona]).values()) == {0}
