"""The "Prevention and training" figures on /stats/ in Chromium, on a phone and at a desk
(screenshots 98-stats-programmes-*), over the demo's Kishanganj and training records."""

from __future__ import annotations

import pytest

from safetynet.core.demo import SeedResult, seed_programmes
from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_me_officer_reads_the_seed_figures(base, browser, viewport, name):
    seed_programmes({}, SeedResult())
    context = browser.new_context(**viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, base, "me.officer", "/stats/")
        page.goto(f"{base}/stats/#programmes")
        section = page.locator("#programmes")
        assert section.is_visible()
        section.scroll_into_view_if_needed()
        for key, shown in (("committees", "102"), ("fake_marriages", "233"), ("child_marriages", "108"),
                           ("child_labour", "222"), ("counselled", "209"), ("sent_home", "15"),
                           ("reached", "65,000"), ("trained", "13,490"), ("training_programmes", "390"),
                           ("training_states", "5"), ("training_centres", "8")):
            assert page.locator(f"#fig-{key}").inner_text() == shown, key
        shot(page, f"98-stats-programmes-{name}")
        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)
    finally:
        context.close()
