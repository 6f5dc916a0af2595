"""Photos with a tip: photos only (checked by content), metadata stripped, encrypted,
and every viewing logged."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from safetynet.audit.models import AccessEvent
from safetynet.tips.models import Tip, TipPhoto

pytestmark = pytest.mark.django_db

FORM = {"category": "held", "jurisdiction": "IN-WB-N24P", "description": "Girls locked in a house near the market.",
        "idempotency_key": "form:photo-1"}


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 800), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0110] = "Model X, owner Anita"  # camera model (phones put owner names in EXIF too)
    exif[0x0132] = "2026:11:28 21:15:00"  # when it was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_stripped_encrypted_and_viewing_is_logged(client_for):
    raw = _jpeg_with_gps()
    assert b"PhoneMaker" in raw
    r = Client().post("/report/", {**FORM, "photo": SimpleUploadedFile("IMG_0042.jpg", raw, "image/jpeg")})
    assert r.status_code == 201, r.content[:500]
    photo = TipPhoto.objects.get()
    assert "PhoneMaker" not in photo.content_enc
    content = photo.get_content()
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 800)
        assert not stored.getexif(), "EXIF (camera, GPS) must be gone"
    assert b"PhoneMaker" not in content
    tip = Tip.objects.get()
    officer = client_for("ahtu_n24p")
    before = AccessEvent.objects.count()
    shown = officer.get(f"/tips/{tip.public_id}/photos/1/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg" and shown.content == content
    assert "no-store" in shown["Cache-Control"]
    assert AccessEvent.objects.count() == before + 1
    assert officer.get(f"/tips/{tip.public_id}/photos/2/").status_code == 404
    assert client_for("ahtu_kish").get(f"/tips/{tip.public_id}/photos/1/").status_code == 404


@pytest.mark.parametrize(("name", "body", "message"), [
    ("report.jpg", b"%PDF-1.7 not a photo at all", "not a photo we can read"),
    ("shell.png", b"<?php system($_GET['c']); ?>", "not a photo we can read"),
    ("big.jpg", b"\xff\xd8" + b"0" * (4 * 1024 * 1024 + 10), "too large"),
])
def test_anything_but_a_photo_is_refused_and_nothing_stored(world, name, body, message):
    r = Client().post("/report/", {**FORM, "photo": SimpleUploadedFile(name, body, "image/jpeg")})
    assert r.status_code == 400 and message in r.content.decode()
    assert Tip.objects.count() == 0 and TipPhoto.objects.count() == 0


def test_a_gif_is_refused_by_content(world):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    r = Client().post("/report/", {**FORM, "photo": SimpleUploadedFile("x.jpg", out.getvalue(), "image/jpeg")})
    assert r.status_code == 400 and "Only photos can be attached" in r.content.decode()
