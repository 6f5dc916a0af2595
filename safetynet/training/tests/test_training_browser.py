"""Adding trainees on a programme's page in Chromium, on a phone: the second listing of the
same officer (written differently) is refused with a message the caseworker sees, and the
category counts are compared with the names (screenshots 7x-training-*)."""

from __future__ import annotations

import datetime

import pytest

from safetynet.core.tests.browser import PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]


def _programme():
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction
    from safetynet.programmes.services import record_training

    day = datetime.date(2026, 3, 9)
    return record_training(actor=User.objects.get(username="ngo.n24p"), title="Identifying victims of trafficking",
                           jurisdiction=Jurisdiction.objects.get(code="IN-WB"), starts_on=day,
                           ends_on=day + datetime.timedelta(days=2), venue="Barasat Police Lines",
                           language="Bengali", participants={"police": 2, "teachers": 1})


def _add(page, name, category, organisation, sex, days):
    page.fill("#id_full_name", name)
    page.select_option("#id_category", category)
    page.fill("#id_organisation", organisation)
    page.select_option("#id_sex", sex)
    page.fill("#id_days_attended", str(days))
    with page.expect_navigation():
        page.click("text=Add trainee")


def test_the_caseworker_adds_trainees_and_is_told_of_a_double(base, browser):
    programme = _programme()
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, base, "ngo.n24p", "/training/")
        page.goto(f"{base}/training/")
        with page.expect_navigation():
            page.click("text=Identifying victims of trafficking")
        assert f"/training/programmes/{programme.public_id}/" in page.url
        _add(page, "Sri Tapas Kumar Ghosh", "police", "Bongaon Police Station", "male", 3)
        assert page.locator(".msg.success").inner_text() == "Trainee added."
        _add(page, "Rina Das", "teachers", "Bongaon Girls' School", "female", 2)
        assert page.locator(".msg.warning").is_visible()  # 1 police named, 2 counted
        _add(page, "tapas kumar ghosh", "police", "Bongaon police station", "male", 3)
        error = page.locator("#add .errorlist, form .errorlist").first
        assert "This trainee is already listed in this programme" in error.inner_text()
        assert error.is_visible()
        shot(page, "7x-training-listed-twice")
        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)
        assert programme.trainees.count() == 2
        page.goto(f"{base}/training/programmes/{programme.public_id}/")
        assert "Tapas Kumar Ghosh" in page.locator("#trainees ~ div table").inner_text()
        shot(page, "7x-training-programme")
    finally:
        context.close()


def test_the_library_shows_versions_and_counts_downloads(base, browser):
    from safetynet.accounts.models import User
    from safetynet.training import services
    from safetynet.training.tests.test_library import pdf_bytes, png_bytes

    ngo = User.objects.get(username="ngo.n24p")
    product = services.publish_product(actor=ngo, title="SOP for rescue and post-rescue care", kind="sop",
                                       language="en", data=pdf_bytes(), description="From the raid to the shelter.")
    services.add_version(actor=ngo, product=product, language="bn", data=pdf_bytes("Bengali"))
    services.publish_product(actor=ngo, title="Poster: safe migration", kind="poster", language="hi",
                             data=png_bytes())
    bengali = product.versions.get(language="bn")
    context = browser.new_context(**PHONE, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, base, "reporter.kish", "/training/library/")
        page.goto(f"{base}/training/library/")
        with page.expect_download() as download:
            page.click(f"a[href='/training/library/files/{bengali.public_id}/']")
        assert download.value.suggested_filename == "sop-for-rescue-and-post-rescue-care-bn.pdf"
        page.reload()
        assert page.locator(f"#downloads-{bengali.public_id}").inner_text() == "1 download"
        shot(page, "7x-training-library")
        width, inner = horizontal_overflow(page)
        assert width <= inner, overflowing_elements(page)
    finally:
        context.close()
