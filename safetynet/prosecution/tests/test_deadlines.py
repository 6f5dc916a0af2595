"""Charge-sheet deadlines with a controllable clock: warnings at 15 and 5 days left, the
overdue alert to the AHTU head, each sent once, and the overdue list."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from safetynet.agencies.models import Agency
from safetynet.conftest import signed_in
from safetynet.notifications.models import Notification
from safetynet.prosecution import services

pytestmark = pytest.mark.django_db

ARRESTED = datetime.date(2026, 6, 1)


@pytest.fixture
def a1(users, n24p_case):
    officer = users["ahtu_n24p"]
    services.record_fir(actor=officer, case=n24p_case, police_station=Agency.objects.get(short_code="PS-BONG"),
                        number="77/2026", registered_on=ARRESTED, section_codes=["BNS-143"], today=ARRESTED)
    accused = services.add_accused(actor=officer, case=n24p_case)
    return services.record_arrest(actor=officer, accused=accused, expected_version=accused.version,
                                  arrested_on=ARRESTED, custody="judicial", today=ARRESTED)


def _run(day: datetime.date) -> str:
    out = io.StringIO()
    call_command("charge_sheet_deadlines", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def _alerts(user):
    return list(Notification.objects.filter(user=user, link__contains="/prosecution/").order_by("id"))


def test_reminders_at_15_and_5_days_and_when_overdue(users, a1):
    due = ARRESTED + datetime.timedelta(days=90)
    assert a1.charge_sheet_due == due
    officer, head = users["ahtu_n24p"], users["head_n24p"]
    assert "warned 15: 0, warned 5: 0, overdue: 0" in _run(due - datetime.timedelta(days=16))
    assert "warned 15: 1" in _run(due - datetime.timedelta(days=15))
    first = _alerts(officer)
    assert len(first) == 1 and "15 days left" in first[0].message and not first[0].urgent
    assert "A1" in first[0].message and "Rahima" not in first[0].message
    # The next days send nothing new; at 5 days an urgent one; the head hears only when it is overdue.
    _run(due - datetime.timedelta(days=14))
    _run(due - datetime.timedelta(days=6))
    assert len(_alerts(officer)) == 1
    _run(due - datetime.timedelta(days=5))
    assert [n.urgent for n in _alerts(officer)] == [False, True]
    # The unit's head is one of its investigators: the same two warnings, nothing "overdue" yet.
    assert not any("overdue" in n.message for n in _alerts(head))
    assert "overdue: 1" in _run(due + datetime.timedelta(days=1))
    overdue = [n for n in _alerts(head) if "overdue" in n.message]
    assert len(overdue) == 1 and overdue[0].urgent and "default bail" in overdue[0].message
    _run(due + datetime.timedelta(days=2))
    assert len(_alerts(head)) == 3 and len(_alerts(officer)) == 3
    # Nobody outside the case's agencies hears of it.
    assert _alerts(users["ahtu_kish"]) == [] and _alerts(users["ngo_n24p"]) == []


def test_filing_the_charge_sheet_stops_the_reminders(users, a1):
    due = a1.charge_sheet_due
    services.file_police_report(actor=users["ahtu_n24p"], accused=a1, expected_version=a1.version,
                                report="charge_sheet", report_on=due - datetime.timedelta(days=20), today=due)
    _run(due - datetime.timedelta(days=5))
    _run(due + datetime.timedelta(days=3))
    assert _alerts(users["ahtu_n24p"]) == [] and _alerts(users["head_n24p"]) == []


def test_overdue_list_for_the_head(users, a1, kish_case, settings):
    page = signed_in(users["head_n24p"]).get("/prosecution/deadlines/")
    body = page.content.decode()
    assert page.status_code == 200
    # Arrested on 1 June with a 90-day period: overdue by now (the page uses the real date).
    assert "A1" in body and "overdue by" in body and a1.case.reference in body
    other = signed_in(users["ahtu_kish"]).get("/prosecution/deadlines/").content.decode()
    assert a1.case.reference not in other and "Nothing overdue." in other
