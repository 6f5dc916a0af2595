"""The survivor pathway in Chromium, one story as four users (screenshots 90-care-NN-…).

An NGO caseworker of North 24 Parganas, on a phone, registers a 15-year-old girl from
Bangladesh who came forward (Latin and Bengali name, HTCDS profile), records the guardian's
consent for services, is refused when she shares the record with the district hospital
without consent, places the girl in the Ujjawala shelter, makes a care plan and assigns the
shelter's counsellor. The CWC member sees the girl on the 24-hour clock, records her
production and an age-determination order. The shelter staff see her name and record a
service, but no counselling notes; the counsellor writes one and reads it; the shelter staff
still do not see it. Back at a desk, the caseworker records a home study whose household
shares a phone with a suspect on file: the record warns, the exit home is refused until the
warnings are confirmed as read, and the 3, 6 and 12-month follow-ups appear.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]

NAME_LATIN = "Rohima Khatoon"
NAME_BN = "রহিমা খাতুন"
SUSPECT_PHONE = "+91 94310 55555"
NOTE = "Sleeps badly since the raid; afraid to talk about the man called Rafiq. Next session Thursday."
GOAL = "Back to school in Class 8 at the start of the new session"


@pytest.fixture
def new_page(browser):
    """A page in a fresh browser context (own cookies): one per persona."""
    contexts = []

    def make(options=None):
        context = browser.new_context(**(options or DESKTOP))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def panel(page, summary: str):
    """The ``<details class="actions-panel">`` whose summary reads ``summary``, opened."""
    details = page.locator("details.actions-panel").filter(
        has=page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(summary)}\s*$")))
    assert details.count() == 1, f"{details.count()} panels “{summary}” on {page.url}"
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def submit(page, details, status: int = 200) -> None:
    """Press the panel's submit button and wait for the page the server answers with."""
    with page.expect_navigation() as nav:
        details.locator("button[type=submit]").click()
    response = nav.value
    # A redirect after a successful write lands on the record (200); a refusal answers 400.
    assert response is not None and response.status == status, (response and response.status, page.url)


def message(page) -> str:
    return page.locator("ul.messages").inner_text() if page.locator("ul.messages").count() else ""


def no_sideways_scroll(page) -> None:
    width, inner = horizontal_overflow(page)
    assert width <= inner + 1, overflowing_elements(page)


def _suspect_with_phone():
    """A suspect on a North 24 Parganas case whose phone the home study will meet."""
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction
    from safetynet.cases import services as cases

    officer = User.objects.get(username="ahtu.n24p")
    case = cases.open_case(actor=officer, title="Girls moved through Petrapole", kind="sexual_exploitation",
                           jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P-BONG"))
    cases.add_party(actor=officer, case=case, role="suspect", sex="male", age_band="26-40",
                    identity={"name_latin": "Md. Rafiq Sheikh", "phones": [SUSPECT_PHONE]})


def test_survivor_pathway_as_four_users(base, browser, new_page):
    from safetynet.accounts.models import User
    from safetynet.care.models import CareAssignment, ClinicalNote, FollowUp, Survivor
    from safetynet.care.services import add_months
    from safetynet.prosecution.models import SuspectIndicator

    _suspect_with_phone()
    assert SuspectIndicator.objects.filter(kind="phone").exists()  # indexed when the party was added
    today = timezone.localdate()

    # 1. The NGO caseworker, on a phone, registers the girl who came forward.
    ngo = new_page(PHONE)
    sign_in(ngo, base, "ngo.n24p", "/care/")
    shot(ngo, "90-care-01-phone-list-empty")
    ngo.get_by_role("link", name="Register a survivor").click()
    ngo.wait_for_url("**/care/new/")
    form = ngo.locator("main form")
    form.locator("[name=came_via]").select_option("came_forward")
    form.locator("[name=name_latin]").fill(NAME_LATIN)
    form.locator("[name=name_native]").fill(NAME_BN)
    form.locator("[name=sex]").select_option(label="Female")
    form.locator("[name=age_band]").select_option(label="12–17")
    form.locator("[name=nationality]").select_option(label="Bangladesh")
    form.locator("[name=jurisdiction]").select_option("IN-WB-N24P")
    form.locator("[name=language]").select_option("bn")
    form.locator("[name=trafficking_status]").select_option("ActualVictimOfTrafficking")
    form.locator("input[name=exploitation_types][value=SexualExploitation]").check()
    form.locator("summary", has_text="Method of recruitment").click()
    form.locator("input[name=recruitment_methods][value=ThroughFriendsOrSocialEvents]").check()
    form.locator("summary", has_text="Methods of control").click()
    form.locator("input[name=methods_of_control][value=FalsePromises]").check()
    form.locator("[name=recruiter_relation]").select_option("FriendAcquaintance")
    form.locator("[name=months_in_exploitation]").fill("4")
    form.locator("[name=recruited_from]").select_option("IN-WB-MURS")
    no_sideways_scroll(ngo)
    shot(ngo, "90-care-02-phone-register-form")
    with ngo.expect_navigation() as registered:
        form.get_by_role("button", name="Open the care record").click()
    assert registered.value is not None and registered.value.status == 200, registered.value and registered.value.status
    survivor = Survivor.objects.select_related("person").get()
    record = f"/care/survivors/{survivor.public_id}/"
    assert ngo.url.endswith(record)
    assert f"Care record {survivor.person.code} opened." in message(ngo)
    heading = ngo.locator("h1").inner_text()
    assert NAME_LATIN in heading and NAME_BN in heading
    summary = ngo.locator("#summary").inner_text()
    assert "To be produced before the Child Welfare Committee by" in summary
    assert "12–17" in summary and "Bangladesh" in summary
    profile = ngo.locator("#profile").inner_text()
    assert "Sexual exploitation" in profile and "Murshidabad" in profile
    no_sideways_scroll(ngo)
    shot(ngo, "90-care-03-phone-record-registered")

    # Consent for services, given by the girl's guardian with a thumbprint.
    consent = panel(ngo, "Record consent")
    consent.locator("[name=purpose]").select_option("services")
    assert consent.locator("[name=given_by]").input_value() == "guardian"  # a child: the guardian by default
    consent.locator("[name=method]").select_option("thumbprint")
    submit(ngo, consent)
    assert "Consent recorded." in message(ngo)
    consents = ngo.locator("#consent table").inner_text()
    assert "Care and services" in consents and "Parent or guardian, thumbprint" in consents

    # Sharing with the district hospital without consent is refused, with the reason beside the field.
    share = panel(ngo, "Share the record with an agency")
    share.locator("[name=agency]").select_option(label="District Hospital, Barasat")
    submit(ngo, share, status=400)
    share = ngo.locator("details.actions-panel[open]").filter(has=ngo.locator("[name=override_reason]"))
    assert share.count() == 1  # the refused panel is shown open again
    assert ("The survivor has not consented to sharing with District Hospital, Barasat"
            in share.locator(".errorlist").inner_text())
    assert "Shared with: nobody else" in ngo.locator("#consent").inner_text()
    no_sideways_scroll(ngo)
    shot(ngo, "90-care-04-phone-share-refused")

    # The shelter: Ujjawala, Kolkata.
    place = panel(ngo, "Place in a shelter")
    place.locator("[name=shelter]").select_option(label="Ujjawala Shelter Home, Kolkata")
    place.locator("[name=reason]").fill("A girl of 15 with nowhere safe to stay; the CWC to confirm.")
    submit(ngo, place)
    assert "Placement recorded." in message(ngo)
    assert "In shelter care — Ujjawala Shelter Home, Kolkata" in ngo.locator("#summary").inner_text()

    # A care plan with one goal.
    plan = panel(ngo, "Make the care plan")
    plan.locator("[name=domain_0]").select_option("education")
    plan.locator("[name=goal_0]").fill(GOAL)
    shot(ngo, "90-care-05-phone-plan-form")
    submit(ngo, plan)
    assert "Care plan saved." in message(ngo)
    assert GOAL in ngo.locator("#plan").inner_text()

    # The shelter's counsellor is assigned by name.
    counsellor = User.objects.get(username="counsellor.kolk")
    assign = panel(ngo, "Assign a caseworker or counsellor")
    assign.locator("[name=user]").select_option(str(counsellor.pk))
    assign.locator("[name=kind]").select_option("counsellor")
    submit(ngo, assign)
    assert "Assigned." in message(ngo)
    assert "Counsellor" in ngo.locator("#team").inner_text()
    assert CareAssignment.objects.filter(survivor=survivor, user=counsellor, kind="counsellor", active=True).exists()
    no_sideways_scroll(ngo)
    shot(ngo, "90-care-06-phone-record-placed-plan-counsellor")

    # 2. The CWC member sees the girl on the 24-hour clock and records her production.
    cwc = new_page()
    sign_in(cwc, base, "cwc.n24p", "/care/cwc/")
    row = cwc.locator(f"#child-{survivor.person.code}")
    assert re.search(r"\b(23|24) h left\b", row.inner_text()), row.inner_text()
    assert "came forward" in row.inner_text()
    shot(cwc, "90-care-07-cwc-clock")
    # The time the page offers (now, to the minute) is accepted, however soon after she came forward.
    with cwc.expect_navigation():
        row.get_by_role("button", name="Produced").click()
    assert f"Production of {survivor.person.code} recorded." in message(cwc)
    assert survivor.person.code in cwc.locator("section", has=cwc.locator("#h-produced")).inner_text()
    assert cwc.locator(f"#child-{survivor.person.code}").count() == 0
    shot(cwc, "90-care-08-cwc-produced")

    # ... and, from the record, the age the committee determined.
    cwc.locator("section", has=cwc.locator("#h-children")).get_by_role("link", name=survivor.person.code).click()
    cwc.wait_for_url(f"**{record}")
    assert "Produced before the committee on" in cwc.locator("#cwc").inner_text()
    order = panel(cwc, "Record an order")
    order.locator("[name=kind]").select_option("age_determination")
    order.locator("[name=number]").fill("CWC/N24P/117/2026")
    order.locator("[name=age_band]").select_option("12-17")
    order.locator("[name=details]").fill("Bone ossification test at the district hospital: 14 to 16 years.")
    shot(cwc, "90-care-09-cwc-order-form")
    submit(cwc, order)
    assert "CWC order recorded." in message(cwc)
    orders = cwc.locator("#cwc").inner_text()
    assert "Age determination" in orders and "CWC/N24P/117/2026" in orders
    shot(cwc, "90-care-10-cwc-age-order")

    # 3. The shelter staff see her name, record a service, and see no counselling notes.
    shelter = new_page()
    sign_in(shelter, base, "shelter.kolk", record)
    assert NAME_LATIN in shelter.locator("h1").inner_text()
    service = panel(shelter, "Record a service")
    service.locator("[name=kind]").select_option(label="Life skills")
    service.locator("[name=provider]").fill("Ujjawala life-skills group")
    service.locator("[name=note]").fill("Weekly group on money and safety.")
    submit(shelter, service)
    assert "Service recorded." in message(shelter)
    assert "Life skills" in shelter.locator("#services").inner_text()
    assert shelter.locator("#counselling").count() == 0
    assert "Counselling notes" not in shelter.content()
    shot(shelter, "90-care-11-shelter-service")

    # 4. The counsellor writes a note and reads it.
    couns = new_page(PHONE)
    sign_in(couns, base, "counsellor.kolk", record)
    assert couns.locator("#counselling").count() == 1
    note = panel(couns, "Write a note")
    note.locator("[name=body]").fill(NOTE)
    submit(couns, note)
    assert "Note saved." in message(couns)
    assert NOTE in couns.locator("#counselling").inner_text()
    assert ClinicalNote.objects.filter(survivor=survivor).count() == 1
    no_sideways_scroll(couns)
    shot(couns, "90-care-12-phone-counsellor-note")

    # 5. The shelter staff, on the same record, still see neither the note nor that notes exist.
    shelter.reload()
    body = shelter.content()
    assert NOTE not in body and "Rafiq" not in body and "Counselling notes" not in body
    assert NAME_LATIN in body  # the same page, with the name: only the note is withheld
    shot(shelter, "90-care-13-shelter-no-note")

    # 6. Back at a desk, the caseworker records a home study: a household member's phone is a suspect's.
    ngo.set_viewport_size(DESKTOP["viewport"])
    ngo.goto(base + record)
    study = panel(ngo, "Record a home study")
    study.locator("[name=place]").select_option("BD-KHL-SATK")
    study.locator("[name=address]").fill("Near the mosque, Kalaroa bazar")
    study.locator("[name=household]").fill("Amina Bibi, mother\nAbdul Karim, uncle, 094310 55555")
    study.locator("[name=risks]").fill("The uncle is rarely at home; neighbours say he takes girls to India.")
    study.locator("[name=family_involved]").select_option("unknown")
    study.locator("[name=village_involved]").select_option("unknown")
    study.locator("[name=recommendation]").select_option("reintegrate")
    shot(ngo, "90-care-14-home-study-form")
    submit(ngo, study)
    assert "Home study recorded." in message(ngo)
    warnings = ngo.locator("#home-warnings").inner_text()
    assert "Warning: this home may not be safe." in warnings
    assert "A household member's phone number is a suspect's." in warnings
    assert "name matches a suspect" not in warnings  # the uncle gave another name: the phone gives him away
    assert "Abdul Karim (uncle)" in ngo.locator("#home").inner_text()
    shot(ngo, "90-care-15-home-study-warning")

    # A child goes home only on the CWC's order: without one, the exit is refused ...
    leave = panel(ngo, "Leaving the shelter")
    leave.locator("[name=exit_reason]").select_option("reintegrated")
    submit(ngo, leave, status=400)
    assert "Nothing was saved" in message(ngo)  # said at the top too: the form is far down on a phone
    assert ("A child goes home only on the Child Welfare Committee's order (Restoration to family)"
            in panel(ngo, "Leaving the shelter").locator(".errorlist").inner_text())
    # ... so the CWC, having read the home study, orders her restoration to her mother.
    cwc.goto(base + record)
    order = panel(cwc, "Record an order")
    order.locator("[name=kind]").select_option("restoration")
    order.locator("[name=number]").fill("CWC/N24P/131/2026")
    submit(cwc, order)
    assert "CWC order recorded." in message(cwc)
    ngo.goto(base + record)

    # Sending her home without confirming the warnings were read is still refused ...
    leave = panel(ngo, "Leaving the shelter")
    assert "A household member's phone number is a suspect's." in leave.inner_text()
    leave.locator("[name=exit_reason]").select_option("reintegrated")
    leave.locator("[name=note]").fill("Back to her mother in Satkhira.")
    submit(ngo, leave, status=400)
    leave = panel(ngo, "Leaving the shelter")
    assert ("The home study warned about this home. Read the warnings and confirm before sending the survivor home."
            in leave.locator(".errorlist").inner_text())
    assert FollowUp.objects.filter(survivor=survivor).count() == 0
    shot(ngo, "90-care-16-exit-refused-warnings-unread")

    # ... and recorded once she ticks that she has read them.
    leave.get_by_label("I have read the home study's warnings").check()
    submit(ngo, leave)
    assert "Exit recorded. Follow-ups are planned at 3, 6 and 12 months." in message(ngo)
    rows = ngo.locator("#follow-ups tbody tr")
    assert rows.count() == 3
    table = ngo.locator("#follow-ups table").inner_text()
    for months in (3, 6, 12):
        assert add_months(today, months).strftime("%d %b %Y") in table
        assert f"({months} months)" in table
    assert "Reintegrated with family or community" in ngo.locator("#summary").inner_text()
    shot(ngo, "90-care-17-exit-follow-ups")

    # The lists: codes only, the shelter's beds, the indicators.
    ngo.goto(base + "/care/")
    assert survivor.person.code in ngo.locator("main table").inner_text()
    assert NAME_LATIN not in ngo.content()
    shot(ngo, "90-care-18-list")
    ngo.goto(base + "/care/shelters/")
    assert "Ujjawala Shelter Home, Kolkata" in ngo.locator("main").inner_text()
    shot(ngo, "90-care-19-shelters")
    ngo.goto(base + "/care/indicators/")
    shot(ngo, "90-care-20-indicators")
