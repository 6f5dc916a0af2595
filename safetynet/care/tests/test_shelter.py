"""Shelter placements: a bed for the survivor (never beyond capacity), transfers, and leaving
care — home only after a home study whose warnings were read — with follow-ups scheduled."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.access.lookups import get_identity_for
from safetynet.care import services
from safetynet.care.models import FollowUp, Placement, ShelterHome, Survivor
from safetynet.notifications.models import Notification

from .helpers import days_ago, events, place, register, shelter, today

pytestmark = pytest.mark.django_db


def sees(user, survivor) -> bool:
    return Survivor.objects.visible_to(user).filter(pk=survivor.pk).exists()


def home_study(actor, survivor, place_, *, family_involved="no", recommendation="reintegrate", household=()):
    return services.record_home_study(actor=actor, survivor=survivor, conducted_on=days_ago(3), place=place_,
                                      address="Village Kalupur, near the primary school",
                                      household=list(household), risks="", family_involved=family_involved,
                                      village_involved="no", recommendation=recommendation)


def test_placement_puts_the_survivor_in_care_with_the_shelter(users, ngo, adult):
    shelter_staff = users["shelter"]
    assert not sees(shelter_staff, adult)
    with pytest.raises(PermissionDenied):
        get_identity_for(shelter_staff, adult.person, purpose="care")
    placement = place(ngo, adult)
    assert placement.shelter == shelter("SH-KOLK") and placement.ended_on is None
    assert Survivor.objects.get(pk=adult.pk).status == "in_care"
    assert sees(shelter_staff, adult)
    assert get_identity_for(shelter_staff, adult.person, purpose="care")["name_latin"] == "Sabina Yasmin"
    assert events("care.place", adult)[0].changes["shelter"] == "SH-KOLK"
    assert services.occupancy(shelter("SH-KOLK")) == 1


def test_shelter_staff_cannot_place_someone_they_do_not_serve(users, adult):
    with pytest.raises(PermissionDenied):
        place(users["shelter"], adult)
    assert not Placement.objects.exists()


def test_full_shelter_refuses_with_its_name_and_nothing_is_saved(ngo, bongaon, adult):
    sh = shelter("SH-KOLK")
    ShelterHome.objects.filter(pk=sh.pk).update(capacity=services.occupancy(sh) + 1)
    place(ngo, adult)
    second = register(ngo, bongaon, name="Parveen Sultana")
    with pytest.raises(ValidationError) as exc:
        place(ngo, second)
    message = str(exc.value.message_dict["shelter"])
    assert "Ujjawala Shelter Home, Kolkata is full" in message and "1 of 1 beds" in message
    assert not Placement.objects.filter(survivor=second).exists()
    assert Survivor.objects.get(pk=second.pk).status == "registered"
    assert not events("care.place", second)


def test_second_placement_while_one_is_current_is_refused(ngo, adult):
    place(ngo, adult)
    with pytest.raises(ValidationError) as exc:
        place(ngo, adult, code="SH-N24P")
    assert "record a transfer instead" in str(exc.value)
    assert Placement.objects.filter(survivor=adult).count() == 1


def test_placement_needs_a_reason_and_a_date_not_in_the_future(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        services.place(actor=ngo, survivor=adult, shelter=shelter(), started_on=today() + datetime.timedelta(days=1),
                       reason="  ")
    assert {"reason", "started_on"} <= set(exc.value.message_dict)
    assert not Placement.objects.exists()


def test_transfer_moves_the_survivor(users, ngo, adult):
    ShelterHome.objects.filter(agency__short_code="SH-N24P").update(serves="women_children")
    placement = place(ngo, adult, started=30)
    assert sees(users["shelter"], adult)
    new = services.transfer(actor=users["shelter"], placement=placement, expected_version=placement.version,
                            to=shelter("SH-N24P"), on=days_ago(5), reason="Closer to her mother in Barasat.")
    placement.refresh_from_db()
    assert placement.ended_on == days_ago(5) and placement.exit_reason == "transfer"
    assert new.shelter == shelter("SH-N24P") and new.started_on == days_ago(5) and new.ended_on is None
    assert list(Placement.objects.filter(survivor=adult, ended_on=None)) == [new]
    # The old shelter no longer sees her, nor who she is.
    assert not sees(users["shelter"], adult)
    with pytest.raises(PermissionDenied):
        get_identity_for(users["shelter"], adult.person, purpose="care")
    assert Survivor.objects.get(pk=adult.pk).status == "in_care"
    assert events("care.transfer", adult)[0].changes == {"from": "SH-KOLK", "to": "SH-N24P"}


def test_transfer_to_a_full_shelter_leaves_the_placement(ngo, adult):
    placement = place(ngo, adult)
    sh = shelter("SH-N24P")
    ShelterHome.objects.filter(pk=sh.pk).update(capacity=services.occupancy(sh))
    sh.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.transfer(actor=ngo, placement=placement, expected_version=placement.version, to=sh,
                          on=days_ago(1), reason="Closer to home.")
    assert "Snehalaya Shelter Home, Barasat is full" in str(exc.value)
    placement.refresh_from_db()
    assert placement.ended_on is None
    assert Placement.objects.filter(survivor=adult).count() == 1


def test_transfer_to_the_same_shelter_or_before_the_placement_is_refused(ngo, adult):
    placement = place(ngo, adult, started=10)
    with pytest.raises(ValidationError):
        services.transfer(actor=ngo, placement=placement, expected_version=placement.version, to=shelter("SH-KOLK"),
                          on=days_ago(1), reason="No reason.")
    with pytest.raises(ValidationError):
        services.transfer(actor=ngo, placement=placement, expected_version=placement.version, to=shelter("SH-N24P"),
                          on=days_ago(11), reason="Closer to home.")
    assert Placement.objects.filter(survivor=adult).count() == 1


# --------------------------------------------------------------------------- leaving care


def test_going_home_needs_a_home_study(users, ngo, adult):
    placement = place(ngo, adult)
    with pytest.raises(ValidationError) as exc:
        services.leave_care(actor=users["shelter"], placement=placement, expected_version=placement.version,
                            ended_on=days_ago(1), exit_reason="reintegrated")
    assert "Record a home study" in str(exc.value.message_dict["exit_reason"])
    placement.refresh_from_db()
    assert placement.ended_on is None
    assert Survivor.objects.get(pk=adult.pk).status == "in_care"
    assert not FollowUp.objects.exists()


def test_a_home_study_that_found_the_home_not_safe_blocks_going_home(ngo, adult, bongaon):
    placement = place(ngo, adult)
    home_study(ngo, adult, bongaon, recommendation="not_safe")
    with pytest.raises(ValidationError):
        services.leave_care(actor=ngo, placement=placement, expected_version=placement.version,
                            ended_on=days_ago(1), exit_reason="reintegrated", warnings_read=True)
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_warnings_must_be_read_before_going_home(users, ngo, adult, bongaon):
    placement = place(ngo, adult)
    study = home_study(ngo, adult, bongaon, family_involved="yes")
    assert study.warnings == ["family_involved"]
    with pytest.raises(ValidationError) as exc:
        services.leave_care(actor=users["shelter"], placement=placement, expected_version=placement.version,
                            ended_on=days_ago(1), exit_reason="reintegrated")
    assert "warnings_read" in exc.value.message_dict
    placement.refresh_from_db()
    assert placement.ended_on is None and not FollowUp.objects.exists()
    services.leave_care(actor=users["shelter"], placement=placement, expected_version=placement.version,
                        ended_on=days_ago(1), exit_reason="reintegrated", warnings_read=True)
    placement.refresh_from_db()
    assert placement.ended_on == days_ago(1) and placement.exit_reason == "reintegrated"
    survivor = Survivor.objects.get(pk=adult.pk)
    assert survivor.status == "reintegrated" and survivor.left_care_on == days_ago(1)
    assert events("care.exit", adult)[0].changes["warnings_read"] == ["family_involved"]  # logged
    assert not sees(users["shelter"], adult)  # she no longer lives there


def test_going_home_after_a_clean_home_study(ngo, adult, jurisdictions):
    placement = place(ngo, adult)
    assert home_study(ngo, adult, jurisdictions["IN-WB-S24P-CANN"]).warnings == []
    services.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=days_ago(1),
                        exit_reason="reintegrated")
    assert Survivor.objects.get(pk=adult.pk).status == "reintegrated"


def test_leaving_care_schedules_follow_ups_at_3_6_and_12_months(ngo, bongaon):
    survivor = register(ngo, bongaon, name="Parveen Sultana", registered_on=datetime.date(2025, 8, 1))
    placement = services.place(actor=ngo, survivor=survivor, shelter=shelter(), started_on=datetime.date(2025, 8, 1),
                               reason="No safe place to stay.")
    services.leave_care(actor=ngo, placement=placement, expected_version=placement.version,
                        ended_on=datetime.date(2025, 8, 31), exit_reason="independent", note="Works in Barasat.")
    due = [(f.months, f.due_on) for f in FollowUp.objects.filter(survivor=survivor)]
    # The same day 3, 6 and 12 months later; the month's last day when it has no such day.
    assert due == [(3, datetime.date(2025, 11, 30)), (6, datetime.date(2026, 2, 28)), (12, datetime.date(2026, 8, 31))]
    survivor.refresh_from_db()
    assert survivor.status == "left_care" and survivor.left_care_on == datetime.date(2025, 8, 31)
    assert events("care.exit", survivor)[0].changes["follow_ups"] == 3


def test_absconding_schedules_nothing_and_alerts_the_caseworkers(ngo, adult):
    placement = place(ngo, adult)
    services.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=days_ago(1),
                        exit_reason="absconded")
    assert not FollowUp.objects.exists()
    [note] = Notification.objects.filter(user=ngo, message__contains="without notice")
    assert note.urgent and adult.person.code in note.message and "Sabina" not in note.message


@pytest.mark.parametrize(("exit_reason", "ended"), [("transfer", 1), ("gone", 1), ("independent", -1),
                                                    ("independent", 31)])
def test_bad_exits_are_refused(ngo, adult, exit_reason, ended):
    placement = place(ngo, adult, started=30)
    with pytest.raises(ValidationError):
        services.leave_care(actor=ngo, placement=placement, expected_version=placement.version,
                            ended_on=days_ago(ended), exit_reason=exit_reason)
    placement.refresh_from_db()
    assert placement.ended_on is None and not FollowUp.objects.exists()


def test_a_placement_ends_once(ngo, adult):
    placement = place(ngo, adult)
    services.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=days_ago(2),
                        exit_reason="independent")
    placement.refresh_from_db()
    with pytest.raises(ValidationError):
        services.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=days_ago(1),
                            exit_reason="other")
    assert FollowUp.objects.count() == 3


def test_a_shelter_takes_only_those_it_serves(ngo, bongaon):
    man = register(ngo, bongaon, sex="male", age_band="26-40", name="Rahul Mondal")
    assert shelter("SH-N24P").serves == "girls"
    with pytest.raises(ValidationError):
        place(ngo, man, code="SH-N24P")
    assert not Placement.objects.filter(survivor=man).exists()
