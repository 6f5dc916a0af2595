"""The staff pages as a caseworker uses them: add a signatory, its focal points, a training and
reviews, filter the register, suspend, and what happens on bad input or a concurrent edit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.tourism import services
from safetynet.tourism.models import Signatory

pytestmark = pytest.mark.django_db


def ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def ngo(client_for):
    return client_for("ngo_n24p")


def _add(ngo, **changes):
    data = {"name": "Hotel Teesta Valley", "kind": "hotel", "town": "Kalimpong", "jurisdiction": "IN-WB-DARJ",
            "registration_number": "", "pledged_on": ago(500), **changes}
    return ngo.post("/tourism/new/", data)


def test_add_a_signatory_and_keep_its_record(ngo):
    response = _add(ngo)
    signatory = Signatory.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tourism/{signatory.public_id}/"
    url = response["Location"]
    page = ngo.get(url).content.decode()
    assert "Review overdue" in page  # pledged over a year ago, not reviewed yet
    assert "No focal points yet" in page

    assert ngo.post(url + "focal-points/", {"name": "Karma Bhutia", "role": "Front office",
                                            "phone": "+91 94340 55501"}).status_code == 302
    assert ngo.post(url + "trainings/", {"held_on": ago(3), "staff_trained": "14", "topic": "Spotting"}).status_code \
        == 302
    assert ngo.post(url + "reviews/", {"reviewed_on": ago(2), "outcome": "major", "reviewer_agency": "NGO-N24P",
                                       "findings": "No guest register.", "follow_up_due": ago(-30)}).status_code == 302
    page = ngo.get(url).content.decode()
    for shown in ("Karma Bhutia", "+91 94340 55501", "14 staff trained", "Major findings", "No guest register.",
                  "Major finding open", "Nari Suraksha Samiti"):
        assert shown in page, shown

    assert ngo.post(url + "reviews/", {"reviewed_on": ago(0), "outcome": "compliant",
                                       "reviewer_agency": "TOUR-GA"}).status_code == 302
    assert "In good standing" in ngo.get(url).content.decode()


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(ngo):
    response = _add(ngo, pledged_on=ago(-2), name="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "This date is in the future." in body and "Write the establishment&#x27;s name." in body
    assert not Signatory.objects.exists()

    _add(ngo)
    url = f"/tourism/{Signatory.objects.get().public_id}/"
    response = ngo.post(url + "focal-points/", {"name": "Karma Bhutia", "role": "Front office"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give a phone number or an email address" in body
    assert '<details class="actions-panel" open>' in body  # the form with the error is open
    response = ngo.post(url + "reviews/", {"reviewed_on": ago(1), "outcome": "major", "reviewer_agency": "NGO-N24P"})
    assert response.status_code == 400
    assert "Write what the review found." in response.content.decode()
    assert "A major finding needs a date for the follow-up review." in response.content.decode()
    response = ngo.post(url + "state/", {"version": "1", "action": "suspend", "reason": ""})
    assert response.status_code == 400 and "Write the reason." in response.content.decode()
    signatory = Signatory.objects.get()
    assert (signatory.state, signatory.focal_points.count(), signatory.reviews.count()) == ("active", 0, 0)


def test_a_concurrent_edit_is_refused_with_a_message(ngo, users):
    _add(ngo)
    signatory = Signatory.objects.get()
    url = f"/tourism/{signatory.public_id}/"
    assert 'name="version" value="1"' in ngo.get(url + "edit/").content.decode()
    # Meanwhile a colleague renames it.
    services.update_signatory(actor=users["ngo_n24p"], signatory=signatory, expected_version=1,
                              name="Teesta Valley Inn")
    response = ngo.post(url + "edit/", {"name": "Hotel Teesta Valley", "kind": "hotel", "town": "Mirik",
                                        "jurisdiction": "IN-WB-DARJ", "pledged_on": ago(500), "version": "1"})
    assert response.status_code == 400
    assert "Someone else changed this record while you were editing it." in response.content.decode()
    signatory.refresh_from_db()
    assert (signatory.name, signatory.town) == ("Teesta Valley Inn", "Kalimpong")
    response = ngo.post(url + "state/", {"version": "1", "action": "suspend", "reason": "Complaint."})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    response = ngo.post(url + "state/", {"version": "2", "action": "suspend", "reason": "Complaint."})
    assert response.status_code == 302
    assert "Suspended since" in ngo.get(url).content.decode()


def test_the_register_filters_by_district_and_standing(ngo, users, jurisdictions):
    actor = users["ngo_n24p"]
    for name, district, pledged in (("Darjeeling Good", "IN-WB-DARJ", 10), ("Kolkata Overdue", "IN-WB-KOLK", 700),
                                    ("Kolkata Good", "IN-WB-KOLK", 20)):
        services.register_signatory(actor=actor, name=name, kind="hotel", town="Town", pledged_on=timezone.localdate()
                                    - datetime.timedelta(days=pledged), jurisdiction=jurisdictions[district])
    names = ("Darjeeling Good", "Kolkata Overdue", "Kolkata Good")

    def shown(query):
        body = ngo.get("/tourism/" + query).content.decode()
        return [n for n in names if f">{n}</a>" in body]

    assert shown("") == list(names)
    assert shown("?district=IN-WB-KOLK") == ["Kolkata Overdue", "Kolkata Good"]
    assert shown("?standing=good") == ["Darjeeling Good", "Kolkata Good"]
    assert shown("?district=IN-WB-KOLK&standing=review_overdue") == ["Kolkata Overdue"]


def test_another_agency_neither_lists_nor_opens_the_record(ngo, client_for):
    _add(ngo)
    signatory = Signatory.objects.get()
    for persona in ("ngo_kish", "me_officer"):
        other = client_for(persona)
        assert "Hotel Teesta Valley" not in other.get("/tourism/").content.decode()
        assert other.get(f"/tourism/{signatory.public_id}/").status_code == 404
        assert other.post(f"/tourism/{signatory.public_id}/trainings/",
                          {"held_on": ago(1), "staff_trained": "3"}).status_code == 404
    assert not signatory.trainings.exists()
