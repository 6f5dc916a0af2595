"""Completion certificates: a PDF whose text names the trainee and the programme, only for
those who attended every day, the same number on every copy, each issue audited."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from safetynet.audit.models import AuditEvent
from safetynet.training import services
from safetynet.training.models import Trainee

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _add(users, programme, **overrides):
    fields = {"full_name": "Smt. Mita Ghosh", "category": "police", "organisation": "Bongaon Police Station",
              "designation": "Assistant Sub-Inspector", "sex": "female", "days_attended": 3}
    return services.add_trainee(actor=users["ngo_n24p"], programme=programme, **{**fields, **overrides})


def test_the_certificate_names_the_trainee_and_the_programme(users, programme, client_for):
    trainee = _add(users, programme)
    response = client_for("ngo_n24p").post(reverse("training:certificate", args=[trainee.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    trainee.refresh_from_db()
    assert trainee.certificate_number.startswith("NGO-N24P-TC-")
    assert "Ghosh" not in response["Content-Disposition"]
    (text,) = _text(response.content)
    for expected in ("Certificate of completion", "Smt. Mita Ghosh", "Identifying victims of trafficking",
                     "Barasat Police Lines", "9 March 2026", "11 March 2026", "Bongaon Police Station",
                     trainee.certificate_number, trainee.verification_code):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="training.certificate", object_id=str(trainee.public_id))
    assert event.changes["certificate"] == trainee.certificate_number and event.changes["reissue"] is False
    assert "Ghosh" not in str(event.changes)


def test_a_second_copy_keeps_the_number_and_is_audited_as_a_reissue(users, programme):
    trainee = _add(users, programme)
    services.issue_certificate(actor=users["ngo_n24p"], trainee=trainee)
    number, code = trainee.certificate_number, trainee.verification_code
    again = Trainee.objects.get(pk=trainee.pk)
    (text,) = _text(services.issue_certificate(actor=users["ngo_n24p"], trainee=again))
    assert number in text and code in text
    assert list(AuditEvent.objects.filter(action="training.certificate").order_by("seq")
                .values_list("changes__reissue", flat=True)) == [False, True]


def test_no_certificate_for_an_incomplete_trainee(users, programme, client_for):
    trainee = _add(users, programme, days_attended=2)
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(actor=users["ngo_n24p"], trainee=trainee)
    assert "attended 2 of the programme's 3 days" in excinfo.value.messages[0]
    response = client_for("ngo_n24p").post(reverse("training:certificate", args=[trainee.public_id]), follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "No certificate: this trainee attended 2 of the programme" in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.certificate_number == ""
    assert not AuditEvent.objects.filter(action="training.certificate").exists()


def test_all_certificates_of_a_programme_in_one_pdf(users, programme, client_for):
    _add(users, programme)
    _add(users, programme, full_name="Bikash Roy", sex="male", designation="")
    _add(users, programme, full_name="Rina Das", organisation="Bongaon Girls' School", category="teachers",
         days_attended=1)
    response = client_for("ngo_n24p").post(reverse("training:certificates", args=[programme.public_id]))
    assert response.status_code == 200
    pages = _text(response.content)
    assert len(pages) == 2
    assert any("Bikash Roy" in p for p in pages) and any("Mita Ghosh" in p for p in pages)
    assert not any("Rina Das" in p for p in pages)
    numbers = set(Trainee.objects.exclude(certificate_number="").values_list("certificate_number", flat=True))
    assert len(numbers) == 2
    assert AuditEvent.objects.filter(action="training.certificate").count() == 2


def test_no_programme_certificates_when_nobody_completed(users, programme, client_for):
    _add(users, programme, days_attended=1)
    response = client_for("ngo_n24p").post(reverse("training:certificates", args=[programme.public_id]), follow=True)
    assert "no trainee of this programme has attended every day yet" in response.content.decode()


def test_a_name_the_pdf_fonts_cannot_print_is_refused_with_a_message(users, programme):
    trainee = _add(users, programme, full_name="মিতা ঘোষ")
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(actor=users["ngo_n24p"], trainee=trainee)
    assert "Latin letters" in excinfo.value.messages[0]
    assert "মিতা" not in excinfo.value.messages[0]
    trainee.refresh_from_db()
    assert trainee.certificate_number == ""
