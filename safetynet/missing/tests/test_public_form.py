"""The family's public form "my child is missing" (/report/missing/) and photos on
missing-person reports: over HTTP, as a family and an officer would use them."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.missing.models import MissingPersonReport, MissingPhoto
from safetynet.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/report/missing/"
NAME = "Rohima Khatoon"
PHONE = "+91 98300 12345"


def _form(**changes) -> dict:
    data = {"name": NAME, "other_names": "রহিমা, Rohi", "sex": "female", "age": "14",
            "last_seen_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "jurisdiction": "IN-WB-N24P", "description": "Red salwar, a mole on the left cheek.",
            "father": "Abdul Karim", "mother": "Amina Bibi", "phone": PHONE, "consent": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _jpeg_with_gps(size=(600, 400)) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (22.0, 34.0, 12.5), 3: "E", 4: (88.0, 21.0, 3.0)}  # GPS: where the family lives
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _photo(raw=None, name="rohima.jpg"):
    return SimpleUploadedFile(name, raw if raw is not None else _jpeg_with_gps(), "image/jpeg")


def test_family_report_is_filed_routed_notified_and_receipted(users, client_for):
    response = Client().post(URL, {**_form(), "photos": [_photo()]})
    assert response.status_code == 201, response.content[:800]
    report = MissingPersonReport.objects.get()
    assert report.source == "public" and report.status == "open"
    assert report.owning_agency.short_code == "AHTU-N24P", "routed like a tip from the district"
    assert report.recorded_by is None and report.consent_at is not None
    assert report.get_text("name") == NAME and report.get_text("contact_phone") == PHONE
    assert report.get_json("family_names") == {"father": "Abdul Karim", "mother": "Amina Bibi"}
    assert report.get_json("other_names") == ["রহিমা", "Rohi"] and report.age == 14
    assert timezone.localtime(report.last_seen_at).date() == timezone.localdate() - datetime.timedelta(days=2)
    assert NAME not in report.name_enc, "encrypted at rest"
    body = response.content.decode()
    assert report.reference in body and "The police of North 24 Parganas will call you" in body
    assert "ending in 2345" in body and NAME not in body
    assert "no-store" in response["Cache-Control"]

    notes = Notification.objects.filter(link=f"/missing/{report.public_id}/")
    assert {n.user.username for n in notes} >= {"ahtu.n24p", "head.n24p"}
    assert not notes.filter(user=users["ahtu_kish"]).exists()
    for note in notes:
        assert report.reference in note.message
        for secret in (NAME, "Rohima", "রহিমা", "Abdul", "Amina", "98300"):
            assert secret not in note.message

    event = AuditEvent.objects.get(action="missing.record", object_id=str(report.public_id))
    assert event.actor is None and event.changes["source"] == "public" and event.changes["photos"] == 1
    assert event.changes["routed_to"] == "AHTU-N24P"
    assert NAME not in str(event.changes) and "98300" not in str(event.changes)

    # The officer finds it on the list and on the report's page, with the number to call back.
    officer = client_for("ahtu_n24p")
    assert report.reference in officer.get("/missing/").content.decode()
    page = officer.get(f"/missing/{report.public_id}/").content.decode()
    assert NAME in page and PHONE in page and f"/missing/{report.public_id}/photos/1/" in page


def test_receipt_code_shows_the_status_and_nothing_else():
    response = Client().post(URL, _form())
    code = response.context["receipt"]
    report = MissingPersonReport.objects.get()
    checked = Client().post(f"{URL}status/", {"receipt": code.lower()})
    assert checked.status_code == 200
    body = checked.content.decode()
    assert "the police are searching" in body and report.reference in body
    assert NAME not in body and PHONE not in body
    wrong = Client().post(f"{URL}status/", {"receipt": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "No report has this code" in wrong.content.decode()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Write the missing person&#x27;s name."),
    ({"name": "Ροχίμα Χατούν"}, "name", "Write the name in Latin, Bengali or Devanagari letters."),
    ({"age": "150"}, "age", "Give an age between 0 and 120"),
    ({"last_seen_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}, "last_seen_on",
     "The day last seen cannot be in the future."),
    ({"consent": None}, "consent", "Tick the box to agree"),
    ({"jurisdiction": "IN-XX-NOWHERE"}, "jurisdiction", "Choose the district where the person was last seen."),
    ({"phone": "12345"}, "phone", "Give a phone number on which the police can call you back"),
])
def test_bad_input_is_refused_with_its_message_and_nothing_saved(changes, field, message):
    response = Client().post(URL, _form(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert message in response.content.decode()
    assert not MissingPersonReport.objects.exists() and not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="missing.record").exists()


def test_a_text_file_named_jpg_is_refused_and_nothing_saved():
    fake = _photo(b"Rohima was wearing a red salwar. This is not a photo.", name="rohima.jpg")
    response = Client().post(URL, {**_form(), "photos": [_photo(), fake]})
    assert response.status_code == 400
    assert "This file is not a photo we can read." in response.content.decode()
    assert not MissingPersonReport.objects.exists() and not MissingPhoto.objects.exists()


def test_more_than_three_photos_are_refused():
    response = Client().post(URL, {**_form(), "photos": [_photo() for _ in range(4)]})
    assert response.status_code == 400 and "Attach at most 3 photos." in response.content.decode()
    assert not MissingPersonReport.objects.exists()


def test_honeypot_gets_a_receipt_and_nothing_is_stored():
    response = Client().post(URL, _form(website="http://spam.example"))
    assert response.status_code == 201 and "MP-" in response.content.decode()
    assert not MissingPersonReport.objects.exists() and not Notification.objects.exists()


@override_settings(SAFETYNET_TIP_RATE="2/h")
def test_rate_limit_per_client():
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.post(URL, _form()).status_code == 201
    assert client.post(URL, _form(name="Amit Kumar")).status_code == 201
    limited = client.post(URL, _form(name="Sunil Das"))
    assert limited.status_code == 429 and "Too many reports" in limited.content.decode()
    assert MissingPersonReport.objects.count() == 2
    assert Client(REMOTE_ADDR="203.0.113.10").post(URL, _form(name="Sunil Das")).status_code == 201


def test_photo_is_stripped_and_only_for_who_sees_the_report(client_for):
    raw = _jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(0x8825), "the upload carries a GPS position"
    assert Client().post(URL, {**_form(), "photos": [_photo(raw)]}).status_code == 201
    report = MissingPersonReport.objects.get()
    photo = MissingPhoto.objects.get(report=report)
    url = f"/missing/{report.public_id}/photos/1/"

    officer = client_for("ahtu_n24p")
    before = AccessEvent.objects.filter(person_code=report.reference).count()
    shown = officer.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert "no-store" in shown["Cache-Control"] and "private" in shown["Cache-Control"]
    with Image.open(io.BytesIO(shown.content)) as served:
        assert served.size == (600, 400)
        assert not served.getexif(), "EXIF (GPS, camera) must be gone"
    assert b"PhoneMaker" not in shown.content and b"PhoneMaker" not in photo.content_enc.encode()
    assert AccessEvent.objects.filter(person_code=report.reference).count() == before + 1
    last = AccessEvent.objects.filter(person_code=report.reference).latest("pk")
    assert last.actor.username == "ahtu.n24p" and last.fields == ["photo 1"]

    assert officer.get(f"/missing/{report.public_id}/photos/2/").status_code == 404
    for persona in ("ahtu_kish", "police_bongaon", "ngo_n24p", "cwc_n24p", "researcher", "admin", "outsider"):
        assert client_for(persona).get(url).status_code == 404, persona
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page, no photo
    assert AccessEvent.objects.filter(person_code=report.reference).count() == before + 1


def test_police_form_takes_photos_too(client_for):
    officer = client_for("ahtu_n24p")
    response = officer.post("/missing/new/", {
        "source": "family", "name": "Amit Kumar", "sex": "male", "age": "12", "jurisdiction": "IN-WB-N24P",
        "description": "Blue school uniform.", "photos": [_photo()]})
    assert response.status_code == 302, response.content[:500]
    report = MissingPersonReport.objects.get()
    assert report.source == "family" and report.recorded_by.username == "ahtu.n24p"
    assert report.photos.count() == 1
    refused = officer.post("/missing/new/", {
        "source": "family", "name": "Sunil Das", "sex": "male", "jurisdiction": "IN-WB-N24P",
        "description": "Grey shirt.", "photos": [_photo(b"not an image", name="x.jpg")]})
    assert refused.status_code == 400 and "This file is not a photo we can read." in refused.content.decode()
    assert MissingPersonReport.objects.count() == 1


def test_the_tip_form_links_to_the_missing_form():
    body = Client().get("/report/").content.decode()
    assert 'href="/report/missing/"' in body
