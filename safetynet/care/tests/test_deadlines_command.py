"""`manage.py care_deadlines` (run hourly): a child not produced before the CWC within 24 hours
and a follow-up missed by two weeks are escalated once, with the clock given on the command line."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from safetynet.agencies.models import Jurisdiction
from safetynet.care import services
from safetynet.notifications.models import Notification
from safetynet.rescues.models import ChildProduction


def _child(users):
    return services.register_survivor(
        actor=users["ngo_n24p"], came_via="came_forward", jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"),
        language="bn", profile=services.Profile(), sex="female", age_band="12-17", nationality="IN",
        identity={"name_latin": "Sonali Mondal"})


def _run(now: datetime.datetime) -> str:
    out = io.StringIO()
    call_command("care_deadlines", now=now.isoformat(), stdout=out)
    return out.getvalue()


def test_missed_production_is_escalated_once_at_the_24th_hour(users):
    survivor = _child(users)
    production = ChildProduction.objects.get(person=survivor.person)
    cwc = users["cwc_n24p"]
    before = Notification.objects.filter(user=cwc, urgent=True).count()

    assert "Escalated 0 CWC" in _run(production.rescued_at + datetime.timedelta(hours=23, minutes=50))
    assert "Escalated 1 CWC" in _run(production.rescued_at + datetime.timedelta(hours=24, minutes=10))
    assert "Escalated 0 CWC" in _run(production.rescued_at + datetime.timedelta(hours=30))

    overdue = Notification.objects.filter(user=cwc, urgent=True, message__startswith="OVERDUE").get()
    assert survivor.person.code in overdue.message
    assert "Sonali" not in overdue.message  # codes only in alerts
    assert Notification.objects.filter(user=users["head_n24p"], message__startswith="OVERDUE").count() == 1
    assert Notification.objects.filter(user=cwc, urgent=True).count() == before + 1


def test_produced_child_is_not_escalated(users):
    survivor = _child(users)
    production = ChildProduction.objects.get(person=survivor.person)
    services.record_production(actor=users["cwc_n24p"], production=production,
                               produced_at=production.rescued_at + datetime.timedelta(hours=5),
                               now=production.rescued_at + datetime.timedelta(hours=6))
    assert "Escalated 0 CWC" in _run(production.rescued_at + datetime.timedelta(hours=48))


def test_missed_follow_up_is_escalated_after_two_weeks(users):
    survivor = _child(users)
    follow_up = services.add_follow_up(actor=users["ngo_n24p"], survivor=survivor,
                                       due_on=timezone.localdate() + datetime.timedelta(days=10))
    day = datetime.datetime.combine(follow_up.due_on, datetime.time(9, 0))
    assert "0 follow-up(s)" in _run(day + datetime.timedelta(days=14))
    assert "1 follow-up(s)" in _run(day + datetime.timedelta(days=15))
    assert "0 follow-up(s)" in _run(day + datetime.timedelta(days=16))
    assert Notification.objects.filter(user=users["ngo_n24p"], message__startswith="Missed follow-up").count() == 1
