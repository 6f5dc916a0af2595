"""The home study warns before anyone is sent home: a household member's phone or name is a
suspect's (in any script or spelling), the home is where the survivor was taken from, the
family or village was involved. Warnings are codes; the household stays encrypted."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.care import services
from safetynet.care.models import HomeStudy
from safetynet.cases import services as case_services

from .helpers import days_ago, events, register, today

pytestmark = pytest.mark.django_db

SUSPECT_PHONE = "+91 98300 11223"


@pytest.fixture
def suspect_case(users, jurisdictions):
    """An AHTU case (one the NGO cannot see) with two suspects: one known by a phone, one only
    by a Bengali name."""
    officer = users["ahtu_n24p"]
    case = case_services.open_case(actor=officer, title="Girls sent to Pune", kind="sexual_exploitation",
                                   jurisdiction=jurisdictions["IN-WB-N24P-BSRT"])
    case_services.add_party(actor=officer, case=case, role="suspect", sex="male", age_band="26-40",
                            identity={"name_latin": "Bablu Mondal", "phones": [SUSPECT_PHONE]})
    case_services.add_party(actor=officer, case=case, role="suspect", sex="male", age_band="41+",
                            identity={"name_native": "রফিক শেখ"})
    return case


def study(actor, survivor, place, household=(), *, family="no", village="no", recommendation="reintegrate"):
    return services.record_home_study(actor=actor, survivor=survivor, conducted_on=days_ago(2), place=place,
                                      address="House 14, Kalupur para", household=list(household),
                                      risks="The uncle drinks.", family_involved=family, village_involved=village,
                                      recommendation=recommendation)


def test_household_phone_of_a_suspect_warns(ngo, adult, jurisdictions, suspect_case):
    household = [{"name": "Jaleel Sheikh", "relation": "father", "phone": "098300 11223"}]
    result = study(ngo, adult, jurisdictions["IN-WB-S24P-CANN"], household)
    assert result.warnings == ["suspect_phone"]
    [event] = events("care.home_study", adult)
    assert event.changes["warnings"] == ["suspect_phone"] and event.changes["household_members"] == 1
    assert "9830011223" not in json.dumps(event.changes) and "Jaleel" not in json.dumps(event.changes)


def test_household_name_in_another_script_of_a_suspect_warns(ngo, adult, jurisdictions, suspect_case):
    household = [{"name": "Rafik Shaikh", "relation": "uncle", "phone": ""}]
    assert study(ngo, adult, jurisdictions["IN-WB-S24P-CANN"], household).warnings == ["suspect_name"]


def test_home_where_the_survivor_was_recruited_warns(ngo, bongaon, jurisdictions):
    survivor = register(ngo, bongaon, name="Parveen Sultana",
                        profile=services.Profile(recruited_from=jurisdictions["IN-WB-N24P"]))
    assert study(ngo, survivor, jurisdictions["IN-WB-N24P-BONG"]).warnings == ["source_place"]


def test_involved_family_village_and_recruiter_warn(ngo, bongaon, jurisdictions):
    survivor = register(ngo, bongaon, name="Parveen Sultana",
                        profile=services.Profile(recruiter_relation="FamilyIntimatePartner"))
    result = study(ngo, survivor, jurisdictions["IN-WB-S24P-CANN"], family="yes", village="yes")
    assert result.warnings == ["family_involved", "village_involved", "recruiter_family"]


def test_clean_home_gives_no_warnings(ngo, adult, jurisdictions, suspect_case):
    household = [{"name": "Jaleel Sheikh", "relation": "father", "phone": "+91 90070 55555"},
                 {"name": "Amina Bibi", "relation": "mother", "phone": ""}]
    result = study(ngo, adult, jurisdictions["IN-WB-S24P-CANN"], household, family="unknown", village="unknown")
    assert result.warnings == []


def test_home_study_is_encrypted(ngo, adult, jurisdictions):
    household = [{"name": "Amina Bibi", "relation": "mother", "phone": "9007055555"}, {"name": " ", "phone": ""}]
    saved = HomeStudy.objects.get(pk=study(ngo, adult, jurisdictions["IN-WB-S24P-CANN"], household).pk)
    assert saved.get_text("address") == "House 14, Kalupur para"
    assert json.loads(saved.get_text("household")) == [{"name": "Amina Bibi", "relation": "mother",
                                                         "phone": "9007055555"}]  # the empty row dropped
    for column in (saved.address_enc, saved.household_enc, saved.risks_enc):
        assert "Kalupur" not in column and "Amina" not in column and "uncle" not in column


def test_bad_home_study_is_refused(ngo, adult, jurisdictions):
    with pytest.raises(ValidationError) as exc:
        services.record_home_study(actor=ngo, survivor=adult, conducted_on=today(), place=None, address="",
                                   household=[], risks="", family_involved="maybe", village_involved="no",
                                   recommendation="go home")
    assert {"place", "family_involved", "recommendation"} <= set(exc.value.message_dict)
    assert not HomeStudy.objects.exists()


def test_another_districts_ngo_cannot_study_the_home(users, adult, jurisdictions):
    with pytest.raises(PermissionDenied):
        study(users["ngo_kish"], adult, jurisdictions["IN-WB-S24P-CANN"])
    assert not HomeStudy.objects.exists()
