"""Victim and witness protection: risk assessments, measures, incidents that alert the case
team, and the prosecutor's list of who needs protection before the next hearing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.agencies.models import Agency
from safetynet.audit.models import AuditEvent
from safetynet.cases.models import Case, CaseParty
from safetynet.cases.services import add_team_member
from safetynet.core.models import StaleEdit
from safetynet.notifications.models import Notification
from safetynet.prosecution import indicators, services
from safetynet.prosecution.models import ProtectionMeasure, RiskAssessment

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def day(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def in_court(users, n24p_case):
    """The N24P case in court, a hearing 10 days ago that set the next date 5 days ahead; the prosecutor on the team."""
    officer = users["ahtu_n24p"]
    add_team_member(actor=users["head_n24p"], case=n24p_case, user=users["prosecutor"])
    services.record_fir(actor=officer, case=n24p_case, police_station=Agency.objects.get(short_code="PS-BONG"),
                        number="9/2026", registered_on=day(200), section_codes=["BNS-143"], today=TODAY)
    a1 = services.add_accused(actor=officer, case=n24p_case)
    a1 = services.record_arrest(actor=officer, accused=a1, expected_version=a1.version, arrested_on=day(190),
                                custody="judicial", today=TODAY)
    services.file_police_report(actor=officer, accused=a1, expected_version=a1.version, report="charge_sheet",
                                report_on=day(120), today=TODAY)
    court = services.open_court_case(actor=officer, case=n24p_case, court="Special Court", number="SC 3",
                                     filed_on=day(100), today=TODAY)
    services.record_hearing(actor=officer, court_case=court, held_on=day(10), outcome="adjourned",
                            adjourned_because="witness_absent", next_date=TODAY + datetime.timedelta(days=5),
                            today=TODAY)
    return n24p_case


def test_protection_record_and_the_list_before_the_next_hearing(users, in_court):
    prosecutor = users["prosecutor"]
    victim = CaseParty.objects.get(case=in_court, role="victim")
    witness = CaseParty.objects.get(case=in_court, role="witness")
    services.assess_risk(actor=prosecutor, case=in_court, party=victim, assessed_on=day(8), level="high",
                         threats_received=True, pressure_to_withdraw=True, accused_influence="powerful",
                         notes="V1's mother was offered money by A1's brother.", today=TODAY)
    services.assess_risk(actor=prosecutor, case=in_court, party=witness, assessed_on=day(8), level="low",
                         today=TODAY)
    services.add_measure(actor=prosecutor, case=in_court, party=victim, kind="in_camera", starts_on=day(7),
                         today=TODAY)
    services.add_measure(actor=prosecutor, case=in_court, party=victim, kind="escort", starts_on=day(7),
                         ends_on=day(1), today=TODAY)  # ended before the next hearing
    incident = services.record_incident(actor=prosecutor, case=in_court, party=victim, occurred_on=day(2),
                                        kind="threat", notes="Phone call at night.", today=TODAY)
    assert "Phone call" not in incident.notes_enc and incident.notes == "Phone call at night."

    # The investigators hear of the threat at once, urgently; the author is not told of their own entry.
    alert = Notification.objects.get(user=users["ahtu_n24p"], link__endswith="#h-protection")
    assert alert.urgent and "threat" in alert.message and victim.person.code in alert.message
    assert "Rahima" not in alert.message
    assert not Notification.objects.filter(user=prosecutor, link__endswith="#h-protection").exists()

    [row] = services.upcoming_hearings(Case.objects.filter(pk=in_court.pk), today=TODAY)
    assert row["date"] == TODAY + datetime.timedelta(days=5)
    assert [n.party for n in row["needs"]] == [victim]  # the low-risk witness with no measure is not listed
    need = row["needs"][0]
    assert need.risk.level == "high" and [m.kind for m in need.measures] == ["in_camera"]
    assert [i.kind for i in need.incidents] == ["threat"]
    for event in AuditEvent.objects.filter(action__startswith="protection."):
        assert "money" not in str(event.changes) and "Phone call" not in str(event.changes)


def test_bad_protection_input_changes_nothing(users, in_court):
    officer = users["ahtu_n24p"]
    suspect = CaseParty.objects.get(case=in_court, role="suspect")
    victim = CaseParty.objects.get(case=in_court, role="victim")
    with pytest.raises(ValidationError):  # suspects are not protected witnesses
        services.assess_risk(actor=officer, case=in_court, party=suspect, assessed_on=day(1), level="high",
                             today=TODAY)
    with pytest.raises(ValidationError):
        services.add_measure(actor=officer, case=in_court, party=victim, kind="escort", starts_on=day(1),
                             ends_on=day(3), today=TODAY)
    with pytest.raises(ValidationError):
        services.record_incident(actor=officer, case=in_court, party=victim, occurred_on=TODAY +
                                 datetime.timedelta(days=1), kind="threat", today=TODAY)
    with pytest.raises(PermissionDenied):  # care roles do not see the legal file
        services.add_measure(actor=users["ngo_n24p"], case=in_court, party=victim, kind="escort", starts_on=day(1),
                             today=TODAY)
    assert not RiskAssessment.objects.exists() and not ProtectionMeasure.objects.exists()
    measure = services.add_measure(actor=officer, case=in_court, party=victim, kind="escort", starts_on=day(3),
                                   today=TODAY)
    services.end_measure(actor=officer, measure=measure, expected_version=measure.version, ends_on=day(1))
    with pytest.raises(StaleEdit):  # a second "end" from an older page
        services.end_measure(actor=officer, measure=ProtectionMeasure.objects.get(pk=measure.pk),
                             expected_version=1, ends_on=day(0))


def test_protected_witnesses_who_testified(users, in_court):
    officer = users["ahtu_n24p"]
    victim = CaseParty.objects.get(case=in_court, role="victim")
    witness = CaseParty.objects.get(case=in_court, role="witness")
    court = in_court.court_cases.get()
    services.add_measure(actor=officer, case=in_court, party=victim, kind="video", starts_on=day(5), today=TODAY)
    services.add_measure(actor=officer, case=in_court, party=witness, kind="escort", starts_on=day(30),
                         ends_on=day(20), today=TODAY)
    services.record_hearing(actor=officer, court_case=court, held_on=day(3), outcome="evidence",
                            attendance={victim.pk: (True, False), witness.pk: (True, False)}, today=TODAY)
    found = indicators.case_indicators(Case.objects.filter(pk=in_court.pk))
    # Both were protected at some time; only the victim was protected on the day she testified.
    assert (found["protected"], found["protected_testified"]) == (2, 1)


def test_victim_compensation_applied_then_awarded_once(users, in_court, client_for):
    prosecutor = users["prosecutor"]
    victim = CaseParty.objects.get(case=in_court, role="victim")
    suspect = CaseParty.objects.get(case=in_court, role="suspect")
    with pytest.raises(ValidationError):  # compensation is for victims
        services.record_compensation(actor=prosecutor, case=in_court, party=suspect, applied_on=day(5), today=TODAY)
    with pytest.raises(ValidationError):  # an amount without a date
        services.record_compensation(actor=prosecutor, case=in_court, party=victim, applied_on=day(5),
                                     amount_awarded=50000, today=TODAY)
    application = services.record_compensation(actor=prosecutor, case=in_court, party=victim, applied_on=day(5),
                                               today=TODAY)
    with pytest.raises(ValidationError):  # awarded before it was asked for
        services.award_compensation(actor=prosecutor, compensation=application, awarded_on=day(6),
                                    amount_awarded=50000, today=TODAY)
    services.award_compensation(actor=prosecutor, compensation=application, awarded_on=day(1), amount_awarded=50000,
                                today=TODAY)
    stale = type(application).objects.get(pk=application.pk)
    stale.awarded_on = None  # a second screen that still shows it pending
    with pytest.raises(ValidationError):
        services.award_compensation(actor=prosecutor, compensation=stale, awarded_on=day(0), amount_awarded=1,
                                    today=TODAY)
    application.refresh_from_db()
    assert application.amount_awarded == 50000 and application.awarded_on == day(1)
    found = indicators.case_indicators(Case.objects.filter(pk=in_court.pk))
    assert (found["compensation_applied"], found["compensation_awarded"]) == (1, 1)
    page = client_for("prosecutor").get(f"/prosecution/cases/{in_court.public_id}/").content.decode()
    assert "Victim compensation" in page and "50000" in page
