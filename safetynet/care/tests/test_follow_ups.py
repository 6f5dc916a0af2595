"""Follow-ups after care: recorded no earlier than the survivor left, re-trafficking noticed
and told, and a visit missed beyond the two weeks' grace escalated once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from safetynet.care import services
from safetynet.care.models import FollowUp, Survivor
from safetynet.notifications.models import Notification

from .helpers import days_ago, events, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def left(ngo, adult):
    """The adult survivor left the shelter 100 days ago to live on her own."""
    placement = place(ngo, adult, started=200)
    services.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=days_ago(100),
                        exit_reason="independent")
    return Survivor.objects.select_related("person").get(pk=adult.pk)


def first(survivor) -> FollowUp:
    return FollowUp.objects.filter(survivor=survivor, months=3).select_related("survivor__person").get()


def record(actor, follow_up, ago: int, **kwargs):
    kwargs = {"wellbeing": 4, "livelihood": "employed", "risk": "low", **kwargs}
    return services.record_follow_up(actor=actor, follow_up=follow_up, expected_version=follow_up.version,
                                     done_on=days_ago(ago), **kwargs)


def test_follow_up_is_recorded(ngo, left):
    follow_up = record(ngo, first(left), ago=5, note="Works as a security guard in Salt Lake.")
    saved = FollowUp.objects.get(pk=follow_up.pk)
    assert saved.done_on == days_ago(5) and saved.wellbeing == 4 and saved.by == ngo
    assert "security guard" not in saved.note_enc
    assert events("care.follow_up", left)[0].changes == {"done_on": days_ago(5).isoformat(), "risk": "low",
                                                         "re_trafficked": False}
    with pytest.raises(ValidationError):  # once
        record(ngo, saved, ago=4)


def test_follow_up_dated_before_leaving_care_is_refused(ngo, left):
    follow_up = first(left)
    with pytest.raises(ValidationError) as exc:
        record(ngo, follow_up, ago=101)
    assert "before the survivor left care" in str(exc.value.message_dict["done_on"])
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None
    assert not events("care.follow_up", left)


@pytest.mark.parametrize("bad", [{"wellbeing": 0}, {"wellbeing": 6}, {"livelihood": "rich"}, {"risk": "none"}])
def test_bad_follow_up_values_are_refused(ngo, left, bad):
    follow_up = first(left)
    with pytest.raises(ValidationError):
        record(ngo, follow_up, ago=5, **bad)
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None


def test_future_follow_up_is_refused(ngo, left):
    with pytest.raises(ValidationError):
        record(ngo, first(left), ago=-1)


def test_re_trafficking_is_recorded_and_told(users, ngo, left):
    record(ngo, first(left), ago=3, risk="high", livelihood="none", wellbeing=1, re_trafficked=True)
    assert Survivor.objects.get(pk=left.pk).re_trafficked_on == days_ago(3)
    for persona in ("ngo_n24p", "ahtu_n24p", "head_n24p"):
        [note] = Notification.objects.filter(user=users[persona], message__contains="re-trafficked")
        assert note.urgent and left.person.code in note.message and "Sabina" not in note.message
    assert not Notification.objects.filter(user=users["ahtu_kish"]).exists()
    # A later follow-up that finds her re-trafficked again does not move the first date.
    later = FollowUp.objects.get(survivor=left, months=6)
    record(ngo, later, ago=1, risk="high", re_trafficked=True)
    assert Survivor.objects.get(pk=left.pk).re_trafficked_on == days_ago(3)


def test_extra_follow_up_cannot_be_due_before_leaving(ngo, left):
    with pytest.raises(ValidationError):
        services.add_follow_up(actor=ngo, survivor=left, due_on=days_ago(101))
    extra = services.add_follow_up(actor=ngo, survivor=left, due_on=days_ago(-7))
    assert extra.months is None and FollowUp.objects.filter(survivor=left).count() == 4


def test_missed_follow_up_is_escalated_after_the_grace_once(users, ngo, left):
    follow_up = first(left)
    due = follow_up.due_on
    assert services.escalate_follow_ups(today=due + datetime.timedelta(days=14)) == 0  # still within grace
    assert FollowUp.objects.get(pk=follow_up.pk).escalated_at is None
    assert not Notification.objects.filter(message__startswith="Missed follow-up").exists()

    assert services.escalate_follow_ups(today=due + datetime.timedelta(days=15)) == 1
    assert FollowUp.objects.get(pk=follow_up.pk).escalated_at is not None
    [note] = Notification.objects.filter(user=ngo, message__startswith="Missed follow-up")
    assert note.urgent and left.person.code in note.message

    assert services.escalate_follow_ups(today=due + datetime.timedelta(days=16)) == 0  # once
    assert Notification.objects.filter(message__startswith="Missed follow-up").count() == 1


def test_a_follow_up_done_is_never_escalated(ngo, left):
    follow_up = record(ngo, first(left), ago=2)
    assert services.escalate_follow_ups(today=follow_up.due_on + datetime.timedelta(days=60)) == 0


def test_escalation_reaches_the_assigned_counsellor(users, ngo, bongaon):
    from .helpers import register

    survivor = register(ngo, bongaon, name="Parveen Sultana")
    placement = place(ngo, survivor, started=200)
    services.assign(actor=ngo, survivor=survivor, user=users["counsellor"], kind="counsellor")  # at SH-KOLK
    services.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=days_ago(100),
                        exit_reason="independent")
    follow_up = first(survivor)
    services.escalate_follow_ups(today=follow_up.due_on + datetime.timedelta(days=15))
    assert Notification.objects.filter(user=users["counsellor"], message__startswith="Missed follow-up").exists()
    assert not Notification.objects.filter(user=users["shelter"], message__startswith="Missed follow-up").exists()


def test_coming_back_into_care_restarts_the_follow_ups(users, ngo, bongaon):
    from .helpers import register, shelter

    survivor = register(ngo, bongaon, name="Parveen Sultana", registered_on=days_ago(300))
    first_stay = services.place(actor=ngo, survivor=survivor, shelter=shelter(), started_on=days_ago(300),
                                reason="No safe place to stay.")
    services.leave_care(actor=ngo, placement=first_stay, expected_version=first_stay.version,
                        ended_on=days_ago(200), exit_reason="independent")
    # Found at risk again, she comes back to the shelter.
    second_stay = services.place(actor=ngo, survivor=survivor, shelter=shelter(), started_on=days_ago(150),
                                 reason="Threatened by the recruiter.")
    assert services.escalate_follow_ups() == 0  # she is in care: no visit is being missed
    assert not Notification.objects.filter(message__startswith="Missed follow-up").exists()
    services.leave_care(actor=ngo, placement=second_stay, expected_version=second_stay.version,
                        ended_on=days_ago(10), exit_reason="independent")
    pending = [(f.months, f.due_on) for f in FollowUp.objects.filter(survivor=survivor, done_on=None)]
    assert pending == [(m, services.add_months(days_ago(10), m)) for m in (3, 6, 12)]
