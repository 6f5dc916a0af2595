"""In the browser, on a phone: an investigator adds a rescued girl to a case with her age and her
father's name; the age band follows from the age, and the identity panel shows both."""

from __future__ import annotations

import pytest

from safetynet.core.tests.browser import PHONE, horizontal_overflow, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_investigator_adds_a_victim_with_age_and_father(base, browser):
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction
    from safetynet.cases import services as cases
    from safetynet.cases.models import CaseParty
    from safetynet.people.models import PersonIdentity

    case = cases.open_case(actor=User.objects.get(username="ahtu.n24p"), title="Girls moved through Petrapole",
                           kind="sexual_exploitation", jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P-BONG"))
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, "ahtu.n24p", f"/cases/{case.public_id}/parties/new/")
    page.goto(f"{base}/cases/{case.public_id}/parties/new/")
    page.select_option("[name=role]", "victim")
    page.select_option("[name=sex]", "female")
    page.fill("[name=name_native]", "রহিমা খাতুন")
    page.fill("[name=name_latin]", "Rahima Khatun")
    page.fill("[name=father_name]", "Abdul Karim")
    page.fill("[name=age]", "16")
    shot(page, "91-person-age-father-form-phone")
    scroll, width = horizontal_overflow(page)
    assert scroll <= width
    with page.expect_navigation():
        page.click("main button[type=submit]")
    party = CaseParty.objects.filter(case=case).latest("id")
    assert party.person.age_band == "12-17"
    assert PersonIdentity.objects.get(person=party.person).get_field("father_name") == "Abdul Karim"
    page.goto(f"{base}/people/{party.person.public_id}/")
    page.click("text=Show identity")
    page.wait_for_selector("text=Abdul Karim")
    assert page.locator("#identity").inner_text().count("16") >= 1
    shot(page, "91-person-age-father-identity-phone")
    context.close()
