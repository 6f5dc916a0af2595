"""A found person's age in years and father's (or husband's) name: entered when a victim is added
to a case or a survivor registered, kept in the vault, shown only with the identity, and given
to the matcher — which turns the age and the record's year into a birth year that meets the
one a family's report gives ("about 14" in 2022 and "16" in 2024 are the same birth year)."""

from __future__ import annotations

import json

import pytest

from safetynet.audit.models import AuditEvent
from safetynet.care.models import Survivor
from safetynet.cases.models import CaseParty
from safetynet.matching import services as matching
from safetynet.people.models import Person, PersonIdentity

pytestmark = pytest.mark.django_db


def _party_form(**extra):
    return {"role": "victim", "sex": "female", "age_band": "unknown", "nationality": "IN",
            "name_latin": "Rahima Khatun", **extra}


def test_age_fills_the_band_and_both_go_to_the_vault(client_for, n24p_case):
    r = client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/parties/new/",
                                     _party_form(age="16", father_name="Abdul Karim"))
    assert r.status_code == 302, r.content.decode()[:500]
    person = CaseParty.objects.filter(case=n24p_case).latest("id").person
    assert person.age_band == "12-17"  # a child: the CWC's rules follow from the age given
    identity = PersonIdentity.objects.get(person=person)
    assert identity.get_field("age") == "16" and identity.get_field("father_name") == "Abdul Karim"
    # Encrypted at rest, and not in the audit trail.
    assert "Abdul" not in identity.father_name_enc
    event = AuditEvent.objects.get(action="person.register", object_id=str(person.public_id))
    assert "Abdul" not in json.dumps(event.changes) and "father_name" in event.changes["identity_fields"]


@pytest.mark.parametrize(("extra", "message"), [
    ({"age": "150"}, "less than or equal to 120"),
    ({"age": "-1"}, "greater than or equal to 0"),
    ({"age": "sixteen"}, "Enter a whole number."),
    ({"age": "30", "age_band": "12-17"}, "An age of 30 is not in the age band chosen (12–17)"),
])
def test_impossible_or_contradicting_age_is_refused_and_nothing_saved(client_for, n24p_case, extra, message):
    persons, parties = Person.objects.count(), CaseParty.objects.count()
    r = client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/parties/new/", _party_form(**extra))
    assert r.status_code == 400
    assert message in r.content.decode()
    assert (Person.objects.count(), CaseParty.objects.count()) == (persons, parties)


def test_identity_panel_shows_father_and_age_to_who_may_see_it(client_for, n24p_case):
    client = client_for("ahtu_n24p")
    client.post(f"/cases/{n24p_case.public_id}/parties/new/", _party_form(age="16", father_name="Abdul Karim"))
    person = CaseParty.objects.filter(case=n24p_case).latest("id").person
    page = client.get(f"/people/{person.public_id}/").content.decode()
    assert "Abdul Karim" not in page  # not until "Show identity", which is logged
    shown = client.post(f"/people/{person.public_id}/identity/", {"purpose": "case work"}).content.decode()
    assert "Abdul Karim" in shown and "Father's or husband's name" in shown and ">16<" in shown


def test_api_takes_the_age_and_refuses_a_contradiction(n24p_case):
    from safetynet.cases.tests.test_api import _post, token_client

    api = token_client("ahtu.n24p")
    url = f"/api/v1/cases/{n24p_case.public_id}/parties/"
    r = _post(api, url, {"role": "victim", "sex": "female", "name_latin": "Rahima", "age": 9, "father_name": "Karim"})
    assert r.status_code == 201, r.content
    assert r.json()["age_band"] == "0-11" and "Karim" not in r.content.decode()
    before = Person.objects.count()
    r = _post(api, url, {"role": "victim", "name_latin": "Rahima", "age": 9, "age_band": "41+"})
    assert r.status_code == 400 and "not in the age band" in r.content.decode()
    assert Person.objects.count() == before


def test_survivor_registered_with_age_and_father(client_for):
    r = client_for("ngo_n24p").post("/care/new/", {
        "came_via": "came_forward", "person": "", "name_latin": "Sabina Yasmin", "father_name": "Rafiq Sheikh",
        "age": "19", "sex": "female", "age_band": "", "nationality": "IN", "jurisdiction": "IN-WB-N24P",
        "registered_on": "2026-11-01", "language": "bn", "trafficking_status": "PossibleVictimOfTrafficking"})
    assert r.status_code == 302, r.content.decode()[:800]
    survivor = Survivor.objects.select_related("person__identity").latest("id")
    assert survivor.person.age_band == "18-25"
    assert survivor.person.identity.get_field("father_name") == "Rafiq Sheikh"


def test_matcher_gets_birth_year_and_father_of_a_found_person(client_for, n24p_case):
    client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/parties/new/",
                                 _party_form(age="16", father_name="Abdul Karim"))
    person = CaseParty.objects.filter(case=n24p_case).latest("id").person
    row = matching._person_row(matching.Found(person, "investigation"))
    assert row["father_name"] == "Abdul Karim" and row["age"] == "16"
    assert row["age_year"] == person.created_at.year
