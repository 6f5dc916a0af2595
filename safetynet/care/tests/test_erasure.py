"""The survivor's right to erasure: refused while a court case she is part of is still open
(the court must be able to summon her), done with a tombstone once every accused who was
charge-sheeted has a verdict."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.access.lookups import get_identity_for
from safetynet.agencies.models import Agency
from safetynet.care import services
from safetynet.care.models import HomeStudy
from safetynet.cases.models import CaseParty
from safetynet.cases.services import add_team_member
from safetynet.people.models import IdentityTombstone, Person, PersonIdentity
from safetynet.prosecution import services as legal

from .helpers import days_ago

pytestmark = pytest.mark.django_db

COURT_CASE = "ST 41/2026"


@pytest.fixture
def victim_survivor(users, ngo, bongaon, n24p_case):
    """The victim of the Petrapole case, in NGO-N24P's care (the NGO is on the case team), with
    a home study on file."""
    add_team_member(actor=users["head_n24p"], case=n24p_case, user=ngo)
    survivor = services.register_survivor(actor=ngo, came_via="rescue", jurisdiction=bongaon, language="bn",
                                          profile=services.Profile(), person=n24p_case.victim)
    services.record_home_study(actor=ngo, survivor=survivor, conducted_on=days_ago(3), place=bongaon,
                               address="Satkhira, near the bus stand", household=[{"name": "Karim Mia",
                                                                                   "relation": "father"}],
                               risks="", family_involved="no", village_involved="no", recommendation="more_assessment")
    return survivor


def on_trial(officer, case):
    """FIR, the suspect as accused A1, arrested and charge-sheeted, and the court case opened."""
    legal.record_fir(actor=officer, case=case, police_station=Agency.objects.get(short_code="PS-BONG"),
                     number="201/2026", registered_on=days_ago(90), section_codes=["BNS-143"])
    suspect = CaseParty.objects.get(case=case, role="suspect")
    accused = legal.add_accused(actor=officer, case=case, party=suspect)
    accused = legal.record_arrest(actor=officer, accused=accused, expected_version=accused.version,
                                  arrested_on=days_ago(80), custody="judicial")
    accused = legal.file_police_report(actor=officer, accused=accused, expected_version=accused.version,
                                       report="charge_sheet", report_on=days_ago(40))
    legal.open_court_case(actor=officer, case=case, court="Special Court (ITPA), Barasat", number=COURT_CASE,
                          filed_on=days_ago(30))
    return accused


def test_erasure_waits_for_the_end_of_the_trial(users, ngo, victim_survivor, n24p_case):
    officer = users["ahtu_n24p"]
    accused = on_trial(officer, n24p_case)
    person = victim_survivor.person
    with pytest.raises(ValidationError) as exc:
        services.erase_survivor(actor=ngo, survivor=victim_survivor, reason="survivor_request")
    assert any(COURT_CASE in m and "still open" in m for m in exc.value.messages)
    # Nothing erased.
    assert Person.objects.get(pk=person.pk).identity_erased_at is None
    assert PersonIdentity.objects.filter(person=person).exists()
    assert not IdentityTombstone.objects.exists()
    assert HomeStudy.objects.get(survivor=victim_survivor).get_text("address") == "Satkhira, near the bus stand"

    legal.record_verdict(actor=officer, accused=accused, expected_version=accused.version, verdict="convicted",
                         verdict_on=days_ago(2), sentence="Ten years' rigorous imprisonment")
    tomb = services.erase_survivor(actor=ngo, survivor=victim_survivor, reason="survivor_request")
    assert IdentityTombstone.objects.get(person=person) == tomb
    assert tomb.reason == "survivor_request" and tomb.erased_by == ngo
    assert "name_latin" in tomb.fields_erased and "phones" in tomb.fields_erased
    person = Person.objects.get(pk=person.pk)
    assert person.identity_erased_at is not None and not PersonIdentity.objects.filter(person=person).exists()
    assert get_identity_for(ngo, person, purpose="care") is None
    study = HomeStudy.objects.get(survivor=victim_survivor)
    assert study.address_enc == "" and study.household_enc == ""


def test_an_appeal_keeps_the_trial_open(users, ngo, victim_survivor, n24p_case):
    officer = users["ahtu_n24p"]
    accused = on_trial(officer, n24p_case)
    legal.record_verdict(actor=officer, accused=accused, expected_version=accused.version, verdict="acquitted",
                         verdict_on=days_ago(2), appeal="by_state")
    with pytest.raises(ValidationError) as exc:
        services.erase_survivor(actor=ngo, survivor=victim_survivor, reason="survivor_request")
    assert COURT_CASE in str(exc.value)
    assert not IdentityTombstone.objects.exists()


def test_survivor_without_a_court_case_is_erased(ngo, adult):
    tomb = services.erase_survivor(actor=ngo, survivor=adult, reason="survivor_request")
    assert tomb.person == adult.person
    with pytest.raises(ValidationError):  # once
        services.erase_survivor(actor=ngo, survivor=adult, reason="survivor_request")


def test_erasure_needs_a_reason_from_the_list(ngo, adult):
    with pytest.raises(ValidationError):
        services.erase_survivor(actor=ngo, survivor=adult, reason="tired of her")
    assert not IdentityTombstone.objects.exists()


@pytest.mark.parametrize("persona", ["ngo_kish", "shelter", "cwc_n24p", "admin"])
def test_only_the_caseworkers_agency_erases(users, ngo, adult, persona):
    from .helpers import place

    place(ngo, adult)  # the shelter now sees her, but does not erase who she is
    with pytest.raises(PermissionDenied):
        services.erase_survivor(actor=users[persona], survivor=adult, reason="survivor_request")
    assert PersonIdentity.objects.filter(person=adult.person).exists()
