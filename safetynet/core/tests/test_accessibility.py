"""Accessibility: axe-core (vendored, MPL-2.0, tests only) finds no serious or critical
WCAG 2 A/AA problem on the core screens, on a desktop and on a phone."""

from pathlib import Path

import pytest

from safetynet.conftest import ensure_world

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser_world(transactional_db, live_server):
    ensure_world()
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction
    from safetynet.cases import services

    officer = User.objects.get(username="ahtu.n24p")
    case = services.open_case(actor=officer, title="Accessibility check case", kind="forced_labour",
                              jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"))
    party = services.add_party(actor=officer, case=case, role="victim",
                               identity={"name_native": "রহিমা খাতুন", "name_latin": "Rahima Khatun"})
    return live_server.url, case, party.person


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _sign_in(page, base, username):
    from safetynet.accounts.models import User
    from safetynet.accounts.totp import confirmed_device, current_code
    from safetynet.core.demo import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    if "/accounts/verify/" in page.url:
        page.fill("#id_token", current_code(confirmed_device(User.objects.get(username=username))))
        page.click("main button[type=submit]")


def _serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_core_screens_have_no_serious_accessibility_problems(browser_world, browser, viewport):
    base, case, person = browser_world
    # bypass_csp only lets the test inject axe-core; the pages themselves allow no inline script.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    problems = {}
    page.goto(f"{base}/accounts/login/")
    problems["login"] = _serious_violations(page)
    _sign_in(page, base, "ahtu.n24p")
    for name, path in [("dashboard", "/"), ("case list", "/cases/"), ("new case", "/cases/new/"),
                       ("case", f"/cases/{case.public_id}/"), ("add person", f"/cases/{case.public_id}/parties/new/"),
                       ("person", f"/people/{person.public_id}/"), ("sessions", "/accounts/sessions/")]:
        page.goto(base + path)
        problems[name] = _serious_violations(page)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}
