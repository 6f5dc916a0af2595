"""Endpoint table rows for the training app (same contract as test_endpoints.py, which imports this list).

A three-day programme of NGO North 24 Parganas (recorded by ngo_n24p) with one named trainee
who attended every day. Trainee pages need ``training.manage`` in the programme's own agency:
ngo_n24p gets through; the other district's NGO (ngo_kish) and the M&E officer (another agency,
same capability), the researcher, the community reporter and the outsider get 404. The library
holds no personal data: every agency member reads it and downloads (counted); publishing needs
``training.manage``, and a product's new language versions its publishing agency.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from .test_endpoints import PAGE, Endpoint, Expect

TRAINEE_NAME = "Sri Tapas Kumar Ghosh"
PROGRAMME_TITLE = "Identifying victims at the border"
PRODUCT_TITLE = "SOP for rescue and post-rescue care"

NOT_THIS_AGENCY = (
    Expect("ngo_kish", 404, why="another agency's programme is not found"),
    Expect("me_officer", 404, why="may manage training, but of its own agency (UNODC)"),
    Expect("researcher", 404, why="no training.manage: trainees are named"),
    Expect("reporter", 404), Expect("outsider", 404),
)


def _programme(c):
    from safetynet.programmes.models import TrainingProgramme

    if "training_programme" not in c.values:
        from safetynet.agencies.models import Jurisdiction
        from safetynet.programmes.services import record_training

        day = datetime.date(2026, 3, 9)
        programme = record_training(actor=c.users["ngo_n24p"], title=PROGRAMME_TITLE,
                                    jurisdiction=Jurisdiction.objects.get(code="IN-WB"), starts_on=day,
                                    ends_on=day + datetime.timedelta(days=2), venue="Barasat Police Lines",
                                    language="Bengali", participants={"police": 1})
        c.values.update({"training_programme": str(programme.public_id), "programme_title": PROGRAMME_TITLE})
    return TrainingProgramme.objects.get(public_id=c.values["training_programme"])


def _trainee(c):
    from safetynet.training.models import Trainee

    if "trainee" not in c.values:
        from safetynet.training.services import add_trainee

        trainee = add_trainee(actor=c.users["ngo_n24p"], programme=_programme(c), full_name=TRAINEE_NAME,
                              category="police", organisation="Bongaon Police Station", sex="male", days_attended=3)
        c.values.update({"trainee": str(trainee.public_id), "trainee_name": TRAINEE_NAME})
    return Trainee.objects.get(public_id=c.values["trainee"])


def _pdf():
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "endpoint-table-sop")
    page.save()
    return out.getvalue()


def _product(c):
    from safetynet.training.models import KnowledgeProduct

    if "product" not in c.values:
        from safetynet.training.services import publish_product

        product = publish_product(actor=c.users["ngo_n24p"], title=PRODUCT_TITLE, kind="sop", language="en",
                                  data=_pdf())
        c.values.update({"product": str(product.public_id), "product_title": PRODUCT_TITLE,
                         "product_version": str(product.versions.get().public_id)})
    return KnowledgeProduct.objects.get(public_id=c.values["product"])


def _upload(**fields):
    def data(c):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {**fields, "file": SimpleUploadedFile("sop.pdf", _pdf(), "application/pdf")}
    return data


def _programme_url(name):
    return lambda c: reverse(name, args=[_programme(c).public_id])


def _trainee_url(name):
    return lambda c: reverse(name, args=[_trainee(c).public_id])


def _attendance(c):
    trainee = _trainee(c)
    return {f"t{trainee.pk}-days_attended": "2", f"t{trainee.pk}-version": str(trainee.version)}


PROGRAMME = "/training/programmes/{training_programme}/"
PUBLISH_404 = (Expect("researcher", 404, why="no training.manage"), Expect("reporter", 404),
               Expect("outsider", 404))

ENDPOINTS: list[Endpoint] = [
    Endpoint("training:programmes", "GET", PAGE, lambda c: reverse("training:programmes"),
             setup=lambda c: _trainee(c),
             allowed=Expect("ngo_n24p", 200, contains=("{programme_title}",)),
             denied=(Expect("ngo_kish", 200, absent=("{programme_title}",), why="filtered to the own agency"),
                     Expect("me_officer", 200, absent=("{programme_title}",)),
                     Expect("researcher", 404), Expect("reporter", 404), Expect("outsider", 404))),
    Endpoint("training:programme", "GET", PAGE, _programme_url("training:programme"),
             setup=lambda c: _trainee(c),
             allowed=Expect("ngo_n24p", 200, contains=("{programme_title}", "{trainee_name}", "Add a trainee")),
             denied=NOT_THIS_AGENCY),
    Endpoint("training:add_trainee", "POST", PAGE, _programme_url("training:add_trainee"),
             data=lambda c: {"full_name": "Rina Das", "category": "teachers", "organisation": "Bongaon Girls' School",
                             "sex": "female", "days_attended": "3", "designation": ""},
             allowed=Expect("ngo_n24p", 302, location=PROGRAMME), denied=NOT_THIS_AGENCY),
    Endpoint("training:certificates", "POST", PAGE, _programme_url("training:certificates"),
             setup=lambda c: _trainee(c), data=lambda c: {},
             allowed=Expect("ngo_n24p", 200, contains=("%PDF-",)), denied=NOT_THIS_AGENCY),
    Endpoint("training:trainee", "GET", PAGE, _trainee_url("training:trainee"),
             allowed=Expect("ngo_n24p", 200, contains=("{trainee_name}", 'name="days_attended"')),
             denied=NOT_THIS_AGENCY),
    Endpoint("training:attendance", "POST", PAGE, _trainee_url("training:attendance"), data=_attendance,
             allowed=Expect("ngo_n24p", 302, location=PROGRAMME), denied=NOT_THIS_AGENCY),
    Endpoint("training:certificate", "POST", PAGE, _trainee_url("training:certificate"), data=lambda c: {},
             allowed=Expect("ngo_n24p", 200, contains=("%PDF-",)), denied=NOT_THIS_AGENCY),
    Endpoint("training:library", "GET", PAGE, lambda c: reverse("training:library"), setup=lambda c: _product(c),
             allowed=Expect("reporter", 200, contains=("{product_title}", "0 downloads")),
             denied=(Expect("outsider", 404, why="members of an agency only"),)),
    Endpoint("training:product_new", "GET", PAGE, lambda c: reverse("training:product_new"),
             allowed=Expect("me_officer", 200, contains=('name="file"',)), denied=PUBLISH_404),
    Endpoint("training:product_new", "POST", PAGE, lambda c: reverse("training:product_new"),
             data=_upload(title="Poster: safe migration", kind="poster", language="bn", description=""),
             allowed=Expect("me_officer", 302, location="/training/library/"), denied=PUBLISH_404),
    Endpoint("training:upload", "GET", PAGE, lambda c: reverse("training:upload", args=[_product(c).public_id]),
             allowed=Expect("ngo_n24p", 200, contains=("{product_title}", 'name="language"')),
             denied=(Expect("ngo_kish", 404, why="only the publishing agency adds versions"),
                     Expect("me_officer", 404), *PUBLISH_404)),
    Endpoint("training:upload", "POST", PAGE, lambda c: reverse("training:upload", args=[_product(c).public_id]),
             data=_upload(language="hi"),
             allowed=Expect("ngo_n24p", 302, location="/training/library/"),
             denied=(Expect("ngo_kish", 404), Expect("me_officer", 404), *PUBLISH_404)),
    Endpoint("training:download", "GET", PAGE,
             lambda c: (_product(c), reverse("training:download", args=[c.values["product_version"]]))[1],
             allowed=Expect("reporter", 200, contains=("%PDF-", "%%EOF")),
             denied=(Expect("outsider", 404, why="members of an agency only"),)),
]
