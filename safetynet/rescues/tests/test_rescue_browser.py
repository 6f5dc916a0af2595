"""The whole path in Chromium: the AHTU officer requests an operation, writes the plan, builds
a team the SOP check accepts, records the outcome (a child and a woman rescued, a suspect
arrested) and sees the CWC clock start; in the case's legal file, the FIR, the arrest and the
charge sheet; then the prosecutor takes it to court: the court case, a hearing, the verdict.
A colleague not on the team sees that the operation exists but not its plan. Screenshots 70-…
(prosecution/tests/test_legal_browser.py goes through the legal file's refusals in detail)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]

TARGET = "Second floor above the Sonali hotel, Petrapole road"


def _at(hours: float) -> str:
    return (timezone.localtime() + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_plan_rescue_outcome_then_fir(base, browser):
    from safetynet.prosecution.models import Accused
    from safetynet.rescues.models import ChildProduction, RescueOperation

    page = browser.new_context(**DESKTOP).new_page()
    sign_in(page, base, "ahtu.n24p", "/rescues/")
    page.get_by_role("link", name="Request a rescue operation").click()
    page.select_option("#id_jurisdiction", label="Bongaon Police Station")
    page.fill("#id_reason", "Three girls held above a hotel near the border, seen by the BSF post.")
    page.get_by_role("button", name="Request").click()
    page.wait_for_load_state()
    rescue = RescueOperation.objects.get()

    page.get_by_text("Write the plan").click()
    page.fill("#id_planned_for", _at(-3))
    page.fill("#id_target", TARGET)
    page.fill("#id_information", "Three girls, one about 14, brought from Satkhira last week.")
    page.fill("#id_verification", "Decoy customer; BSF informer.")
    page.check("#id_expects_women_or_children")
    page.fill("#id_warrant", "SW 12/2026, ACJM Bongaon")
    page.get_by_role("button", name="Save plan").click()
    page.wait_for_load_state()
    assert TARGET in page.content()

    # The SOP check refuses a team without two women officials and an NGO representative.
    page.get_by_role("button", name="Plan and team ready").click()
    page.wait_for_load_state()
    assert "at least two women officials" in page.content()
    shot(page, "70-rescue-team-check")
    for label, kind, woman in (("SI Rina Das", "Police official", True), ("ASI Mita Roy", "Police official", True)):
        page.get_by_text("Add to the team").click()
        page.fill("#id_label", label)
        page.select_option("#id_kind", label=kind)
        if woman:
            page.check("#id_woman")
        page.get_by_role("button", name="Add to team").click()
        page.wait_for_load_state()
    page.get_by_text("Add to the team").click()
    page.fill("#id_username", "ngo.n24p")
    page.select_option("#id_kind", label="NGO representative")
    page.check("#id_woman")
    page.get_by_role("button", name="Add to team").click()
    page.wait_for_load_state()
    assert "The team meets the SOP." in page.content()
    page.get_by_role("button", name="Plan and team ready").click()
    page.wait_for_load_state()
    assert page.locator("#rescue-status").inner_text() == "Planned"

    # A colleague in the same unit, not on the team, sees the operation but not its plan.
    head = browser.new_context(**PHONE).new_page()
    sign_in(head, base, "head.n24p", f"/rescues/{rescue.public_id}/")
    assert "visible only to the team" in head.content() and TARGET not in head.content()
    shot(head, "71-phone-rescue-not-on-team")

    page.fill("#id_ended_at", _at(-1))
    page.fill("#id_places_searched", "2")
    page.select_option("#id_rescued-0-sex", label="Female")
    page.select_option("#id_rescued-0-age_band", label="12–17")
    page.select_option("#id_rescued-0-nationality", label="Bangladesh")
    page.fill("#id_rescued-0-name", "Rohima Khatoon")
    page.select_option("#id_rescued-1-sex", label="Female")
    page.select_option("#id_rescued-1-age_band", label="18–25")
    page.select_option("#id_suspects-0-sex", label="Male")
    page.fill("#id_suspects-0-name", "Md. Rafiq")
    shot(page, "72-rescue-outcome-form")
    page.get_by_role("button", name="Record outcome").click()
    page.wait_for_load_state()
    rescue.refresh_from_db()
    assert rescue.status == "done" and rescue.case is not None
    child = ChildProduction.objects.get()
    assert "due by" in page.locator("#h-children").locator("..").inner_text()
    assert child.person.code in page.content() and "Rohima" not in page.content()
    shot(page, "73-rescue-done-cwc-clock")
    width, inner = horizontal_overflow(head)
    assert width <= inner + 1, overflowing_elements(head)
    head.reload()
    assert TARGET in head.content()  # the operation is over: the unit may read the plan now

    # On to the legal file of the case the rescue opened: the suspect is already A1.
    page.get_by_role("link", name=rescue.case.reference).click()
    page.get_by_role("link", name="Legal file: FIR, accused, court").click()
    assert Accused.objects.get(case=rescue.case).code == "A1"
    page.get_by_text("Record an FIR").click()
    page.select_option("#id_police_station", label="Bongaon Police Station")
    page.fill("#id_number", "140/2026")
    page.fill("#id_registered_on", timezone.localdate().isoformat())
    page.get_by_label("s.143 — Trafficking of person").check()
    page.get_by_label("s.4 — Penetrative sexual assault").check()
    page.get_by_role("button", name="Record FIR").click()
    page.wait_for_load_state()
    a1 = Accused.objects.get(case=rescue.case)
    page.get_by_text("Update A1").click()
    page.fill(f"#id_arrest-{a1.pk}-arrested_on", timezone.localdate().isoformat())
    page.select_option(f"#id_arrest-{a1.pk}-custody", label="Police custody")
    page.get_by_role("button", name="Record arrest").click()
    page.wait_for_load_state()
    assert "90 days left" in page.locator("#accused-A1").inner_text()
    shot(page, "74-legal-file-after-rescue")
    page.get_by_text("Update A1").click()
    page.fill(f"#id_report-{a1.pk}-report_on", timezone.localdate().isoformat())
    page.get_by_role("button", name="File report").click()
    page.wait_for_load_state()
    assert "Charge sheet" in page.locator("#accused-A1").inner_text()

    # The prosecutor, put on the case team by the AHTU head, takes it to court.
    from safetynet.accounts.models import User
    from safetynet.cases.services import add_team_member

    add_team_member(actor=User.objects.get(username="head.n24p"), case=rescue.case,
                    user=User.objects.get(username="prosecutor.n24p"))
    court = browser.new_context(**PHONE).new_page()
    sign_in(court, base, "prosecutor.n24p", f"/prosecution/cases/{rescue.case.public_id}/")
    court.get_by_text("Record the court case").click()
    court.fill("#id_court", "Special Court (POCSO), Barasat")
    court.fill("#id_number", "SC 88/2026")
    court.fill("#id_filed_on", timezone.localdate().isoformat())
    court.get_by_role("button", name="Record court case").click()
    court.wait_for_load_state()
    court_case = rescue.case.court_cases.get()
    court.get_by_text("Record a hearing").click()
    court.fill(f"#id_hearing-{court_case.pk}-held_on", timezone.localdate().isoformat())
    court.select_option(f"#id_hearing-{court_case.pk}-outcome", label="Evidence recorded")
    victim = rescue.case.parties.filter(role="victim").order_by("id").first()
    court.check(f"#id_hearing-{court_case.pk}-summoned_{victim.pk}")
    court.check(f"#id_hearing-{court_case.pk}-attended_{victim.pk}")
    court.get_by_role("button", name="Record hearing").click()
    court.wait_for_load_state()
    court.get_by_text("Update A1").click()
    court.select_option(f"#id_verdict-{a1.pk}-verdict", label="Convicted")
    court.fill(f"#id_verdict-{a1.pk}-verdict_on", timezone.localdate().isoformat())
    court.fill(f"#id_verdict-{a1.pk}-sentence", "10 years' rigorous imprisonment")
    court.get_by_role("button", name="Record verdict").click()
    court.wait_for_load_state()
    assert "Convicted" in court.locator("#accused-A1").inner_text()
    shot(court, "75-phone-verdict-after-rescue")
