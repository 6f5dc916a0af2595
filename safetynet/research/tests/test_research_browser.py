"""The research pages in Chromium: the researcher reads what is available, requests private
counts until the budget refuses, and compares with CTDC and NCRB (screenshots 7x-research-*)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in
from safetynet.research import reference

from .factories import random_victims

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_researcher_downloads_requests_counts_and_compares(base, browser, viewport, name):
    random_victims(400, seed=5, skew=0.8)
    call_command("load_reference_data", "--ncrb-2018", str(reference.NCRB_2018_DIR), stdout=io.StringIO())
    call_command("load_ctdc_reference", "--ncrb-2018", str(reference.NCRB_2018_DIR), stdout=io.StringIO())
    context = browser.new_context(accept_downloads=True, **viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, base, "researcher", "/research/")
        page.goto(f"{base}/research/")
        assert page.locator("h1").inner_text() == "Research data"
        rows, suppressed = int(page.locator("#export-rows").inner_text()), int(
            page.locator("#export-suppressed").inner_text())
        assert rows > 0 and rows + suppressed == int(page.locator("#export-victims").inner_text())
        assert "k = 11" in page.content()
        shot(page, f"7x-research-home-{name}")
        assert horizontal_overflow(page)[0] <= horizontal_overflow(page)[1], overflowing_elements(page)

        with page.expect_download() as download:
            page.click("text=Download the CSV")
        text = open(download.value.path(), encoding="utf-8").read()
        assert text.startswith("# SafetyNet de-identified") and f"Rows in this file: {rows}." in text

        page.click("text=Private counts")
        year = str(timezone.localdate().year)
        page.fill("#id_year_from", year)
        page.select_option("#id_epsilon", "1.0")
        for _i in range(3):
            page.goto(f"{base}/research/aggregates/")
            page.fill("#id_year_from", year)
            page.select_option("#id_epsilon", "1.0")
            with page.expect_navigation():
                page.click("main button[type=submit]")
            assert "/research/aggregates/" in page.url and page.locator("#release-epsilon").is_visible()
        if name == "desktop":
            shot(page, f"7x-research-release-{name}")
        page.goto(f"{base}/research/aggregates/")
        page.select_option("#id_epsilon", "0.1")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "Refused: this release would spend ε 0.1" in page.locator("#epsilon-error").inner_text()
        shot(page, f"7x-research-refused-{name}")

        page.click("text=Reference comparison")
        assert page.locator("#row-female td").count() == 3
        assert "%" in page.locator("#row-female td").nth(1).inner_text()
        shot(page, f"7x-research-compare-{name}")
        assert horizontal_overflow(page)[0] <= horizontal_overflow(page)[1], overflowing_elements(page)
    finally:
        context.close()
