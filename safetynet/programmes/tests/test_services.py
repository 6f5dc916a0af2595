"""Bad input gets a clear message and saves nothing; good input saves and is audited; only the
roles that record programme data can."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.audit.models import AuditEvent
from safetynet.programmes import services
from safetynet.programmes.models import (
    AwarenessEvent,
    PreventionOutcome,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2009, 3, 14)


def _event(users, jurisdictions, **overrides):
    fields = {"kind": "street_theatre", "held_on": DAY, "place": "Belwa haat",
              "jurisdiction": jurisdictions["IN-BR-KISH"],
              "reached_female": 120, "reached_male": 100, "reached_children": 70, "reached_adults": 150}
    return services.record_awareness_event(actor=users["ngo_kish"], **{**fields, **overrides})


def _training(users, jurisdictions, **overrides):
    fields = {"title": "Investigating trafficking crimes", "jurisdiction": jurisdictions["IN-BR"],
              "starts_on": DAY, "ends_on": DAY + datetime.timedelta(days=2), "venue": "Bihar Police Academy",
              "language": "Hindi", "participants": {"police": 30, "prosecutors": 4}}
    return services.record_training(actor=users["me_officer"], **{**fields, **overrides})


def _messages(excinfo) -> dict:
    return {k: [str(m) for m in v] for k, v in excinfo.value.message_dict.items()}


def test_an_event_is_saved_with_its_reach_and_audited(users, jurisdictions):
    event = _event(users, jurisdictions)
    assert event.reached == 220
    audit = AuditEvent.objects.get(action="programme.awareness_event", object_id=str(event.public_id))
    assert audit.actor == users["ngo_kish"] and audit.changes["reached"] == 220
    assert audit.agency.short_code == "NGO-KISH"


@pytest.mark.parametrize("overrides, field, message", [
    ({"reached_female": -5}, "reached_female", "Enter a count of zero or more."),
    ({"reached_children": 10}, "reached_children",
     "Women and men reached (220) and children and adults reached (160) must add up to the same number of people."),
    ({"reached_female": 0, "reached_male": 0, "reached_children": 0, "reached_adults": 0}, "reached_female",
     "An event reached at least one person."),
    ({"kind": "rally"}, "kind", "Choose the kind of event."),
    ({"place": "  "}, "place", "Write where the event was held."),
    ({"village_population": 180}, "reached_female",
     "More people reached (220) than live in the place (180): check the counts or the population."),
    ({"village_population": 0}, "village_population", "Enter at least 1."),
])
def test_a_bad_reach_is_refused_and_nothing_saved(users, jurisdictions, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _event(users, jurisdictions, **overrides)
    assert message in _messages(excinfo)[field]
    assert not AwarenessEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="programme.awareness_event").exists()


def test_a_reach_within_the_village_population_is_kept(users, jurisdictions):
    event = _event(users, jurisdictions, village_population=220)
    assert event.village_population == 220 and event.reached == 220


def test_an_event_in_the_future_is_refused(users, jurisdictions):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        _event(users, jurisdictions, held_on=tomorrow)
    assert _messages(excinfo)["held_on"] == ["This date is in the future."]
    with pytest.raises(ValidationError):
        services.record_counselling(actor=users["ngo_kish"], held_on=tomorrow, survivors=3,
                                    jurisdiction=jurisdictions["IN-BR-KISH"])
    assert not AwarenessEvent.objects.exists()


def test_a_training_that_ends_before_it_starts_is_refused(users, jurisdictions):
    with pytest.raises(ValidationError) as excinfo:
        _training(users, jurisdictions, ends_on=DAY - datetime.timedelta(days=1))
    assert _messages(excinfo)["ends_on"] == ["The programme cannot end before it starts."]
    assert not TrainingProgramme.objects.exists() and not TrainingParticipation.objects.exists()


def test_training_needs_a_state_and_known_categories(users, jurisdictions):
    with pytest.raises(ValidationError) as excinfo:
        _training(users, jurisdictions, jurisdiction=jurisdictions["IN-BR-KISH"], participants={"chefs": 3})
    messages = _messages(excinfo)
    assert messages["jurisdiction"] == ["Choose a state."]
    assert messages["participants"] == ["Not a participant category: chefs"]
    assert not TrainingProgramme.objects.exists()


def test_a_training_saves_one_count_per_category(users, jurisdictions):
    programme = _training(users, jurisdictions)
    counts = dict(programme.participation.values_list("category", "attended"))
    assert counts == {"police": 30, "prosecutors": 4}
    audit = AuditEvent.objects.get(action="programme.training", object_id=str(programme.public_id))
    assert audit.changes["participants"] == {"police": 30, "prosecutors": 4}


def test_an_outcome_protects_at_least_one_person(users, jurisdictions):
    with pytest.raises(ValidationError) as excinfo:
        services.record_outcome(actor=users["ngo_kish"], kind="child_marriage", prevented_on=DAY, persons=0,
                                jurisdiction=jurisdictions["IN-BR-KISH"])
    assert _messages(excinfo)["persons"] == ["Enter at least 1."]
    assert not PreventionOutcome.objects.exists()


def test_an_outcome_cannot_name_another_agencys_committee(users, jurisdictions):
    theirs = services.record_committee(actor=users["ngo_n24p"], jurisdiction=jurisdictions["IN-WB-N24P"],
                                       village="Bongaon ward 3", formed_on=DAY, members_female=5, members_male=4)
    with pytest.raises(PermissionDenied):
        services.record_outcome(actor=users["ngo_kish"], kind="child_marriage", prevented_on=DAY, persons=1,
                                jurisdiction=jurisdictions["IN-BR-KISH"], committee=theirs)
    assert not PreventionOutcome.objects.exists()


def test_an_outcome_cannot_link_a_case_its_recorder_cannot_see(users, jurisdictions, n24p_case):
    # Not on the case team: accepting the link would confirm that the case exists.
    with pytest.raises(PermissionDenied):
        services.record_outcome(actor=users["ngo_kish"], kind="unsafe_migration", prevented_on=DAY, persons=2,
                                jurisdiction=jurisdictions["IN-BR-KISH"], case=n24p_case)
    assert not PreventionOutcome.objects.exists()


@pytest.mark.parametrize("persona", ["reporter", "researcher", "ahtu_kish", "outsider"])
def test_only_programme_roles_record(users, jurisdictions, persona):
    with pytest.raises(PermissionDenied):
        services.record_committee(actor=users[persona], jurisdiction=jurisdictions["IN-BR-KISH"], village="Belwa",
                                  formed_on=DAY, members_female=5, members_male=4)
    assert not VigilanceCommittee.objects.exists()
