"""The spreadsheet import on a phone, in Chromium: a file with a bad row is refused with its
row and column shown (screenshot 7x-import-problems), the corrected file is imported and its
records are listed (7x-import-done) and counted on the landing page (7x-programmes-home)."""

from __future__ import annotations

import pytest

from safetynet.core.tests.browser import PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]

HEADER = b"district,village,formed_on,members_female,members_male,active\n"
GOOD = b"IN-BR-KISH,Belwa,2009-03-14,7,5,yes\nKishanganj,Chakla,01/04/2009,3,8,yes\n"


def _choose(page, name: str, content: bytes) -> None:
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def test_import_committees_on_a_phone(base, browser):
    from safetynet.programmes.models import VigilanceCommittee

    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, base, "ngo.kish", "/programmes/")
        page.goto(f"{base}/programmes/")
        with page.expect_navigation():
            page.click("#h-committees ~ p.actions >> text=Import a spreadsheet")
        assert "/programmes/committees/import/" in page.url

        _choose(page, "committees.csv", HEADER + GOOD + b"IN-BR-KISH,Dalla,2009-13-01,4,4,yes\n")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.locator("#h-problems").inner_text() == "Nothing was imported"
        cells = page.locator("#problem-list tbody tr").first.locator("td").all_inner_texts()
        assert cells == ["4", "formed_on", "Enter a date as YYYY-MM-DD or DD/MM/YYYY."]
        assert not VigilanceCommittee.objects.exists()
        shot(page, "7x-import-problems")
        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)

        _choose(page, "committees.csv", HEADER + GOOD + b"IN-BR-KISH,Dalla,2009-01-13,4,4,yes\n")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url.endswith("/programmes/committees/")
        assert "3 records imported." in page.locator(".messages").inner_text()
        assert "Chakla" in page.locator("table").inner_text()
        assert VigilanceCommittee.objects.count() == 3
        shot(page, "7x-import-done")
        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)

        page.goto(f"{base}/programmes/")
        assert page.locator("#count-committees").inner_text() == "3 records"
        shot(page, "7x-programmes-home")
        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)
    finally:
        context.close()
