"""The register's rules, through the services a page or the demo calls: good standing, the
pledge date, two focal points, reviews and their findings, suspension, concurrent edits, and
what the audit trail may hold."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.audit.models import AuditEvent
from safetynet.core.models import StaleEdit
from safetynet.tourism import services
from safetynet.tourism.models import FocalPoint, Signatory, Standing, year_before

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def ngo(users):
    return users["ngo_n24p"]


@pytest.fixture
def darjeeling(jurisdictions):
    return jurisdictions["IN-WB-DARJ"]


def _hotel(ngo, darjeeling, pledged=400, name="Hotel Teesta Valley", **kw):
    return services.register_signatory(actor=ngo, name=name, kind="hotel", town="Kalimpong",
                                       jurisdiction=darjeeling, pledged_on=ago(pledged), today=TODAY, **kw)


def _standing(signatory) -> str:
    """Both computations (SQL for lists, Python for one record) must agree."""
    in_sql = Signatory.objects.with_standing(TODAY).get(pk=signatory.pk).standing
    assert in_sql == signatory.standing_now(TODAY)
    return in_sql


def _review(ngo, signatory, days, outcome="compliant", findings="", follow_up=None):
    return services.record_review(actor=ngo, signatory=signatory, reviewed_on=ago(days), outcome=outcome,
                                  findings=findings, follow_up_due=follow_up, today=TODAY)


def test_registered_signatory_gets_a_certificate_and_an_audit_event(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    assert hotel.certificate.startswith(f"COC-DARJ-{ago(400).year}-")
    assert hotel.owning_agency.short_code == "NGO-N24P"
    event = AuditEvent.objects.get(action="tourism.signatory.register", object_id=str(hotel.public_id))
    assert event.changes["after"]["name"] == "Hotel Teesta Valley"


def test_a_place_below_a_district_is_stored_as_its_district(ngo, jurisdictions):
    border = jurisdictions["IN-WB-DARJ-PNTK"]
    guest_house = services.register_signatory(actor=ngo, name="Panitanki Lodge", kind="guest_house",
                                              town="Panitanki", jurisdiction=border, pledged_on=ago(10), today=TODAY)
    assert guest_house.jurisdiction.code == "IN-WB-DARJ"


def test_good_standing_by_pledge_then_review_overdue(ngo, darjeeling):
    recent = _hotel(ngo, darjeeling, pledged=200, name="New Hotel")
    assert _standing(recent) == Standing.GOOD  # pledged within 12 months, not reviewed yet
    old = _hotel(ngo, darjeeling, pledged=500, name="Old Hotel")
    assert _standing(old) == Standing.REVIEW_OVERDUE  # pledged over a year ago, never reviewed
    _review(ngo, old, 366)
    assert _standing(old) == Standing.REVIEW_OVERDUE  # reviewed, but more than 12 months ago
    _review(ngo, old, 364)
    assert _standing(old) == Standing.GOOD


def test_twelve_months_is_counted_to_the_day(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling, pledged=800)
    services.record_review(actor=ngo, signatory=hotel, reviewed_on=year_before(TODAY), outcome="compliant",
                           today=TODAY)
    assert _standing(hotel) == Standing.GOOD
    assert Signatory.objects.with_standing(TODAY + datetime.timedelta(days=1)).get(pk=hotel.pk).standing \
        == Standing.REVIEW_OVERDUE


def test_a_major_finding_stays_open_until_a_later_review_clears_it(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    _review(ngo, hotel, 100, "major", "Minors checked in with unrelated adults.", ago(10))
    assert _standing(hotel) == Standing.MAJOR_FINDING
    _review(ngo, hotel, 5, "minor", "Register now kept; one page missing.")
    assert _standing(hotel) == Standing.GOOD


def test_suspended_and_withdrawn_are_never_in_good_standing(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    _review(ngo, hotel, 10)
    services.change_state(actor=ngo, signatory=hotel, expected_version=hotel.version, action="suspend",
                          reason="Complaint under inquiry.", today=TODAY)
    assert _standing(hotel) == Standing.SUSPENDED
    services.change_state(actor=ngo, signatory=hotel, expected_version=hotel.version, action="reinstate",
                          reason="Inquiry closed.", today=TODAY)
    assert _standing(hotel) == Standing.GOOD
    services.change_state(actor=ngo, signatory=hotel, expected_version=hotel.version, action="withdraw",
                          reason="Hotel closed.", today=TODAY)
    assert _standing(hotel) == Standing.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        services.change_state(actor=ngo, signatory=hotel, expected_version=hotel.version, action="reinstate",
                              reason="Reopened.", today=TODAY)
    assert "cannot become" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):  # nothing more is added to a withdrawn signatory
        _review(ngo, hotel, 1)


def test_suspending_needs_a_reason(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    with pytest.raises(ValidationError) as exc:
        services.change_state(actor=ngo, signatory=hotel, expected_version=hotel.version, action="suspend",
                              reason="  ")
    assert exc.value.message_dict["reason"] == ["Write the reason."]
    hotel.refresh_from_db()
    assert hotel.state == "active"


def test_pledge_in_the_future_or_before_the_code_is_refused(ngo, darjeeling):
    with pytest.raises(ValidationError) as exc:
        services.register_signatory(actor=ngo, name="Tomorrow Hotel", kind="hotel", town="Mirik",
                                    jurisdiction=darjeeling, pledged_on=TODAY + datetime.timedelta(days=1),
                                    today=TODAY)
    assert exc.value.message_dict["pledged_on"] == ["This date is in the future."]
    with pytest.raises(ValidationError) as exc:
        services.register_signatory(actor=ngo, name="Early Hotel", kind="hotel", town="Mirik",
                                    jurisdiction=darjeeling, pledged_on=datetime.date(2009, 5, 1), today=TODAY)
    assert "1 July 2010" in exc.value.message_dict["pledged_on"][0]
    assert not Signatory.objects.exists()


def test_every_problem_is_reported_at_once_and_nothing_saved(ngo):
    with pytest.raises(ValidationError) as exc:
        services.register_signatory(actor=ngo, name=" ", kind="castle", town="", jurisdiction=None,
                                    pledged_on="yesterday", today=TODAY)
    assert set(exc.value.message_dict) == {"name", "kind", "town", "jurisdiction", "pledged_on"}
    assert not Signatory.objects.exists()


def test_the_same_establishment_twice_in_one_register_is_refused(ngo, darjeeling):
    _hotel(ngo, darjeeling, registration_number="WB-DJ-1")
    with pytest.raises(ValidationError) as exc:
        _hotel(ngo, darjeeling, name="hotel teesta valley", registration_number="wb-dj-1")
    assert set(exc.value.message_dict) == {"name", "registration_number"}


def test_a_stale_edit_is_refused_and_saves_nothing(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    first = Signatory.objects.get(pk=hotel.pk)
    second = Signatory.objects.get(pk=hotel.pk)
    services.update_signatory(actor=ngo, signatory=first, expected_version=first.version, name="Teesta Valley Inn",
                              today=TODAY)
    with pytest.raises(StaleEdit):
        services.update_signatory(actor=ngo, signatory=second, expected_version=second.version, town="Mirik",
                                  today=TODAY)
    hotel.refresh_from_db()
    assert (hotel.name, hotel.town, hotel.version) == ("Teesta Valley Inn", "Kalimpong", 2)
    with pytest.raises(StaleEdit):  # a suspension against the old version too
        services.change_state(actor=ngo, signatory=second, expected_version=1, action="suspend", reason="x")
    hotel.refresh_from_db()
    assert hotel.state == "active"


def test_two_focal_points_at_most_and_one_must_be_reachable(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    with pytest.raises(ValidationError) as exc:
        services.add_focal_point(actor=ngo, signatory=hotel, name="Karma Bhutia", role="Front office",
                                 phone="call me", email="not-an-email")
    assert set(exc.value.message_dict) == {"phone", "email"}
    with pytest.raises(ValidationError) as exc:
        services.add_focal_point(actor=ngo, signatory=hotel, name="Karma Bhutia", role="Front office")
    assert "phone number or an email" in exc.value.message_dict["phone"][0]
    first = services.add_focal_point(actor=ngo, signatory=hotel, name="Karma Bhutia", role="Front office",
                                     phone="+91 94340 55501")
    services.add_focal_point(actor=ngo, signatory=hotel, name="Deki Lepcha", role="Housekeeping",
                             email="deki@example.org")
    with pytest.raises(ValidationError) as exc:
        services.add_focal_point(actor=ngo, signatory=hotel, name="Third Person", role="Guard", phone="12345678")
    assert "already has two focal points" in exc.value.message_dict["name"][0]
    services.end_focal_point(actor=ngo, focal_point=first, expected_version=first.version, reason="Left the hotel.")
    services.add_focal_point(actor=ngo, signatory=hotel, name="Third Person", role="Guard", phone="12345678")
    assert FocalPoint.objects.filter(signatory=hotel, ended_on=None).count() == 2
    deki = FocalPoint.objects.get(name="Deki Lepcha")
    with pytest.raises(StaleEdit):  # ended by someone else meanwhile (version moved on)
        services.end_focal_point(actor=ngo, focal_point=deki, expected_version=deki.version - 1, reason="x")
    deki.refresh_from_db()
    assert deki.ended_on is None


def test_reviews_need_findings_and_a_follow_up_for_major(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    with pytest.raises(ValidationError) as exc:
        _review(ngo, hotel, 5, "major")
    assert set(exc.value.message_dict) == {"findings", "follow_up_due"}
    with pytest.raises(ValidationError) as exc:
        _review(ngo, hotel, 5, "minor", "Register incomplete.", follow_up=ago(6))
    assert exc.value.message_dict["follow_up_due"] == ["The follow-up must be due after the review."]
    with pytest.raises(ValidationError) as exc:
        _review(ngo, hotel, 401)
    assert "earlier than the pledge" in exc.value.message_dict["reviewed_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_review(actor=ngo, signatory=hotel, reviewed_on=TODAY + datetime.timedelta(days=1),
                               outcome="compliant", today=TODAY)
    assert exc.value.message_dict["reviewed_on"] == ["This date is in the future."]
    assert not hotel.reviews.exists()


def test_training_counts(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    for bad in (0, -3, True, "12"):
        with pytest.raises(ValidationError):
            services.record_training(actor=ngo, signatory=hotel, held_on=ago(3), staff_trained=bad, today=TODAY)
    services.record_training(actor=ngo, signatory=hotel, held_on=ago(3), staff_trained=14, today=TODAY)
    assert hotel.trainings.get().staff_trained == 14


def test_only_the_keeping_agency_writes(ngo, darjeeling, users):
    hotel = _hotel(ngo, darjeeling)
    for persona in ("ngo_kish", "me_officer"):  # tourism.manage, another agency
        with pytest.raises(PermissionDenied):
            services.record_training(actor=users[persona], signatory=hotel, held_on=ago(1), staff_trained=3)
        with pytest.raises(PermissionDenied):
            services.update_signatory(actor=users[persona], signatory=hotel, expected_version=1, name="Mine")
    for persona in ("researcher", "ahtu_n24p", "reporter"):  # no tourism.manage
        with pytest.raises(PermissionDenied):
            services.register_signatory(actor=users[persona], name="X Hotel", kind="hotel", town="Mirik",
                                        jurisdiction=darjeeling, pledged_on=ago(1))


def test_the_audit_trail_holds_no_focal_point_contact_nor_findings(ngo, darjeeling):
    hotel = _hotel(ngo, darjeeling)
    point = services.add_focal_point(actor=ngo, signatory=hotel, name="Karma Bhutia", role="Front office",
                                     phone="+91 94340 55501", email="karma.b@teestavalley.example")
    services.end_focal_point(actor=ngo, focal_point=point, expected_version=point.version, reason="Left.")
    _review(ngo, hotel, 3, "major", "Secret finding text about room 12.", TODAY + datetime.timedelta(days=30))
    trail = " ".join(str(e.changes) for e in AuditEvent.objects.filter(action__startswith="tourism."))
    for secret in ("Karma", "94340", "teestavalley", "Secret finding"):
        assert secret not in trail
    assert "tourism.focal_point.add" in set(AuditEvent.objects.values_list("action", flat=True))


def test_default_today_is_the_local_date(ngo, darjeeling):
    hotel = services.register_signatory(actor=ngo, name="Today Hotel", kind="hotel", town="Mirik",
                                        jurisdiction=darjeeling, pledged_on=timezone.localdate())
    assert hotel.standing_now() == Standing.GOOD
