"""The tip story in Chromium: a villager reports from a phone without signing in, gets a
receipt, checks it; the AHTU officer finds it at the top of the queue, acknowledges it and
calls the reporter back; the reporter's status page changes. Screenshots 40-…"""

from __future__ import annotations

import re

import pytest

from safetynet.core.tests.browser import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    overflowing_elements,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser]


def _fits(page, where):
    width, inner = horizontal_overflow(page)
    assert width <= inner + 1, f"{where} scrolls sideways: {overflowing_elements(page)}"


def test_villager_reports_and_officer_triages(base, browser):
    from safetynet.tips.models import Tip

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{base}/report/")
    _fits(page, "the report form")
    shot(page, "40-phone-report-form")
    page.get_by_label("Person being moved across the border").check()
    page.get_by_label(re.compile("It is happening now")).check()
    page.select_option("#id_jurisdiction", label="Petrapole border sector — North 24 Parganas")
    page.fill("#id_place", "Petrapole truck parking")
    page.fill("#id_description", "Two girls crying in a white Bolero, a man holding their phones.")
    page.fill("#id_vehicles", "WB 26 K 4321")
    page.fill("#id_reporter_phone", "+91 98300 44444")
    page.get_by_label("The police may call me back").check()
    with page.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        page.get_by_role("button", name="Send report").click()
    code = page.locator("#receipt-code")
    code.wait_for()
    receipt = code.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt), receipt
    _fits(page, "the receipt")
    shot(page, "41-phone-receipt")
    tip = Tip.objects.get()
    assert tip.urgency == "immediate"

    page.goto(f"{base}/report/status/")
    page.fill("#id_receipt", receipt)
    page.get_by_role("button", name="Check").click()
    page.locator("#status-result").wait_for()
    assert "waiting to be looked at" in page.locator("#status-result").inner_text()
    assert "Bolero" not in page.content()
    shot(page, "42-phone-status-waiting")

    office_context = browser.new_context(**DESKTOP)
    office = office_context.new_page()
    sign_in(office, base, "ahtu.n24p")
    assert tip.reference in office.locator("#h-tips").locator("..").inner_text()  # on the dashboard
    shot(office, "43-dashboard-with-tips")
    office.get_by_role("link", name="Triage queue").click()
    office.wait_for_url(f"{base}/tips/")
    first_row = office.locator("#tip-queue tbody tr").first
    assert tip.reference in first_row.inner_text() and "Immediate" in first_row.inner_text()
    shot(office, "44-triage-queue")
    first_row.get_by_role("link", name=tip.reference).click()
    office.wait_for_url(f"{base}/tips/{tip.public_id}/")
    assert "98300 44444" not in office.content()
    office.get_by_role("button", name="Show reporter").click()
    office.locator("#reporter-phone").wait_for()
    assert office.locator("#reporter-phone").inner_text() == "+91 98300 44444"
    shot(office, "45-tip-detail-reporter-shown")
    with office.expect_navigation():
        office.get_by_role("button", name="Acknowledge").click()
    assert "Acknowledged" in office.locator(".messages").inner_text()

    page.goto(f"{base}/report/status/")
    page.fill("#id_receipt", receipt)
    page.get_by_role("button", name="Check").click()
    page.locator("#status-result").wait_for()
    assert "The police are looking into it." in page.locator("#status-result").inner_text()
    shot(page, "46-phone-status-acknowledged")
    # Close both browsers' connections so the live server releases its database session.
    office_context.close()
    phone.close()
