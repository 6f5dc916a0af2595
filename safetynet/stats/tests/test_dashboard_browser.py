"""The indicator dashboard in Chromium, at a desk and on a phone (screenshots 7x-dashboard-*): the
M&E officer filters to Bihar, reads the charts and the district map, opens a definition and
the numbers under a chart, and downloads the PDF report for the ministry."""

from __future__ import annotations

import pytest

from safetynet.core.tests.browser import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    horizontal_overflow,
    overflowing_elements,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser]


def _seed():
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Agency
    from safetynet.core.demo import SeedResult, seed_care, seed_cases, seed_legal_files, seed_programmes

    agencies = {a.short_code: a for a in Agency.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    seed_cases(agencies, users, SeedResult(), per_agency=12)
    seed_legal_files(users, SeedResult())
    seed_care(users, SeedResult())
    seed_programmes({}, SeedResult())


@pytest.mark.parametrize("viewport, name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_me_officer_filters_reads_and_downloads(base, browser, viewport, name):
    _seed()
    context = browser.new_context(accept_downloads=True, **viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, base, "me.officer", "/stats/")
        page.goto(f"{base}/stats/")
        assert page.locator("#fig-cases").is_visible()
        assert page.locator("#t-cases_per_period svg.dash-chart").is_visible()
        shot(page, f"7x-dashboard-{name}")

        # Filter: Bihar, the programme years 2006-2009 (a plain GET form: the choice is in the URL).
        page.select_option("#id_state", "IN-BR")
        page.select_option("#id_preset", "custom")
        page.fill("#id_start", "2006-01-01")
        page.fill("#id_end", "2009-12-31")
        with page.expect_navigation():
            page.click(".dash-filters button[type=submit]")
        assert "state=IN-BR" in page.url
        assert "Bihar" in page.locator("#filter-description").inner_text()
        assert page.locator("#fig-committees").inner_text() == "102"
        assert page.locator("#fig-trained").inner_text() != "0"
        page.locator("#programmes").scroll_into_view_if_needed()
        committees = page.locator("#t-committees_by_district")
        assert committees.locator("svg.district-map-svg").is_visible()

        # A definition is one click away; so are the numbers under a chart.
        page.locator("#def-committees summary").click()
        assert page.locator("#def-committees p").is_visible()
        reach = page.locator("#t-reached_per_period")
        reach.locator(".dash-numbers summary").click()
        assert reach.locator("table").is_visible()
        shot(page, f"7x-dashboard-bihar-{name}")

        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)

        with page.expect_download() as download:
            page.click(".dash-downloads a[href*='report.pdf']")
        assert download.value.suggested_filename.endswith(".pdf")
        download.value.save_as(SCREENSHOTS / f"7x-report-bihar-{name}.pdf")
    finally:
        context.close()
