"""The public check on a phone, without signing in (screenshots 7x-tourism-check-*), and the
caseworker's register and a signatory's page on a phone (7x-tourism-register-phone,
7x-tourism-detail-phone), over the demo register."""

from __future__ import annotations

import pytest

from safetynet.core.tests.browser import PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]


def _fits(page, where):
    width, inner = horizontal_overflow(page)
    assert width <= inner + 1, f"{where} scrolls sideways: {overflowing_elements(page)}"


def test_a_traveller_checks_a_hotel_on_a_phone(base, browser):
    from safetynet.tourism.demo import seed_tourism

    seed_tourism(None)
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{base}/tourism/check/")
        page.get_by_label("Establishment name, or certificate or registration number").fill("ka")
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()
        assert "Write at least 3 letters of the name" in page.locator("#check-form").inner_text()
        shot(page, "7x-tourism-check-short-phone")

        page.get_by_label("Establishment name, or certificate or registration number").fill("kanchenjunga")
        page.get_by_label("Town or district (optional)").fill("Darjeeling")
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()
        result = page.locator("#check-result").inner_text()
        assert "Hotel Kanchenjunga View" in result
        assert "Signatory in good standing: yes" in result
        for private in ("Pemba", "94340", "kanchenjungaview.example", "Front office"):
            assert private not in page.content()
        _fits(page, "the public check")
        shot(page, "7x-tourism-check-phone")

        page.get_by_label("Establishment name, or certificate or registration number").fill("Park Street")
        page.get_by_label("Town or district (optional)").fill("")
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()
        assert "Signatory in good standing: no" in page.locator("#check-result").inner_text()
        assert "Minors checked in" not in page.content()
        shot(page, "7x-tourism-check-no-phone")
    finally:
        context.close()


def test_the_caseworker_reads_the_register_on_a_phone(base, browser):
    from safetynet.tourism.demo import seed_tourism

    seed_tourism(None)
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, base, "ngo.n24p", "/tourism/")
        page.goto(f"{base}/tourism/")
        assert "Park Street Residency" in page.content()
        _fits(page, "the register")
        shot(page, "7x-tourism-register-phone")
        with page.expect_navigation():
            page.get_by_role("link", name="Park Street Residency").click()
        assert "Major finding open" in page.content()
        assert "Sudipta Banerjee" in page.content()
        _fits(page, "a signatory's page")
        shot(page, "7x-tourism-detail-phone")
    finally:
        context.close()
