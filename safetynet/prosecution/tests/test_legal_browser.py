"""The legal file in Chromium: the AHTU officer records the FIR, the accused, the arrest and
the charge sheet (and is told, without losing anything, when a date is out of order); the
prosecutor, on a phone, records the court case, a hearing with witness attendance and the
verdict; the AHTU head sees an overdue charge sheet. Screenshots 60-…"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.core.tests.browser import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    overflowing_elements,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser]


def ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def case(base):
    """An N24P case with a victim, a suspect and a witness; the prosecutor is on its team; a
    second case has an accused arrested 100 days ago with no charge sheet (overdue)."""
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Agency, Jurisdiction
    from safetynet.cases import services as cases
    from safetynet.prosecution import services as legal

    officer, head = User.objects.get(username="ahtu.n24p"), User.objects.get(username="head.n24p")
    place = Jurisdiction.objects.get(code="IN-WB-N24P-BONG")
    case = cases.open_case(actor=officer, title="Girls moved through Petrapole", kind="sexual_exploitation",
                           jurisdiction=place)
    cases.add_party(actor=officer, case=case, role="victim", sex="female", age_band="12-17",
                    identity={"name_latin": "Rahima Khatun"})
    cases.add_party(actor=officer, case=case, role="suspect", sex="male", age_band="26-40",
                    identity={"name_latin": "Md. Rafiq Sheikh"})
    cases.add_party(actor=officer, case=case, role="witness", sex="female", age_band="41+",
                    identity={"name_latin": "Minati Mondal"})
    cases.add_team_member(actor=head, case=case, user=User.objects.get(username="prosecutor.n24p"))
    stale = cases.open_case(actor=officer, title="Boys in a zari unit", kind="child_labour", jurisdiction=place)
    legal.record_fir(actor=officer, case=stale, police_station=Agency.objects.get(short_code="PS-BONG"),
                     number="31/2026", registered_on=timezone.localdate() - datetime.timedelta(days=110),
                     section_codes=["BNS-143"])
    accused = legal.add_accused(actor=officer, case=stale)
    legal.record_arrest(actor=officer, accused=accused, expected_version=accused.version,
                        arrested_on=timezone.localdate() - datetime.timedelta(days=100), custody="judicial")
    case.stale = stale
    return case


def _fits(page, where):
    width, inner = horizontal_overflow(page)
    assert width <= inner + 1, f"{where} scrolls sideways: {overflowing_elements(page)}"


def test_fir_to_verdict(base, browser, case):
    from safetynet.prosecution.models import Accused, Hearing

    desk = browser.new_context(**DESKTOP).new_page()
    sign_in(desk, base, "ahtu.n24p", f"/cases/{case.public_id}/")
    desk.get_by_role("link", name="Legal file: FIR, accused, court").click()
    desk.wait_for_url(f"{base}/prosecution/cases/{case.public_id}/")
    assert "No FIR recorded yet." in desk.content()
    shot(desk, "60-legal-file-empty")

    desk.get_by_text("Record an FIR").click()
    desk.select_option("#id_police_station", label="Bongaon Police Station")
    desk.fill("#id_number", "112/2026")
    desk.fill("#id_registered_on", ago(90))
    desk.get_by_label("s.143 — Trafficking of person").check()
    desk.get_by_label("s.5 — Procuring, inducing or taking a person for the sake of prostitution").check()
    desk.get_by_role("button", name="Record FIR").click()
    desk.wait_for_load_state()
    assert "FIR 112/2026 recorded." in desk.content()
    assert "90 days from each arrest" in desk.locator("#h-summary").locator("..").inner_text()

    desk.get_by_text("Add an accused").click()
    desk.select_option("#id_party", index=1)
    desk.get_by_role("button", name="Add accused").click()
    desk.wait_for_load_state()
    a1 = Accused.objects.get(case=case)
    assert a1.code == "A1"

    desk.get_by_text("Update A1").click()
    desk.fill(f"#id_arrest-{a1.pk}-arrested_on", ago(80))
    desk.select_option(f"#id_arrest-{a1.pk}-custody", label="Judicial custody")
    desk.get_by_role("button", name="Record arrest").click()
    desk.wait_for_load_state()
    row = desk.locator("#accused-A1").inner_text()
    assert "10 days left" in row and "Judicial custody" in row
    shot(desk, "61-legal-file-deadline")

    # A charge sheet dated before the arrest: refused, explained beside the field, nothing saved.
    desk.get_by_text("Update A1").click()
    desk.fill(f"#id_report-{a1.pk}-report_on", ago(85))
    desk.get_by_role("button", name="File report").click()
    desk.wait_for_load_state()
    assert "The report cannot be before the arrest" in desk.content()
    a1.refresh_from_db()
    assert a1.report == ""
    shot(desk, "62-legal-file-date-refused")
    desk.fill(f"#id_report-{a1.pk}-report_on", ago(20))
    desk.get_by_role("button", name="File report").click()
    desk.wait_for_load_state()
    assert "Charge sheet" in desk.locator("#accused-A1").inner_text()

    # The prosecutor, on a phone, takes it to court.
    phone = browser.new_context(**PHONE).new_page()
    sign_in(phone, base, "prosecutor.n24p", f"/prosecution/cases/{case.public_id}/")
    assert "Record an FIR" not in phone.content()  # the investigation is the police's part
    phone.get_by_text("Record the court case").click()
    phone.fill("#id_court", "Special Court (POCSO), Barasat")
    phone.fill("#id_number", "SC 45/2026")
    phone.fill("#id_filed_on", ago(15))
    phone.get_by_role("button", name="Record court case").click()
    phone.wait_for_load_state()
    court = case.court_cases.get()
    prefix = f"#id_hearing-{court.pk}"
    phone.get_by_text("Record a hearing").click()
    phone.fill(f"{prefix}-held_on", ago(10))
    phone.select_option(f"{prefix}-outcome", label="Adjourned")
    phone.select_option(f"{prefix}-adjourned_because", label="Witness absent")
    phone.fill(f"{prefix}-next_date", ago(-7))  # a week ahead
    victim = case.parties.get(role="victim")
    witness = case.parties.get(role="witness")
    phone.check(f"{prefix}-summoned_{victim.pk}")
    phone.check(f"{prefix}-summoned_{witness.pk}")
    phone.check(f"{prefix}-attended_{witness.pk}")
    _fits(phone, "the hearing form")
    shot(phone, "63-phone-hearing-form")
    phone.get_by_role("button", name="Record hearing").click()
    phone.wait_for_load_state()
    hearing = Hearing.objects.get()
    assert hearing.adjourned_because == "witness_absent" and hearing.attendance.count() == 2
    assert "absent" in phone.content()
    assert "Nobody is known to need protection." in phone.content()

    # The victim was threatened: the prosecutor assesses the risk and asks for in-camera testimony.
    phone.get_by_text("Assess risk").click()
    phone.select_option("#id_risk-party", index=0)
    phone.fill("#id_risk-assessed_on", ago(2))
    phone.check("#id_risk-threats_received")
    phone.get_by_label("High").check()
    phone.get_by_role("button", name="Save assessment").click()
    phone.wait_for_load_state()
    phone.get_by_text("Add a protection measure").click()
    phone.select_option("#id_measure-kind", label="In-camera testimony")
    phone.fill("#id_measure-starts_on", ago(1))
    phone.get_by_role("button", name="Add measure").click()
    phone.wait_for_load_state()
    box = phone.locator(".msg.warning").inner_text()
    assert "Needs protection:" in box and victim.person.code in box and "in-camera testimony" in box
    _fits(phone, "the legal file with protection")
    shot(phone, "63b-phone-protection")

    phone.get_by_text("Update A1").click()
    phone.select_option(f"#id_verdict-{a1.pk}-verdict", label="Convicted")
    phone.fill(f"#id_verdict-{a1.pk}-verdict_on", ago(1))
    phone.fill(f"#id_verdict-{a1.pk}-sentence", "10 years' rigorous imprisonment")
    phone.get_by_role("button", name="Record verdict").click()
    phone.wait_for_load_state()
    assert "Convicted" in phone.locator("#accused-A1").inner_text()
    assert "Rahima" not in phone.content()  # codes, never names, in the legal file
    _fits(phone, "the legal file")
    shot(phone, "64-phone-legal-file-verdict")

    # The head's list: the other case's accused is past the 90 days.
    head = browser.new_context(**DESKTOP).new_page()
    sign_in(head, base, "head.n24p", "/prosecution/deadlines/")
    overdue = head.locator("#h-overdue").locator("..").inner_text()
    assert case.stale.reference in overdue and "overdue by 10 days" in overdue
    assert case.reference not in overdue
    shot(head, "65-deadlines-overdue")
    head.goto(f"{base}/prosecution/hearings/")
    assert "SC 45/2026" in head.content() and victim.person.code in head.content()
    shot(head, "65b-next-hearings")
    head.goto(f"{base}/prosecution/indicators/")
    assert "Charge-sheeting rate, your cases" in head.content()
    shot(head, "66-prosecution-indicators")
