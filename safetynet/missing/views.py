import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safetynet.access import policy
from safetynet.access.lookups import get_missing_report_for
from safetynet.access.querysets import has_capability
from safetynet.audit.services import record_access
from safetynet.core.ratelimit import client_key, hit
from safetynet.core.views_helpers import add_service_errors
from safetynet.tips.forms import StatusForm

from . import services
from .forms import MissingReportForm, PublicMissingForm, photo_bytes
from .models import MissingPersonReport


@login_required
def missing_list(request):
    if not has_capability(request.user, policy.Cap.MISSING_VIEW):
        raise Http404(_("Not found."))
    reports = MissingPersonReport.objects.visible_to(request.user).select_related("jurisdiction")[:200]
    return render(request, "missing/list.html", {"reports": reports})


@login_required
def missing_detail(request, public_id):
    report = get_missing_report_for(request.user, public_id)
    # The name and description identify the person: every display is logged.
    shown = [f for f in ("name", "description", "other_names", "family_names", "contact_phone")
             if getattr(report, f"{f}_enc")]
    if shown:
        record_access(actor=request.user, person_code=report.reference, fields=shown, purpose="missing-person report",
                      agency=report.owning_agency)
    return render(request, "missing/detail.html", {
        "report": report, "name": report.get_text("name"), "description": report.get_text("description"),
        "other_names": report.get_json("other_names") or [], "family": report.get_json("family_names") or {},
        "contact_phone": report.get_text("contact_phone"),
        # Each photo is fetched (and its look logged) by ``photo`` below, only when the page shows it.
        "photo_numbers": range(1, report.photos.count() + 1)})


@login_required
def photo(request, public_id, number):
    report = get_missing_report_for(request.user, public_id)
    found = services.get_photo(actor=request.user, report=report, number=number)
    if found is None:
        raise Http404(_("No such photo."))
    response = HttpResponse(found.get_content(), content_type=found.content_type)
    # Identity data: never kept by a browser or a shared cache.
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def new_report(request):
    """A family's report at the police station: names in any script, the family's names and
    the age, which the matcher compares with rescued persons and survivors."""
    from safetynet.agencies.models import Jurisdiction

    if not has_capability(request.user, policy.Cap.MISSING_CREATE):
        raise Http404(_("Not found."))
    form = MissingReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.record_missing(
                actor=request.user, jurisdiction=Jurisdiction.objects.get(code=d["jurisdiction"]), source=d["source"],
                description=d["description"], name=d["name"], sex=d["sex"], last_seen_at=d["last_seen_at"],
                other_names=[n for n in d["other_names"].split(",")], age=d["age"], birth_year=d["birth_year"],
                family={k: d[k] for k in ("father", "mother", "husband")}, photos=photo_bytes(d["photos"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report %(ref)s recorded.") % {"ref": report.reference})
            return redirect("missing:detail", public_id=report.public_id)
    return render(request, "missing/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


# --------------------------------------------------------------------------- the family's public form


def _rate_limited(request, message: str):
    return render(request, "tips/limited.html", {"message": message}, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
def public_report(request):
    """"My child (or family member) is missing": no sign-in. Held back like the tip form: a
    per-client rate limit and a honeypot field. A signed-in visitor's report is filed as the
    public's too (the officer's own form is /missing/new/)."""
    form = PublicMissingForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if hit("missing-form", client_key(request), settings.SAFETYNET_TIP_RATE):
            return _rate_limited(request, _("Too many reports were sent from this connection. Please wait an hour, "
                                            "or go to the nearest police station."))
        if form.is_valid():
            d = form.cleaned_data
            if d["website"]:
                return _public_receipt(request, None, "", _fake_reference(d["jurisdiction"]))
            data = services.PublicReport(
                name=d["name"], jurisdiction_code=d["jurisdiction"], phone=d["phone"], consent=d["consent"],
                other_names=d["other_names"].split(","), sex=d["sex"], age=d["age"], last_seen_on=d["last_seen_on"],
                description=d["description"], family={k: d[k] for k in ("father", "mother", "husband")},
                photos=photo_bytes(d["photos"]))
            try:
                report, receipt = services.submit_public_report(actor=None, data=data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _public_receipt(request, report, receipt, report.reference)
    return render(request, "missing/public_form.html", {"form": form, "had_photos": bool(request.FILES)},
                  status=400 if request.method == "POST" else 200)


def _fake_reference(code: str) -> str:
    """A bot that filled the honeypot gets a receipt like a real one and nothing is stored."""
    short = code.rsplit("-", 1)[-1] if code else "XX"
    return f"MP-{short}-{timezone.localdate().year}-{secrets.randbelow(10**6):06d}"


def _public_receipt(request, report, receipt: str, reference: str):
    from safetynet.agencies.models import Jurisdiction

    district = None
    if report is not None:
        district = report.jurisdiction.ancestor(Jurisdiction.Level.DISTRICT) or report.jurisdiction
    phone = report.get_text("contact_phone") if report is not None else ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    response = render(request, "missing/public_receipt.html", {
        "reference": reference, "receipt": receipt, "district": district, "phone_end": digits[-4:]}, status=201)
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def public_status(request):
    """What happened to the family's report, by the receipt code (POST: the code never sits in a URL)."""
    form = StatusForm(request.POST or None)
    result = None
    if request.method == "POST":
        if hit("missing-status", client_key(request), settings.SAFETYNET_STATUS_RATE):
            return _rate_limited(request, _("Too many checks from this connection. Please try again in an hour."))
        if form.is_valid() and not form.cleaned_data["website"]:
            report = services.public_status(form.cleaned_data["receipt"])
            if report is None:
                form.add_error("receipt", _("No report has this code. Check the letters and numbers."))
            else:
                result = {"text": services.PUBLIC_STATUS[report.status], "reference": report.reference,
                          "received_on": report.created_at.date()}
    return render(request, "missing/public_status.html", {"form": form, "result": result},
                  status=400 if request.method == "POST" and result is None else 200)
