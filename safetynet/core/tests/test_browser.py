"""The issue's user story in real Chromium over real HTTP (Playwright, Debian's chromium).

An AHTU officer of North 24 Parganas signs in with the second factor, opens a case, adds a
victim (Bengali and Latin name), a suspect and a witness, writes a note without a page
reload and sees the victim's name only after asking for it. A researcher, an NGO
caseworker of another district and the system administrator never see the case or the
name. Also: the phone layout, the language switcher and keyboard order on the login page.

Screenshots go to test-output/screenshots/ (numbered by step) for a human to look at.
"""

from __future__ import annotations

import datetime
import re

import pytest

from .browser import (
    DESKTOP,
    PHONE,
    focused,
    horizontal_overflow,
    overflowing_elements,
    shot,
    sign_in,
    submit_code,
    submit_login,
)

pytestmark = [pytest.mark.browser]

NAME_BN = "রহিমা খাতুন"
NAME_LATIN = "Rahima Khatun"


@pytest.fixture
def new_page(browser):
    """A page in a fresh browser context (own cookies): one per persona."""
    contexts = []

    def make(**options):
        context = browser.new_context(**(options or DESKTOP))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def story_case(base):
    """The story's case as the officer leaves it: victim (both scripts), suspect, witness, a note."""
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction
    from safetynet.cases import services

    officer = User.objects.get(username="ahtu.n24p")
    case = services.open_case(actor=officer, title="Girls moved through Petrapole on a job promise",
                              kind="sexual_exploitation", jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"),
                              summary="Three girls, one a minor.")
    victim = services.add_party(actor=officer, case=case, role="victim", sex="female", age_band="12-17",
                                nationality="BD", identity={"name_native": NAME_BN, "name_latin": NAME_LATIN})
    services.add_party(actor=officer, case=case, role="suspect", sex="male", age_band="26-40",
                       identity={"name_latin": "Md. Rafiq Sheikh"})
    services.add_party(actor=officer, case=case, role="witness", sex="female", age_band="41+",
                       identity={"name_latin": "Minati Mondal"})
    services.add_note(actor=officer, case=case, body="Victim statement recorded at Bongaon.")
    case.victim = victim.person
    return case


def assert_no_victim_name(page, where: str) -> None:
    html = page.content()
    assert NAME_BN not in html, f"the Bengali name leaks on {where}"
    assert NAME_LATIN.lower() not in html.lower(), f"the Latin name leaks on {where}"


def assert_not_found(page, response, where: str) -> None:
    assert response is not None
    assert response.status == 404, f"{where}: expected 404, got {response.status}"
    assert page.locator("h1").inner_text() == "Not found"
    assert "Forbidden" not in page.content()


def add_party(page, link: str, *, sex: str, age: str, nationality: str = "", native: str = "", latin: str = "",
              screenshot: str = "") -> None:
    page.get_by_role("link", name=link).click()
    page.wait_for_url(re.compile(r"/parties/new/"))
    page.select_option("#id_sex", label=sex)
    page.select_option("#id_age_band", label=age)
    if nationality:
        page.select_option("#id_nationality", label=nationality)
    if native:
        page.fill("#id_name_native", native)
    if latin:
        page.fill("#id_name_latin", latin)
    if screenshot:
        shot(page, screenshot)
    with page.expect_navigation():
        page.get_by_role("button", name="Add to case").click()
    assert re.search(r"/cases/[0-9a-f-]{36}/$", page.url), page.url
    role = link.removeprefix("Add ").capitalize()
    assert page.locator(".messages").inner_text().startswith(f"{role} "), page.locator(".messages").inner_text()


def test_officer_opens_case_and_sees_identity_only_on_request(base, new_page):
    """Story step 1: ahtu.n24p, second factor, a new case with three people and a note."""
    from django.utils import timezone

    from safetynet.audit.models import AccessEvent
    from safetynet.cases.models import Case

    page = new_page()
    page.goto(f"{base}/accounts/login/")
    shot(page, "01-login")
    submit_login(page, base, "ahtu.n24p")

    # Second factor: an identity role always gets it, and (demo mode off) no code is shown.
    assert "/accounts/verify/" in page.url, page.url
    assert page.locator("h1").inner_text() == "Two-factor check"
    assert page.locator("#demo-code").count() == 0
    shot(page, "02-two-factor")
    submit_code(page, "ahtu.n24p")
    assert page.url == f"{base}/", page.url
    shot(page, "03-dashboard")

    # Open a case.
    page.get_by_role("link", name="Open a case").click()
    page.wait_for_url(f"{base}/cases/new/")
    page.fill("#id_title", "Girls moved through Petrapole on a job promise")
    page.select_option("#id_kind", label="Sexual exploitation")
    page.select_option("#id_jurisdiction", label="North 24 Parganas")
    opened = timezone.localdate() - datetime.timedelta(days=2)
    page.fill("#id_opened_on", opened.isoformat())
    page.fill("#id_summary", "Three girls, one a minor, stopped at the border.")
    shot(page, "04-open-case-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Open case").click()
    case = Case.objects.get(title="Girls moved through Petrapole on a job promise")
    assert page.url == f"{base}/cases/{case.public_id}/"
    assert page.locator("h1").inner_text() == case.title
    assert f"Case {case.reference} opened." in page.locator(".messages").inner_text()
    assert case.jurisdiction.name == "North 24 Parganas" and case.opened_on == opened
    shot(page, "05-case-opened")

    # The people: victim (both scripts), suspect, witness.
    add_party(page, "Add victim", sex="Female", age="12–17", nationality="Bangladesh", native=NAME_BN,
              latin=NAME_LATIN, screenshot="06-add-victim-form")
    add_party(page, "Add suspect", sex="Male", age="26–40", latin="Md. Rafiq Sheikh")
    add_party(page, "Add witness", sex="Female", age="41 and over", latin="Minati Mondal")
    roles = page.locator("#h-people ~ .table-wrap tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(roles) == ["Suspect", "Victim", "Witness"]
    assert_no_victim_name(page, "the case page (people are listed by code only)")
    shot(page, "07-case-with-people")

    # A note through htmx: the section is swapped, the page is not reloaded.
    page.evaluate("window.__noReload = 'still here'")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.fill("#id_body", "Victim statement recorded at Bongaon.")
    with page.expect_response(lambda r: r.url.endswith("/notes/") and r.request.method == "POST") as note_post:
        page.get_by_role("button", name="Add note").click()
    assert note_post.value.status == 200
    assert note_post.value.request.headers.get("hx-request") == "true"
    page.locator("#notes .timeline li", has_text="Victim statement recorded at Bongaon.").wait_for()
    assert page.evaluate("window.__noReload") == "still here"
    assert navigations == []
    assert page.locator("#id_body").input_value() == ""  # a fresh form for the next note
    assert "ahtu.n24p" in page.locator("#notes .timeline li").first.inner_text()
    shot(page, "08-note-added")

    # The dashboard lists the case.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{base}/")
    recent = page.locator("#h-recent + ul")
    assert case.reference in recent.inner_text() and case.title in recent.inner_text()
    shot(page, "09-dashboard-with-case")

    # The victim's page: pseudonymous until the officer asks, then the Bengali name.
    recent.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"{base}/cases/{case.public_id}/")
    page.locator("tbody tr", has_text="Victim").locator("a.code").click()
    victim = case.parties.get(role="victim").person
    page.wait_for_url(f"{base}/people/{victim.public_id}/")
    assert page.locator("h1").inner_text() == f"Person {victim.code}"
    assert_no_victim_name(page, "the person page before “Show identity”")
    shot(page, "10-person")
    before = AccessEvent.objects.filter(person_code=victim.code).count()
    page.evaluate("window.__noReload = 'still here'")
    page.get_by_role("button", name="Show identity").click()
    native = page.locator("#name-native")
    native.wait_for()
    assert native.inner_text() == NAME_BN
    assert native.get_attribute("lang") == "bn"
    assert page.locator("#name-latin").inner_text() == NAME_LATIN
    assert page.evaluate("window.__noReload") == "still here"  # htmx swap, no reload
    assert AccessEvent.objects.filter(person_code=victim.code).count() == before + 1  # the viewing is logged
    shot(page, "11-identity-shown")


def test_researcher_sees_counts_only(base, new_page, story_case):
    """Story step 2: no second factor for a counts-only role, figures without any record."""
    page = new_page()
    submit_login(page, base, "researcher")
    assert "/accounts/verify/" not in page.url, "a researcher sees no identity and should not be asked for a code"
    assert page.url == f"{base}/"
    assert page.locator("#demo-code").count() == 0
    # The dashboard offers figures, never cases.
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Figures").count() == 1
    assert nav.get_by_role("link", name="Cases").count() == 0
    shot(page, "12-researcher-dashboard")

    response = page.goto(f"{base}/stats/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Figures"
    assert page.locator("#fig-cases").inner_text().strip()  # the cases figure is shown
    html = page.content()
    assert story_case.reference not in html
    assert story_case.title not in html
    assert story_case.victim.code not in html
    assert str(story_case.public_id) not in html
    assert_no_victim_name(page, "/stats/")
    assert page.locator("main a[href*='/cases/'], main a[href*='/people/']").count() == 0
    shot(page, "13-researcher-stats")

    response = page.goto(f"{base}/cases/{story_case.public_id}/")
    assert_not_found(page, response, "researcher opening the case")
    assert story_case.title not in page.content()
    shot(page, "14-researcher-case-404")


def test_ngo_caseworker_of_another_district_gets_not_found(base, new_page, story_case):
    """Story step 3: the case exists, but for ngo.kish it is indistinguishable from none."""
    page = new_page()
    sign_in(page, base, "ngo.kish")
    response = page.goto(f"{base}/cases/{story_case.public_id}/")
    assert_not_found(page, response, "ngo.kish opening the case")
    assert story_case.title not in page.content() and story_case.reference not in page.content()
    shot(page, "15-ngo-kish-case-404")
    response = page.goto(f"{base}/people/{story_case.victim.public_id}/")
    assert_not_found(page, response, "ngo.kish opening the victim")
    # Same page as for a case that does not exist at all.
    response = page.goto(f"{base}/cases/00000000-0000-4000-8000-000000000000/")
    assert_not_found(page, response, "ngo.kish opening a case that does not exist")


def test_admin_manages_without_seeing_identities(base, new_page, story_case):
    """Story step 4: the administrator passes the second factor; administration holds no names."""
    page = new_page()
    submit_login(page, base, "admin", next_path="/admin/")
    assert "/accounts/verify/" in page.url, "an administrator must pass the second factor"
    submit_code(page, "admin")
    assert page.url == f"{base}/admin/"
    assert page.locator("h1").inner_text() == "Users, agencies and places"
    assert_no_victim_name(page, "/admin/")
    shot(page, "16-admin-index")

    page.locator("#agencies-agency").get_by_role("link", name="Agencies").click()
    page.wait_for_url(f"{base}/admin/agencies/agency/")
    assert page.locator("#result_list").count() == 1
    assert "AHTU North 24 Parganas (Barasat)" in page.locator("#result_list").inner_text()
    assert_no_victim_name(page, "the agencies list")
    shot(page, "17-admin-agencies")

    page.goto(f"{base}/admin/")
    page.locator("#accounts-user").get_by_role("link", name="Users").click()
    page.wait_for_url(f"{base}/admin/accounts/user/")
    assert "ahtu.n24p" in page.locator("#result_list").inner_text()
    assert_no_victim_name(page, "the users list")
    shot(page, "18-admin-users")

    response = page.goto(f"{base}/cases/{story_case.public_id}/")
    assert_not_found(page, response, "admin opening the case")
    assert story_case.title not in page.content()
    response = page.goto(f"{base}/people/{story_case.victim.public_id}/")
    assert_not_found(page, response, "admin opening the victim")
    shot(page, "19-admin-case-404")

    # The audit trail: who did what, without the case text.
    page.goto(f"{base}/audit/")
    assert page.locator("h1").inner_text() == "Audit trail"
    assert "case.open" in page.locator("main table").inner_text()
    assert story_case.title not in page.content()
    assert_no_victim_name(page, "the audit trail")
    shot(page, "19b-admin-audit")


def _assert_fits_phone(page, where: str) -> None:
    scroll_width, inner_width = horizontal_overflow(page)
    assert inner_width == 390, inner_width
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {overflowing_elements(page)}"


def test_phone_layout_has_no_sideways_scrolling(base, new_page, story_case):
    """Story step 5: the dashboard, the case and the person page on a 390×844 phone."""
    page = new_page(**PHONE)
    page.goto(f"{base}/accounts/login/")
    _assert_fits_phone(page, "the login page")
    shot(page, "20-phone-login")
    sign_in(page, base, "ahtu.n24p")
    _assert_fits_phone(page, "the dashboard")
    assert story_case.reference in page.locator("#h-recent + ul").inner_text()
    shot(page, "21-phone-dashboard")

    page.goto(f"{base}/cases/{story_case.public_id}/")
    assert page.locator("h1").inner_text() == story_case.title
    _assert_fits_phone(page, "the case page")
    shot(page, "22-phone-case")

    page.goto(f"{base}/cases/{story_case.public_id}/parties/new/?role=victim")
    _assert_fits_phone(page, "the add-person form")
    shot(page, "23-phone-add-person")

    page.goto(f"{base}/people/{story_case.victim.public_id}/")
    page.get_by_role("button", name="Show identity").tap()
    page.locator("#name-native").wait_for()
    _assert_fits_phone(page, "the person page with identity shown")
    shot(page, "24-phone-person-identity")


def test_language_switcher_renders_bengali(base, new_page):
    """Story step 6: choosing বাংলা in the header re-renders the page in Bengali, and it sticks."""
    page = new_page()
    sign_in(page, base, "ahtu.n24p")
    assert page.locator("html").get_attribute("lang") == "en"
    select = page.locator("header #lang-select")
    assert "বাংলা" in select.locator("option").all_inner_texts()
    with page.expect_navigation():
        select.select_option(label="বাংলা")
    assert page.url == f"{base}/"  # back where we were
    assert page.locator("html").get_attribute("lang") == "bn"
    assert page.locator("header #lang-select").input_value() == "bn"
    assert page.locator("h1").inner_text() != "Dashboard"  # translated
    shot(page, "25-dashboard-bengali")
    page.goto(f"{base}/cases/")
    assert page.locator("html").get_attribute("lang") == "bn"
    shot(page, "26-cases-bengali")


def test_login_keyboard_order(base, new_page):
    """Story step 7: the username field has focus on arrival; Tab goes to password, then Sign in;
    from the top of the page the skip link comes first."""
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    assert focused(page).startswith("input|id_username|text"), "the username field should have focus on arrival"
    page.keyboard.press("Tab")
    assert focused(page).startswith("input|id_password|password"), focused(page)
    page.keyboard.press("Tab")
    assert focused(page).startswith("button||submit|Sign in"), focused(page)

    # Walking backwards from the username field, the last stop on the page is the skip link:
    # it is the first thing Tab reaches on a page without a focused field.
    page.locator("#id_username").focus()
    backwards = []
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        if focused(page).startswith("body|"):
            break
        backwards.append(focused(page))
    assert backwards, "nothing is reachable before the username field"
    first = backwards[-1]
    assert first.startswith("a|") and "Skip to content" in first, f"the skip link should come first: {backwards}"
    page.keyboard.press("Shift+Tab")  # and back onto it, for the screenshot
    page.keyboard.press("Tab")
    shot(page, "27-login-skip-link-focused")

    # And the form works from the keyboard alone.
    from safetynet.core.demo import DEMO_PASSWORD

    page.locator("#id_username").focus()
    page.keyboard.type("ahtu.n24p")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    shot(page, "28-login-submit-focused")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/verify/" in page.url
