"""The library: files are checked by what they are (not their name), a refused upload saves
nothing, downloads go through a view that counts them, only the publishing agency adds versions."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from safetynet.audit.models import AuditEvent
from safetynet.training import services
from safetynet.training.models import KnowledgeFile, KnowledgeProduct, KnowledgeVersion

pytestmark = pytest.mark.django_db


def pdf_bytes(text: str = "Standard operating procedure") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, text)
    c.save()
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format="PNG")
    return out.getvalue()


def _publish(users, persona="ngo_n24p", **overrides):
    fields = {"title": "SOP for rescue and post-rescue care", "kind": "sop", "language": "en", "data": pdf_bytes(),
              "description": "Step by step, from the raid to the shelter."}
    return services.publish_product(actor=users[persona], **{**fields, **overrides})


def test_files_are_judged_by_their_content():
    assert services.check_file(pdf_bytes()) == ("application/pdf", "pdf")
    assert services.check_file(png_bytes()) == ("image/png", "png")
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="JPEG")
    assert services.check_file(out.getvalue()) == ("image/jpeg", "jpg")
    for bad in (b"MZ\x90\x00 an executable", b"<html><script>alert(1)</script></html>", b"PK\x03\x04 a docx",
                b"\x89PNG\r\n\x1a\n but not really a png", b""):
        with pytest.raises(ValidationError):
            services.check_file(bad)


def test_a_bad_file_is_refused_on_the_page_and_nothing_is_saved(users, client_for):
    response = client_for("ngo_n24p").post(reverse("training:product_new"), {
        "title": "Poster", "kind": "poster", "language": "bn",
        "file": SimpleUploadedFile("poster.pdf", b"<html>not a pdf</html>", "application/pdf")})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Only PDF documents and PNG or JPEG images can be uploaded." in body
    assert "Nothing was published" in body
    assert not KnowledgeProduct.objects.exists() and not KnowledgeFile.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="training.product").exists()


def test_a_file_too_large_is_refused(users):
    big = b"%PDF-1.4\n" + b"0" * services.max_upload_bytes() + b"\n%%EOF\n"
    with pytest.raises(ValidationError) as excinfo:
        _publish(users, data=big)
    assert "larger than" in excinfo.value.message_dict["file"][0]
    assert not KnowledgeProduct.objects.exists()


def test_publishing_on_the_page_then_downloading_counts(users, client_for):
    client = client_for("ngo_n24p")
    response = client.post(reverse("training:product_new"), {
        "title": "Poster: safe migration", "kind": "poster", "language": "bn", "description": "",
        "file": SimpleUploadedFile("poster.pdf", png_bytes(), "application/pdf")})  # the name lies, the content decides
    assert response.status_code == 302
    version = KnowledgeVersion.objects.get()
    assert (version.content_type, version.extension, version.language) == ("image/png", "png", "bn")
    reader = client_for("reporter")  # any agency member reads the library
    for n in (1, 2):
        download = reader.get(reverse("training:download", args=[version.public_id]))
        assert download.status_code == 200 and download["Content-Type"] == "image/png"
        assert download.content == png_bytes()
        assert 'filename="poster-safe-migration-bn.png"' in download["Content-Disposition"]
        version.refresh_from_db()
        assert version.downloads == n
    page = reader.get(reverse("training:library")).content.decode()
    assert "Poster: safe migration" in page and "2 downloads" in page
    assert reverse("training:upload", args=[version.product.public_id]) not in page  # not theirs to change


def test_language_versions_and_replacing_one(users):
    product = _publish(users)
    hindi = services.add_version(actor=users["ngo_n24p"], product=product, language="hi", data=pdf_bytes("Hindi"))
    services.count_download(actor=users["me_officer"], version=hindi)
    newer = services.add_version(actor=users["ngo_n24p"], product=product, language="hi", data=pdf_bytes("Revised"))
    current = KnowledgeVersion.objects.current().filter(product=product)
    assert sorted(current.values_list("language", flat=True)) == ["en", "hi"]
    assert current.get(language="hi") == newer
    hindi.refresh_from_db()
    assert hindi.replaced_at is not None and hindi.downloads == 1
    event = AuditEvent.objects.get(action="training.product_version", changes__version=str(newer.public_id))
    assert event.changes["replaces"] == [str(hindi.public_id)]


def test_only_the_publishing_agency_adds_versions(users, client_for):
    product = _publish(users)
    with pytest.raises(PermissionDenied):
        services.add_version(actor=users["ngo_kish"], product=product, language="hi", data=pdf_bytes())
    with pytest.raises(PermissionDenied):
        _publish(users, persona="researcher")
    assert client_for("ngo_kish").get(reverse("training:upload", args=[product.public_id])).status_code == 404
    assert client_for("ngo_n24p").get(reverse("training:upload", args=[product.public_id])).status_code == 200


def test_a_replaced_file_is_no_longer_served(users, client_for):
    product = _publish(users)
    old = product.versions.get()
    services.add_version(actor=users["ngo_n24p"], product=product, language="en", data=pdf_bytes("Revised"))
    assert client_for("ngo_n24p").get(reverse("training:download", args=[old.public_id])).status_code == 404
