"""Training pages: the programmes, their named trainees and certificates (training.manage, the
programme's own agency), and the library of knowledge products (every agency member reads,
training.manage publishes). Thin: every write is in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.querysets import active_memberships, has_capability
from safetynet.core.models import StaleEdit
from safetynet.programmes.models import TrainingParticipation

from . import services
from .forms import AttendanceForm, ProductForm, TraineeEditForm, TraineeForm, UploadForm
from .models import (
    KnowledgeProduct,
    KnowledgeVersion,
    Language,
    Trainee,
    category_comparison,
    programme_days,
    programmes_visible_to,
)

# --------------------------------------------------------------------------- lookups (404 for missing and not visible)


def _manager(user) -> None:
    if not has_capability(user, policy.Cap.TRAINING_MANAGE):
        raise Http404


def get_programme_for(user, public_id):
    _manager(user)
    programme = (programmes_visible_to(user).select_related("centre", "owning_agency", "jurisdiction")
                 .filter(public_id=public_id).first())
    if programme is None:
        raise Http404(_("No such programme."))
    return programme


def get_trainee_for(user, public_id) -> Trainee:
    _manager(user)
    trainee = (Trainee.objects.visible_to(user).select_related("programme", "programme__centre",
                                                               "programme__owning_agency")
               .filter(public_id=public_id).first())
    if trainee is None:
        raise Http404(_("No such trainee."))
    return trainee


def _reader(user) -> None:
    if not active_memberships(user):
        raise Http404


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --------------------------------------------------------------------------- programmes and trainees


@login_required
def programme_list(request):
    _manager(request.user)
    programmes = (programmes_visible_to(request.user).select_related("centre", "jurisdiction")
                  .annotate(trainees_n=Count("trainees", distinct=True), counted=Subquery(
                      TrainingParticipation.objects.filter(programme=OuterRef("pk")).values("programme")
                      .annotate(n=Sum("attended")).values("n")))[:300])
    return render(request, "training/programme_list.html", {"programmes": programmes})


def _detail(request, programme, form, status=200):
    trainees = list(programme.trainees.all())
    days = programme_days(programme)
    rows = [{"t": t, "completed": t.days_attended >= days,
             "attendance": AttendanceForm(initial={"days_attended": t.days_attended, "version": t.version},
                                          prefix=f"t{t.pk}")}
            for t in trainees]
    return render(request, "training/programme_detail.html", {
        "programme": programme, "days": days, "rows": rows, "form": form,
        "comparison": category_comparison(programme)}, status=status)


@login_required
def programme_detail(request, public_id):
    programme = get_programme_for(request.user, public_id)
    return _detail(request, programme, TraineeForm(days=programme_days(programme)))


@login_required
@require_POST
def add_trainee(request, public_id):
    programme = get_programme_for(request.user, public_id)
    form = TraineeForm(request.POST, days=programme_days(programme))
    if form.is_valid():
        try:
            services.add_trainee(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Trainee added."))
            return redirect("training:programme", public_id=programme.public_id)
    return _detail(request, programme, form, status=400)


@login_required
def trainee_edit(request, public_id):
    trainee = get_trainee_for(request.user, public_id)
    programme = trainee.programme
    days = programme_days(programme)
    if request.method == "POST":
        form = TraineeEditForm(request.POST, days=days)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.update_trainee(actor=request.user, trainee=trainee, expected_version=version, **data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            except StaleEdit as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Trainee saved."))
                return redirect("training:programme", public_id=programme.public_id)
        status = 400
    else:
        form = TraineeEditForm(days=days, initial={
            "full_name": trainee.full_name, "category": trainee.category, "organisation": trainee.organisation,
            "designation": trainee.designation, "sex": trainee.sex, "days_attended": trainee.days_attended,
            "version": trainee.version})
        status = 200
    return render(request, "training/trainee_form.html", {"trainee": trainee, "programme": programme, "form": form,
                                                          "days": days}, status=status)


@login_required
@require_POST
def attendance(request, public_id):
    """The days attended of one trainee, from the row of the programme's table."""
    trainee = get_trainee_for(request.user, public_id)
    form = AttendanceForm(request.POST, prefix=f"t{trainee.pk}")
    if not form.is_valid():
        messages.error(request, _("Enter the days attended: zero or more."))
    else:
        try:
            services.update_trainee(actor=request.user, trainee=trainee,
                                    expected_version=form.cleaned_data["version"],
                                    days_attended=form.cleaned_data["days_attended"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except StaleEdit as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attendance saved."))
    return redirect(f"{_programme_url(trainee.programme)}#trainee-{trainee.public_id}")


def _programme_url(programme) -> str:
    from django.urls import reverse

    return reverse("training:programme", args=[programme.public_id])


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_POST
def certificate(request, public_id):
    trainee = get_trainee_for(request.user, public_id)
    try:
        pdf = services.issue_certificate(actor=request.user, trainee=trainee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{_programme_url(trainee.programme)}#trainee-{trainee.public_id}")
    return _pdf(pdf, f"certificate-{trainee.certificate_number}.pdf")


@login_required
@require_POST
def programme_certificates(request, public_id):
    programme = get_programme_for(request.user, public_id)
    try:
        pdf, _issued, _left_out = services.issue_programme_certificates(actor=request.user, programme=programme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("training:programme", public_id=programme.public_id)
    return _pdf(pdf, f"certificates-{programme.starts_on:%Y%m%d}.pdf")


# --------------------------------------------------------------------------- the library


@login_required
def library(request):
    _reader(request.user)
    kind = request.GET.get("kind", "")
    products = KnowledgeProduct.objects.readable_by(request.user)
    if kind in KnowledgeProduct.Kind.values:
        products = products.filter(kind=kind)
    current = KnowledgeVersion.objects.current().order_by("language")
    products = (products.select_related("publishing_agency")
                .prefetch_related(Prefetch("versions", queryset=current, to_attr="current_versions"))
                .annotate(total_downloads=Sum("versions__downloads"))[:500])
    products = list(products)
    order = {code: i for i, code in enumerate(Language.values)}  # English, Hindi, Bengali, Nepali
    for product in products:
        product.current_versions.sort(key=lambda v: order.get(v.language, 99))
    managed = set(KnowledgeProduct.objects.managed_by(request.user).values_list("pk", flat=True))
    return render(request, "training/library.html", {
        "products": products, "managed": managed, "kind": kind, "kinds": KnowledgeProduct.Kind.choices,
        "can_publish": has_capability(request.user, policy.Cap.TRAINING_MANAGE)})


def _read_upload(form) -> bytes | None:
    upload = form.cleaned_data["file"]
    limit = services.max_upload_bytes()
    if upload.size > limit:
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": round(limit / (1024 * 1024), 1)})
        return None
    return upload.read()


@login_required
def product_new(request):
    _manager(request.user)
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid() and (data := _read_upload(form)) is not None:
            c = form.cleaned_data
            try:
                services.publish_product(actor=request.user, title=c["title"], kind=c["kind"],
                                         description=c["description"], language=c["language"], data=data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Published in the library."))
                return redirect("training:library")
    return render(request, "training/product_form.html", {
        "form": form, "max_mb": round(services.max_upload_bytes() / (1024 * 1024), 1)},
        status=400 if request.method == "POST" else 200)


def _managed_product(user, public_id) -> KnowledgeProduct:
    _manager(user)
    product = KnowledgeProduct.objects.managed_by(user).filter(public_id=public_id).first()
    if product is None:
        raise Http404(_("No such product."))
    return product


@login_required
def version_upload(request, public_id):
    product = _managed_product(request.user, public_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid() and (data := _read_upload(form)) is not None:
            try:
                services.add_version(actor=request.user, product=product, language=form.cleaned_data["language"],
                                     data=data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The language version is in the library."))
                return redirect("training:library")
    versions = product.versions.current().order_by("language")
    return render(request, "training/version_form.html", {
        "form": form, "product": product, "versions": versions,
        "max_mb": round(services.max_upload_bytes() / (1024 * 1024), 1)},
        status=400 if request.method == "POST" else 200)


@login_required
def download(request, public_id):
    _reader(request.user)
    version = (KnowledgeVersion.objects.current().select_related("product", "file")
               .filter(public_id=public_id, product__in=KnowledgeProduct.objects.readable_by(request.user)).first())
    if version is None:
        raise Http404(_("No such file."))
    services.count_download(actor=request.user, version=version)
    response = HttpResponse(bytes(version.file.data), content_type=version.content_type)
    from django.utils.text import slugify

    name = slugify(version.product.title)[:60] or "document"
    response["Content-Disposition"] = f'attachment; filename="{name}-{version.language}.{version.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

