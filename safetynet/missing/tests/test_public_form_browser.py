"""A family reports a missing daughter from a phone, with a photo, and keeps the receipt;
the AHTU officer of that district opens the report and sees the photo. Screenshots 95-…"""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

pytestmark = [pytest.mark.browser]


def _fits(page, where):
    width, inner = horizontal_overflow(page)
    assert width <= inner + 1, f"{where} scrolls sideways: {overflowing_elements(page)}"


def _photo() -> bytes:
    image = Image.new("RGB", (480, 640), (230, 190, 160))
    for x in range(160, 320):  # something to recognise: a dark band
        for y in range(200, 260):
            image.putpixel((x, y), (40, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (22.0, 34.0, 12.5), 3: "E", 4: (88.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_family_reports_with_photo_and_officer_sees_it(base, browser):
    from safetynet.missing.models import MissingPersonReport

    family = browser.new_context(**PHONE)
    page = family.new_page()
    page.goto(f"{base}/report/")
    shot(page, "94-phone-report-form-missing-link")
    page.get_by_role("link", name="Is your child or a family member missing?").click()
    page.wait_for_url(f"{base}/report/missing/")
    _fits(page, "the missing-person form")
    with page.expect_navigation():  # sent empty: every required answer is asked for, nothing stored
        page.get_by_role("button", name="Send to the police").click()
    assert "Write the missing person's name." in page.locator("#missing-form").inner_text()
    assert "Tick the box to agree" in page.locator("#missing-form").inner_text()
    assert not MissingPersonReport.objects.exists()
    _fits(page, "the form with its errors")
    shot(page, "95-phone-missing-public-form-errors")
    page.fill("#id_name", "রহিমা খাতুন")
    page.fill("#id_other_names", "Rohima, Rohi")
    page.get_by_label("Female").check()
    page.fill("#id_age", "14")
    page.set_input_files("#id_photos", files=[{"name": "rohima.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    page.select_option("#id_jurisdiction", label="North 24 Parganas")
    page.fill("#id_last_seen_on", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_description", "Red salwar kameez, a mole on the left cheek.")
    page.fill("#id_father", "Abdul Karim")
    page.fill("#id_phone", "+91 98300 12345")
    page.get_by_label("I agree that the police").check()
    shot(page, "95-phone-missing-public-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Send to the police").click()
    reference = page.locator("#missing-reference").inner_text().strip()
    assert reference.startswith("MP-N24P-")
    steps = page.locator("#next-steps").inner_text()
    assert "The police of North 24 Parganas will call you" in steps and "ending in 2345" in steps
    _fits(page, "the receipt")
    shot(page, "96-phone-missing-public-receipt")
    family.close()

    report = MissingPersonReport.objects.get(reference=reference)
    assert report.source == "public" and report.owning_agency.short_code == "AHTU-N24P"

    office = browser.new_context(**PHONE)
    officer = office.new_page()
    sign_in(officer, base, "ahtu.n24p")
    officer.goto(f"{base}/missing/")
    officer.get_by_role("link", name=reference).click()
    officer.wait_for_url(f"{base}/missing/{report.public_id}/")
    assert "রহিমা খাতুন" in officer.content() and "+91 98300 12345" in officer.content()
    thumb = officer.locator("#missing-photos img").first
    thumb.wait_for()
    officer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [480, 640]
    _fits(officer, "the report with its photo")
    shot(officer, "97-phone-missing-report-with-photo")
    office.close()

    desk = browser.new_context(**DESKTOP)
    page = desk.new_page()
    sign_in(page, base, "ahtu.n24p")
    page.goto(f"{base}/missing/{report.public_id}/")
    page.locator("#missing-photos img").first.wait_for()
    shot(page, "97-desktop-missing-report-with-photo")
    page.goto(f"{base}/report/missing/")
    shot(page, "95-desktop-missing-public-form")
    desk.close()


def test_a_second_tap_does_not_send_the_form_twice(base, browser):
    """On a slow connection nothing seems to happen after the tap, and people tap again: the
    form (data-once, app.js) lets only the first submission through until the page changes."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/report/missing/")
    sent = page.evaluate("""() => {
        const form = document.querySelector('#missing-form');
        let sent = 0;
        // Runs after app.js's handler on document: counts what would really be sent, sends nothing.
        window.addEventListener('submit', e => { if (!e.defaultPrevented) { sent++; } e.preventDefault(); });
        form.requestSubmit(); form.requestSubmit(); form.requestSubmit();
        return sent;
    }""")
    assert sent == 1
    assert page.locator("#missing-form button[type=submit]").get_attribute("aria-disabled") == "true"
    context.close()
