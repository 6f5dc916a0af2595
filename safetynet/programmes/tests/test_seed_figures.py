"""The seed's figures, back from the records: a programme officer enters Kishanganj's
records (and the law-enforcement training) through the services, and the dashboard's
indicator function returns exactly what the seed report says."""

import pytest

from safetynet.audit.models import AuditEvent
from safetynet.programmes import demo
from safetynet.programmes.indicators import programme_figures
from safetynet.programmes.models import AwarenessEvent, PreventionOutcome, TrainingProgramme

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(users):
    kish = demo.kishanganj_specs()
    training = demo.training_specs()
    demo.enter(kish, users["ngo_kish"])
    demo.enter(training, users["me_officer"])
    # Another district's programme, which the Kishanganj figures must not count.
    demo.enter([demo.Spec("committee", {"jurisdiction": "IN-WB-N24P", "village": "Bongaon ward 3",
                                        "formed_on": demo.datetime.date(2008, 5, 1), "members_female": 6,
                                        "members_male": 4, "active": True}),
                demo.Spec("outcome", {"jurisdiction": "IN-WB-N24P", "kind": "child_marriage", "persons": 2,
                                      "prevented_on": demo.datetime.date(2009, 2, 1), "committee": None})],
               users["ngo_n24p"])
    return kish, training


def test_kishanganj_adds_up_to_the_seed_figures(entered, jurisdictions):
    figures = programme_figures(jurisdiction=jurisdictions["IN-BR-KISH"])
    assert {k: figures[k] for k in ("committees", "self_help_groups", "fake_marriages", "child_marriages",
                                    "child_labour", "counselled", "sent_home", "reached")} == {
        "committees": 102, "self_help_groups": 55, "fake_marriages": 233, "child_marriages": 108,
        "child_labour": 222, "counselled": 209, "sent_home": 15, "reached": 65_000}


def test_the_figures_come_from_many_records_not_one_per_figure(entered):
    kish, _training = entered
    assert len(kish) > 600
    assert PreventionOutcome.objects.filter(kind="fake_marriage").count() > 80
    assert AwarenessEvent.objects.filter(owning_agency__short_code="NGO-KISH").count() > 150
    assert AwarenessEvent.objects.dates("held_on", "month").count() > 30


def test_law_enforcement_training_adds_up(entered):
    figures = programme_figures()
    assert (figures["trained"], figures["training_programmes"], figures["training_states"],
            figures["training_centres"]) == (13_490, 390, 5, 8)


def test_the_whole_country_counts_the_other_district_too(entered, jurisdictions):
    assert programme_figures()["committees"] == 103
    assert programme_figures(jurisdiction=jurisdictions["IN"])["child_marriages"] == 110
    assert programme_figures(jurisdiction=jurisdictions["IN-WB"])["committees"] == 1


def test_a_period_counts_only_what_happened_in_it(entered, jurisdictions):
    d = demo.datetime.date
    in_2007 = programme_figures(start=d(2007, 1, 1), end=d(2007, 12, 31))
    expected = sum(1 for p in TrainingProgramme.objects.all() if p.starts_on.year == 2007)
    assert in_2007["training_programmes"] == expected and 0 < expected < 390
    assert in_2007["fake_marriages"] == 0  # outcomes start in 2008
    # Committees are a stock: those formed by the end of the period and still active.
    assert programme_figures(end=d(2007, 6, 30), jurisdiction=jurisdictions["IN-BR-KISH"])["committees"] < 102


def test_each_record_left_an_audit_event(entered):
    kish, training = entered
    events = AuditEvent.objects.filter(action__startswith="programme.")
    assert events.count() == len(kish) + len(training) + 2
    assert events.filter(action="programme.training").count() == 390
