"""Children and the Child Welfare Committee: the 24-hour production clock (escalated once,
urgently), productions recorded by the district's CWC, and its orders."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.care import services
from safetynet.care.models import CWCOrder, Survivor
from safetynet.notifications.models import Notification
from safetynet.people.models import Person
from safetynet.rescues.models import ChildProduction

from .helpers import agency, days_ago, events, register, today

pytestmark = pytest.mark.django_db

# A controllable clock: the child came forward at T0.
T0 = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def production(ngo, bongaon):
    survivor = register(ngo, bongaon, age_band="12-17", name="Mousumi Das", now=T0)
    return ChildProduction.objects.get(person=survivor.person)


def overdue_notes(user):
    return Notification.objects.filter(user=user, message__startswith="OVERDUE")


def test_production_is_escalated_after_24_hours_once(users, ngo, production):
    assert services.escalate_productions(now=T0 + 23 * HOUR) == 0
    production.refresh_from_db()
    assert production.escalated_at is None
    assert not overdue_notes(users["cwc_n24p"]).exists()

    assert services.escalate_productions(now=T0 + 25 * HOUR) == 1
    production.refresh_from_db()
    assert production.escalated_at == T0 + 25 * HOUR
    for persona in ("cwc_n24p", "head_n24p", "ngo_n24p"):
        [note] = overdue_notes(users[persona])
        assert note.urgent and production.person.code in note.message and "1 h ago" in note.message
    assert not overdue_notes(users["ngo_kish"]).exists()

    assert services.escalate_productions(now=T0 + 26 * HOUR) == 0  # each child once
    assert overdue_notes(users["cwc_n24p"]).count() == 1


def test_a_produced_child_is_not_escalated(users, production):
    services.record_production(actor=users["cwc_n24p"], production=production, produced_at=T0 + 20 * HOUR,
                               now=T0 + 21 * HOUR)
    assert services.escalate_productions(now=T0 + 30 * HOUR) == 0
    assert not overdue_notes(users["cwc_n24p"]).exists()


def test_cwc_records_the_production(users, production):
    cwc = users["cwc_n24p"]
    assert production in services.productions_for(cwc)
    services.record_production(actor=cwc, production=production, produced_at=T0 + 5 * HOUR, now=T0 + 6 * HOUR)
    production.refresh_from_db()
    assert production.produced_at == T0 + 5 * HOUR
    [event] = events("care.cwc_production", production.person)
    assert event.changes == {"person": production.person.code, "late": False}
    with pytest.raises(ValidationError):  # once
        services.record_production(actor=cwc, production=production, produced_at=T0 + 6 * HOUR, now=T0 + 7 * HOUR)


def test_late_production_is_recorded_as_late(users, production):
    services.record_production(actor=users["cwc_n24p"], production=production, produced_at=T0 + 30 * HOUR,
                               now=T0 + 31 * HOUR)
    assert events("care.cwc_production", production.person)[0].changes["late"] is True


@pytest.mark.parametrize("hours", [-1, 8])
def test_production_time_must_be_between_coming_forward_and_now(users, production, hours):
    with pytest.raises(ValidationError) as exc:
        services.record_production(actor=users["cwc_n24p"], production=production, produced_at=T0 + hours * HOUR,
                                   now=T0 + 7 * HOUR)
    assert "produced_at" in exc.value.message_dict
    production.refresh_from_db()
    assert production.produced_at is None


def test_production_outside_the_cwcs_district_is_refused(users, jurisdictions):
    survivor = register(users["ngo_kish"], jurisdictions["IN-BR-KISH-KSGJ"], age_band="12-17", name="Amit Kumar",
                        now=T0)
    production = ChildProduction.objects.get(person=survivor.person)
    assert production not in services.productions_for(users["cwc_n24p"])
    with pytest.raises(PermissionDenied):
        services.record_production(actor=users["cwc_n24p"], production=production, produced_at=T0 + HOUR,
                                   now=T0 + 2 * HOUR)
    production.refresh_from_db()
    assert production.produced_at is None


@pytest.mark.parametrize("persona", ["ngo_n24p", "shelter", "head_n24p"])
def test_only_the_cwc_records_productions(users, production, persona):
    with pytest.raises(PermissionDenied):
        services.record_production(actor=users[persona], production=production, produced_at=T0 + HOUR,
                                   now=T0 + 2 * HOUR)


# --------------------------------------------------------------------------- orders


def test_age_determination_changes_the_age_band(users, ngo, bongaon):
    survivor = register(ngo, bongaon, age_band="unknown", name="Rupali Bibi")
    order = services.record_cwc_order(actor=users["cwc_n24p"], survivor=survivor, kind="age_determination",
                                      number="CWC/N24P/1/2026", ordered_on=today(), age_band="12-17",
                                      details="Bone ossification test, District Hospital.")
    assert Person.objects.get(pk=survivor.person_id).age_band == "12-17"
    assert order.age_band == "12-17" and order.get_details() == "Bone ossification test, District Hospital."
    assert "ossification" not in order.details_enc
    [event] = events("care.cwc_order", survivor)
    assert event.changes["age_band"] == ["unknown", "12-17"]
    assert Notification.objects.filter(user=ngo, message__contains="CWC/N24P/1/2026").exists()


def test_age_determination_needs_an_age(users, child):
    with pytest.raises(ValidationError) as exc:
        services.record_cwc_order(actor=users["cwc_n24p"], survivor=child, kind="age_determination",
                                  number="CWC/N24P/2/2026", ordered_on=today(), age_band="unknown")
    assert "age_band" in exc.value.message_dict
    assert Person.objects.get(pk=child.person_id).age_band == "12-17"
    assert not CWCOrder.objects.exists()


def test_placement_order_needs_a_shelter(users, child):
    cwc = users["cwc_n24p"]
    for named in (None, agency("NGO-N24P")):  # none, or an agency that is not a shelter
        with pytest.raises(ValidationError) as exc:
            services.record_cwc_order(actor=cwc, survivor=child, kind="placement", number="CWC/N24P/3/2026",
                                      ordered_on=today(), agency=named)
        assert "agency" in exc.value.message_dict
    assert not CWCOrder.objects.exists()
    order = services.record_cwc_order(actor=cwc, survivor=child, kind="placement", number="CWC/N24P/3/2026",
                                      ordered_on=today(), agency=agency("SH-N24P"))
    assert order.agency.short_code == "SH-N24P" and order.cwc.short_code == "CWC-N24P"


def test_duplicate_order_number_is_refused(users, ngo, bongaon, child):
    cwc = users["cwc_n24p"]
    services.record_cwc_order(actor=cwc, survivor=child, kind="other", number="CWC/N24P/4/2026", ordered_on=today())
    other = register(ngo, bongaon, age_band="0-11", name="Tumpa Das")
    with pytest.raises(ValidationError) as exc:
        services.record_cwc_order(actor=cwc, survivor=other, kind="other", number=" CWC/N24P/4/2026 ",
                                  ordered_on=today())
    assert "already has an order with this number" in str(exc.value.message_dict["number"])
    assert CWCOrder.objects.count() == 1


def test_order_dated_in_the_future_is_refused(users, child):
    with pytest.raises(ValidationError) as exc:
        services.record_cwc_order(actor=users["cwc_n24p"], survivor=child, kind="other", number="CWC/N24P/5/2026",
                                  ordered_on=today() + datetime.timedelta(days=1))
    assert "ordered_on" in exc.value.message_dict
    assert not CWCOrder.objects.exists()


def test_cwc_does_not_order_for_an_adult_or_elsewhere(users, adult, jurisdictions):
    cwc = users["cwc_n24p"]
    with pytest.raises(PermissionDenied):
        services.record_cwc_order(actor=cwc, survivor=adult, kind="other", number="CWC/N24P/6/2026",
                                  ordered_on=days_ago(1))
    kish_child = register(users["ngo_kish"], jurisdictions["IN-BR-KISH"], age_band="12-17", name="Amit Kumar")
    with pytest.raises(PermissionDenied):
        services.record_cwc_order(actor=cwc, survivor=kish_child, kind="other", number="CWC/N24P/6/2026",
                                  ordered_on=days_ago(1))
    with pytest.raises(PermissionDenied):  # an NGO does not make CWC orders
        services.record_cwc_order(actor=users["ngo_n24p"], survivor=adult, kind="other", number="X/1",
                                  ordered_on=days_ago(1))
    assert not CWCOrder.objects.exists()


def test_a_child_found_adult_stays_with_the_cwc_that_ordered(users, ngo, bongaon):
    survivor = register(ngo, bongaon, age_band="unknown", name="Rupali Bibi")
    cwc = users["cwc_n24p"]
    services.record_cwc_order(actor=cwc, survivor=survivor, kind="age_determination", number="CWC/N24P/9/2026",
                              ordered_on=today(), age_band="18-25")
    assert Survivor.objects.visible_to(cwc).filter(pk=survivor.pk).exists()
