"""The entry pages: a form per record type saves through the service and comes back with a
message; bad input is shown next to its field and saves nothing."""

import pytest

from safetynet.audit.models import AuditEvent
from safetynet.programmes.models import (
    AwarenessEvent,
    IECMaterial,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)

pytestmark = pytest.mark.django_db

EVENT = {"kind": "street_theatre", "held_on": "2009-03-14", "district": "IN-BR-KISH", "place": "Belwa haat",
         "reached_female": "120", "reached_male": "100", "reached_children": "70", "reached_adults": "150"}


def test_landing_page_lists_every_record_type_with_counts(client_for):
    client = client_for("ngo_kish")
    client.post("/programmes/committees/", {"district": "IN-BR-KISH", "village": "Belwa", "formed_on": "2009-01-05",
                                            "members_female": "6", "members_male": "4", "active": "on"})
    page = client.get("/programmes/").content.decode()
    for title in ("Vigilance committees", "Self-help groups", "Awareness events", "IEC materials",
                  "Outcomes prevented", "Counselling sessions", "Sent home", "Nodal Training Centres",
                  "Training programmes", "Trainees by category"):
        assert title in page
    assert "Belwa · Kishanganj · 5 Jan 2009" in page
    assert '<p id="count-committees"><strong>1</strong> record</p>' in page


def test_an_awareness_event_is_saved_and_listed(client_for):
    client = client_for("ngo_kish")
    form = client.get("/programmes/awareness-events/").content.decode()
    assert '<option value="IN-BR-KISH" selected>Kishanganj</option>' in form  # the agency's district first
    response = client.post("/programmes/awareness-events/", EVENT, follow=True)
    assert response.redirect_chain == [("/programmes/awareness-events/", 302)]
    page = response.content.decode()
    assert "Saved. It is in the list below." in page and "Belwa haat" in page and "220" in page
    event = AwarenessEvent.objects.get()
    assert (event.reached, event.owning_agency.short_code) == (220, "NGO-KISH")
    assert AuditEvent.objects.filter(action="programme.awareness_event").count() == 1


def test_a_reach_that_does_not_add_up_is_shown_next_to_the_field(client_for):
    response = client_for("ngo_kish").post("/programmes/awareness-events/", {**EVENT, "reached_children": "10"})
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('name="reached_children"'):]
    assert field.index("must add up to the same number of people") < field.index('name="reached_adults"')
    assert not AwarenessEvent.objects.exists()


def test_bad_input_saves_nothing_and_says_what_is_wrong(client_for):
    response = client_for("ngo_kish").post("/programmes/iec-materials/", {
        "title": "Safe migration", "language": "bn", "format": "leaflet", "quantity_printed": "100",
        "quantity_distributed": "150", "district": "IN-BR-KISH", "place": "Haat", "distributed_on": "31/02/2009"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a date as YYYY-MM-DD or DD/MM/YYYY." in page
    assert not IECMaterial.objects.exists()
    response = client_for("ngo_kish").post("/programmes/iec-materials/", {
        "title": "Safe migration", "language": "bn", "format": "leaflet", "quantity_printed": "100",
        "quantity_distributed": "150", "district": "IN-BR-KISH", "place": "Haat", "distributed_on": "28/02/2009"})
    assert "More distributed (150) than printed (100)" in response.content.decode()
    assert not IECMaterial.objects.exists()


def test_a_place_outside_the_agencys_country_is_refused(client_for):
    response = client_for("ngo_kish").post("/programmes/committees/", {
        "district": "BD-KHL-JASH", "village": "Benapole", "formed_on": "2009-01-05", "members_female": "6",
        "members_male": "4"})
    assert response.status_code == 400
    assert "Choose a district or border sector of your agency&#x27;s country" in response.content.decode()
    assert not VigilanceCommittee.objects.exists()


def test_a_training_programme_then_more_trainees(client_for):
    client = client_for("me_officer")
    response = client.post("/programmes/training-programmes/", {
        "title": "Investigating trafficking crimes", "state": "IN-BR", "starts_on": "2009-03-14",
        "ends_on": "2009-03-16", "venue": "Bihar Police Academy", "language": "Hindi", "police": "30",
        "prosecutors": "4"})
    assert response.status_code == 302
    programme = TrainingProgramme.objects.get()
    page = client.get("/programmes/trainees/").content.decode()
    assert str(programme.public_id) in page  # offered in the select
    response = client.post("/programmes/trainees/", {"programme": str(programme.public_id), "judiciary": "3"})
    assert response.status_code == 302
    response = client.post("/programmes/trainees/", {"programme": str(programme.public_id), "police": "2"})
    assert response.status_code == 400
    assert "This programme already has 30 Police counted" in response.content.decode()
    assert dict(TrainingParticipation.objects.values_list("category", "attended")) == {
        "police": 30, "prosecutors": 4, "judiciary": 3}


def test_a_programme_needs_trainees(client_for):
    response = client_for("me_officer").post("/programmes/training-programmes/", {
        "title": "Investigating trafficking crimes", "state": "IN-BR", "starts_on": "2009-03-14",
        "ends_on": "2009-03-16", "venue": "Bihar Police Academy", "language": "Hindi"})
    assert response.status_code == 400
    assert "Say how many of each category attended." in response.content.decode()
    assert not TrainingProgramme.objects.exists()


def test_an_outcome_links_a_committee_of_the_agency(client_for):
    client = client_for("ngo_kish")
    client.post("/programmes/committees/", {"district": "IN-BR-KISH", "village": "Belwa", "formed_on": "2009-01-05",
                                            "members_female": "6", "members_male": "4", "active": "on"})
    committee = VigilanceCommittee.objects.get()
    response = client.post("/programmes/outcomes/", {"kind": "child_marriage", "prevented_on": "2009-02-01",
                                                     "persons": "1", "district": "IN-BR-KISH",
                                                     "committee": str(committee.public_id)})
    assert response.status_code == 302
    assert committee.outcomes.count() == 1
    response = client.post("/programmes/outcomes/", {"kind": "child_marriage", "prevented_on": "2009-02-01",
                                                     "persons": "1", "district": "IN-BR-KISH",
                                                     "case_reference": "AHTU-N24P-2026-000001"})
    assert response.status_code == 400
    assert "No case you may see has this reference." in response.content.decode()


def test_unknown_record_type_is_not_found(client_for):
    assert client_for("ngo_kish").get("/programmes/weddings/").status_code == 404
