"""The network and the "already on file" notice in Chromium (screenshots 80-…)."""

from __future__ import annotations

import pytest

from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]


def test_linked_suspects_on_the_legal_file_and_the_network(base, browser):
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction
    from safetynet.cases import services as cases
    from safetynet.prosecution import services as legal

    officer = User.objects.get(username="ahtu.n24p")
    place = Jurisdiction.objects.get(code="IN-WB-N24P-BONG")
    first = cases.open_case(actor=officer, title="Girls at the Sonali hotel", kind="sexual_exploitation",
                            jurisdiction=place)
    rafiq = cases.add_party(actor=officer, case=first, role="suspect", sex="male", age_band="26-40",
                            identity={"name_latin": "Md. Rafiq Sheikh", "phones": ["+91 94310 66666"]})
    legal.add_accused(actor=officer, case=first, party=rafiq)
    second = cases.open_case(actor=officer, title="Bolero at Petrapole", kind="other", jurisdiction=place)
    same = cases.add_party(actor=officer, case=second, role="suspect", sex="male", age_band="26-40",
                           identity={"name_native": "রফিক শেখ"})
    driver = cases.add_party(actor=officer, case=second, role="suspect", sex="male", age_band="26-40",
                             identity={"name_latin": "Tapan Das", "phones": ["094310 66666"]})
    legal.add_accused(actor=officer, case=second, party=same)
    legal.add_accused(actor=officer, case=second, party=driver)

    page = browser.new_context(**DESKTOP).new_page()
    sign_in(page, base, "ahtu.n24p", f"/prosecution/cases/{second.public_id}/")
    notice = page.locator("#accused-A1 .msg.warning").inner_text()
    assert first.reference in notice and "same name" in notice
    assert "same phone" in page.locator("#accused-A2 .msg.warning").inner_text()
    shot(page, "80-legal-file-already-on-file")

    phone = browser.new_context(**PHONE).new_page()
    sign_in(phone, base, "ahtu.n24p", "/prosecution/network/")
    body = phone.content()
    assert "3 suspects" in body and first.reference in body and second.reference in body
    assert "Rafiq" not in body and "রফিক" not in body
    width, inner = horizontal_overflow(phone)
    assert width <= inner + 1, overflowing_elements(phone)
    shot(phone, "81-phone-network")
