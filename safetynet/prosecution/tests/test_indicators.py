"""The project's prosecution formulas against NCRB's printed figures (Crime in India 2018),
and the indicators counted from legal files."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from safetynet.agencies.models import Agency
from safetynet.cases.models import Case, CaseParty
from safetynet.prosecution import indicators, services
from safetynet.stats.models import ReferenceRow

pytestmark = pytest.mark.django_db

# Copies of ../shared/data/ncrb/ncrb2018_bsnandhini (checksums in data/ncrb2018/SOURCE.md).
NCRB_2018 = Path(__file__).resolve().parent / "data" / "ncrb2018"


@pytest.fixture
def ncrb(db):
    call_command("load_reference_data", "--ncrb-2018", str(NCRB_2018), stdout=io.StringIO())
    return {code: list(ReferenceRow.objects.filter(dataset__code=code))
            for code in ("ncrb-2018-police-disposal", "ncrb-2018-persons-disposal", "ncrb-2018-victims-trafficked")}


def test_formulas_reproduce_ncrbs_printed_rates(ncrb):
    rows = ncrb["ncrb-2018-police-disposal"]
    assert len(rows) == 36
    checked = 0
    for row in rows:
        v = row.values
        if v["chargesheeted"] + v["final_reports"]:
            assert indicators.chargesheeting_rate(v["chargesheeted"], v["final_reports"]) == v["chargesheeting_rate"], \
                row.region
            checked += 1
        if v["convicted"] + v["acquitted"]:
            assert indicators.conviction_rate(v["convicted"], v["acquitted"]) == v["conviction_rate"], row.region
            checked += 1
    assert checked == 47  # every printed rate whose denominator is not zero (the rest print 0.0 or nothing)
    by_state = {r.region: r.values for r in rows}
    # Spot checks against the printed table: Andhra Pradesh 219 / (219 + 13) = 94.4; 29 / (29 + 219) = 11.7.
    assert by_state["Andhra Pradesh"]["chargesheeting_rate"] == 94.4 == indicators.chargesheeting_rate(219, 13)
    assert by_state["Andhra Pradesh"]["conviction_rate"] == 11.7 == indicators.conviction_rate(29, 219)
    assert indicators.conviction_rate(0, 0) is None  # nothing decided: no rate, not 0 %
    # Every row adds up (trials completed = convicted + acquitted) and every printed rate matches.
    assert indicators.check_police_disposal(rows) == []


def test_rows_that_do_not_add_up_are_flagged(ncrb):
    problems = indicators.check_sex_totals(ncrb["ncrb-2018-victims-trafficked"])
    # The known quirk of this transcription: Delhi's under-18 row says 99 boys + 531 girls = 432.
    assert [(p.region, p.what) for p in problems] == [("Delhi UT (Below 18)", "male 99 + female 531 ≠ total 432")]
    # The checker is not blind: a row whose printed rate is wrong and whose parts disagree is caught.
    row = ncrb["ncrb-2018-police-disposal"][1]
    row.values = {**row.values, "chargesheeted": 10, "final_reports": 10, "chargesheeting_rate": 60.0,
                  "convicted": 3, "acquitted": 1, "trials_completed": 5, "conviction_rate": 75.0}
    found = [p.what for p in indicators.check_police_disposal([row])]
    assert found == ["charge-sheeting rate: printed 60.0, computed 50.0",
                     "trials completed 5 ≠ convicted 3 + acquitted 1"]


def test_indicators_counted_from_legal_files(users, n24p_case, kish_case):
    officer, today = users["ahtu_n24p"], datetime.date(2026, 11, 30)

    def ago(n):
        return today - datetime.timedelta(days=n)

    station = Agency.objects.get(short_code="PS-BONG")
    services.record_fir(actor=officer, case=n24p_case, police_station=station, number="5/2026",
                        registered_on=ago(200), section_codes=["BNS-143"], today=today)
    suspect = CaseParty.objects.get(case=n24p_case, role="suspect")
    a1 = services.add_accused(actor=officer, case=n24p_case, party=suspect)
    a1 = services.record_arrest(actor=officer, accused=a1, expected_version=1, arrested_on=ago(190),
                                custody="judicial", today=today)
    a1 = services.file_police_report(actor=officer, accused=a1, expected_version=a1.version, report="charge_sheet",
                                     report_on=ago(120), today=today)
    court = services.open_court_case(actor=officer, case=n24p_case, court="Special Court", number="SC 9",
                                     filed_on=ago(110), today=today)
    victim = CaseParty.objects.get(case=n24p_case, role="victim")
    witness = CaseParty.objects.get(case=n24p_case, role="witness")
    services.record_hearing(actor=officer, court_case=court, held_on=ago(100), outcome="adjourned",
                            adjourned_because="witness_absent", attendance={victim.pk: (False, False)}, today=today)
    services.record_hearing(actor=officer, court_case=court, held_on=ago(60), outcome="evidence",
                            attendance={victim.pk: (True, False), witness.pk: (True, True)}, today=today)
    services.record_verdict(actor=officer, accused=a1, expected_version=a1.version, verdict="convicted",
                            verdict_on=ago(20), sentence="10 years' rigorous imprisonment", today=today)
    # A second case closed by a final report.
    other = services.record_fir(actor=users["ahtu_kish"], case=kish_case,
                                police_station=Agency.objects.get(short_code="AHTU-KISH"), number="7/2026",
                                registered_on=ago(90), section_codes=["JJ-79"], today=today)
    k1 = services.add_accused(actor=users["ahtu_kish"], case=other.case)
    services.file_police_report(actor=users["ahtu_kish"], accused=k1, expected_version=k1.version,
                                report="final_report", report_on=ago(30), today=today)

    found = indicators.case_indicators(Case.objects.filter(pk__in=[n24p_case.pk, kish_case.pk]))
    assert (found["chargesheeted"], found["final_reports"], found["chargesheeting_rate"]) == (1, 1, 50.0)
    assert (found["convicted"], found["acquitted"], found["conviction_rate"]) == (1, 0, 100.0)
    assert found["median_days_fir_to_charge_sheet"] == 80
    assert found["median_days_charge_sheet_to_verdict"] == 100
    assert (found["hearings"], found["adjournments"], found["adjournments_per_case"]) == (2, 1, 1.0)
    assert (found["summoned"], found["attended"], found["witness_attendance_rate"]) == (3, 2, 66.7)
    assert found["turned_hostile"] == 1
    # Seen by the N24P officer only their own district's case counts.
    mine = indicators.case_indicators(Case.objects.visible_to(officer, "legal.view"))
    assert mine["final_reports"] == 0 and mine["chargesheeted"] == 1


def test_indicator_page_sets_ncrbs_national_rates_beside_the_users_own(ncrb, users):
    from safetynet.conftest import signed_in

    rows = [r.values for r in ncrb["ncrb-2018-police-disposal"]]
    sheets, finals = sum(v["chargesheeted"] for v in rows), sum(v["final_reports"] for v in rows)
    convicted, acquitted = sum(v["convicted"] for v in rows), sum(v["acquitted"] for v in rows)
    page = signed_in(users["ahtu_n24p"]).get("/prosecution/indicators/").content.decode()
    assert "NCRB 2018 (India)" in page
    assert f"{indicators.chargesheeting_rate(sheets, finals)} %" in page
    assert f"{indicators.conviction_rate(convicted, acquitted)} %" in page
    assert "NCRB rows whose figures do not add up" not in page  # the police table is consistent
    assert signed_in(users["researcher"]).get("/prosecution/indicators/").status_code == 404
