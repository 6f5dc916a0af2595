"""The legal file: FIR sections set the charge-sheet period, dates must follow each other,
codes are unique, concurrent corrections of a hearing are caught, everything is audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.agencies.models import Agency
from safetynet.audit.models import AuditEvent
from safetynet.cases.models import CaseParty
from safetynet.core.models import StaleEdit
from safetynet.prosecution import services
from safetynet.prosecution.models import Accused, CourtCase, FirstInformationReport, Hearing, WitnessAttendance

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def day(n: int) -> datetime.date:
    """``n`` days before TODAY (the tests pass ``today`` explicitly: a controllable clock)."""
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def officer(users):
    return users["ahtu_n24p"]


@pytest.fixture
def station(world):
    return Agency.objects.get(short_code="PS-BONG")


def _fir(officer, case, station, sections=("BNS-143",), registered=120, number="112/2026"):
    return services.record_fir(actor=officer, case=case, police_station=station, number=number,
                               registered_on=day(registered), section_codes=sections, today=TODAY)


def _arrested(officer, case, arrested=100, custody="judicial", **kw):
    accused = services.add_accused(actor=officer, case=case, **kw)
    return services.record_arrest(actor=officer, accused=accused, expected_version=accused.version,
                                  arrested_on=day(arrested), custody=custody, today=TODAY)


def test_sections_set_the_charge_sheet_period(officer, n24p_case, station):
    # Child marriage alone: 60 days (maximum punishment under ten years).
    _fir(officer, n24p_case, station, sections=["PCMA-9"])
    a1 = _arrested(officer, n24p_case, arrested=10)
    assert a1.charge_sheet_due == day(10) + datetime.timedelta(days=60)
    # A second FIR adds trafficking (BNS s.143): the longest period, 90 days, now applies to A1 as well.
    _fir(officer, n24p_case, station, sections=["BNS-143", "ITPA-5"], number="113/2026", registered=20)
    a1.refresh_from_db()
    assert a1.charge_sheet_due == day(10) + datetime.timedelta(days=90)
    assert a1.days_left(TODAY) == 80
    # Bangladesh's Act on its own sets no Indian deadline.
    assert services.charge_sheet_days(n24p_case) == 90


def test_bad_fir_input_is_refused_and_nothing_is_saved(officer, n24p_case, station):
    with pytest.raises(ValidationError) as exc:
        _fir(officer, n24p_case, station, sections=["BNS-143", "IPC-999"])
    assert "There is no section “IPC-999”" in str(exc.value.message_dict["sections"])
    with pytest.raises(ValidationError) as exc:
        services.record_fir(actor=officer, case=n24p_case, police_station=station, number="1/2027",
                            registered_on=TODAY + datetime.timedelta(days=1), section_codes=["BNS-143"], today=TODAY)
    assert "future" in str(exc.value.message_dict["registered_on"])
    with pytest.raises(ValidationError):
        _fir(officer, n24p_case, Agency.objects.get(short_code="NGO-N24P"))  # not a police station
    assert not FirstInformationReport.objects.exists()
    _fir(officer, n24p_case, station)
    with pytest.raises(ValidationError) as exc:
        _fir(officer, n24p_case, station)
    assert "already recorded at this police station" in str(exc.value)
    assert FirstInformationReport.objects.count() == 1


def test_accused_codes_are_unique_per_case(officer, n24p_case, station):
    _fir(officer, n24p_case, station)
    suspect = CaseParty.objects.get(case=n24p_case, role="suspect")
    assert services.add_accused(actor=officer, case=n24p_case, party=suspect).code == "A1"
    assert services.add_accused(actor=officer, case=n24p_case).code == "A2"
    with pytest.raises(ValidationError) as exc:
        services.add_accused(actor=officer, case=n24p_case, code="a2")
    assert "A2 is already used in this case" in str(exc.value)
    with pytest.raises(ValidationError):
        services.add_accused(actor=officer, case=n24p_case, code="B7")
    victim = CaseParty.objects.get(case=n24p_case, role="victim")
    with pytest.raises(ValidationError):
        services.add_accused(actor=officer, case=n24p_case, party=victim)  # a victim is not an accused
    assert Accused.objects.filter(case=n24p_case).count() == 2


def test_dates_out_of_order_are_refused(officer, n24p_case, station):
    a1 = services.add_accused(actor=officer, case=n24p_case)
    with pytest.raises(ValidationError) as exc:  # no FIR yet: no deadline could be computed
        services.record_arrest(actor=officer, accused=a1, expected_version=a1.version, arrested_on=day(5),
                               custody="police", today=TODAY)
    assert "Record the FIR first" in str(exc.value)
    _fir(officer, n24p_case, station, registered=50)
    with pytest.raises(ValidationError) as exc:
        services.record_arrest(actor=officer, accused=a1, expected_version=a1.version, arrested_on=day(60),
                               custody="police", today=TODAY)
    assert "cannot be before the FIR" in str(exc.value)
    a1 = services.record_arrest(actor=officer, accused=a1, expected_version=a1.version, arrested_on=day(40),
                                custody="police", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.file_police_report(actor=officer, accused=a1, expected_version=a1.version, report="charge_sheet",
                                    report_on=day(45), today=TODAY)
    assert "before the arrest" in str(exc.value)
    with pytest.raises(ValidationError) as exc:  # no charge sheet yet: no trial
        services.open_court_case(actor=officer, case=n24p_case, court="Special Court", number="1", filed_on=day(1),
                                 today=TODAY)
    assert "starts with a charge sheet" in str(exc.value)
    a1 = services.file_police_report(actor=officer, accused=a1, expected_version=a1.version, report="charge_sheet",
                                     report_on=day(30), today=TODAY)
    with pytest.raises(ValidationError):
        services.open_court_case(actor=officer, case=n24p_case, court="Special Court", number="1", filed_on=day(31),
                                 today=TODAY)
    court = services.open_court_case(actor=officer, case=n24p_case, court="Special Court", number="1",
                                     filed_on=day(25), today=TODAY)
    for kwargs, field in (({"held_on": day(26), "outcome": "evidence"}, "held_on"),  # hearing before filing
                          ({"held_on": day(20), "outcome": "adjourned"}, "adjourned_because"),  # no reason
                          ({"held_on": day(20), "outcome": "evidence", "next_date": day(21)}, "next_date")):
        with pytest.raises(ValidationError) as exc:
            services.record_hearing(actor=officer, court_case=court, today=TODAY, **kwargs)
        assert field in exc.value.message_dict
    assert not Hearing.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.record_verdict(actor=officer, accused=a1, expected_version=a1.version, verdict="convicted",
                                verdict_on=day(26), today=TODAY)
    assert "before the case was filed in court" in str(exc.value)
    with pytest.raises(ValidationError):
        services.record_verdict(actor=officer, accused=a1, expected_version=a1.version, verdict="acquitted",
                                verdict_on=day(2), sentence="5 years", today=TODAY)
    a1.refresh_from_db()
    assert a1.verdict == "" and a1.version == 3


def test_hearing_with_witnesses_and_a_concurrent_correction(officer, users, n24p_case, station):
    _fir(officer, n24p_case, station)
    a1 = _arrested(officer, n24p_case)
    a1 = services.file_police_report(actor=officer, accused=a1, expected_version=a1.version, report="charge_sheet",
                                     report_on=day(40), today=TODAY)
    court = services.open_court_case(actor=officer, case=n24p_case, court="Special Court", number="SC 1",
                                     filed_on=day(30), today=TODAY)
    victim = CaseParty.objects.get(case=n24p_case, role="victim")
    witness = CaseParty.objects.get(case=n24p_case, role="witness")
    suspect = CaseParty.objects.get(case=n24p_case, role="suspect")
    with pytest.raises(ValidationError):  # only victims and witnesses are summoned as witnesses
        services.record_hearing(actor=officer, court_case=court, held_on=day(20), outcome="evidence",
                                attendance={suspect.pk: (True, False)}, today=TODAY)
    hearing = services.record_hearing(actor=officer, court_case=court, held_on=day(20), outcome="adjourned",
                                      adjourned_because="witness_absent", next_date=day(10),
                                      notes="V1 afraid to come: threatened by A1's brother.",
                                      attendance={victim.pk: (False, False), witness.pk: (True, True)}, today=TODAY)
    assert WitnessAttendance.objects.filter(hearing=hearing, attended=True, turned_hostile=True).count() == 1
    assert "threatened" not in hearing.notes_enc  # encrypted at rest
    # Two people correct the same hearing from the version they both saw: the second is refused.
    seen = hearing.version
    services.edit_hearing(actor=officer, hearing=Hearing.objects.get(pk=hearing.pk), expected_version=seen,
                          held_on=day(20), outcome="adjourned", adjourned_because="accused_absent",
                          next_date=day(10), today=TODAY)
    with pytest.raises(StaleEdit):
        services.edit_hearing(actor=officer, hearing=Hearing.objects.get(pk=hearing.pk), expected_version=seen,
                              held_on=day(19), outcome="evidence", today=TODAY)
    hearing.refresh_from_db()
    assert hearing.adjourned_because == "accused_absent" and hearing.held_on == day(20)
    audit = AuditEvent.objects.filter(action__in=["hearing.record", "hearing.edit"]).order_by("seq")
    assert [e.action for e in audit] == ["hearing.record", "hearing.edit"]
    assert audit[0].changes["hostile"] == 1
    for event in AuditEvent.objects.filter(action__startswith=("fir.")) | AuditEvent.objects.filter(
            action__startswith="hearing."):
        text = str(event.changes)
        assert "Rahima" not in text and "threatened" not in text


def test_roles_act_only_within_their_part(users, n24p_case, station):
    _fir(users["ahtu_n24p"], n24p_case, station)
    with pytest.raises(PermissionDenied):  # prosecutors keep the court record, not the investigation
        services.add_accused(actor=users["prosecutor"], case=n24p_case)
    with pytest.raises(PermissionDenied):  # another district
        _fir(users["ahtu_kish"], n24p_case, station, number="9/2026")
    with pytest.raises(PermissionDenied):  # care roles see no legal file
        services.add_accused(actor=users["ngo_n24p"], case=n24p_case)
    assert not CourtCase.objects.exists() and not Accused.objects.exists()
