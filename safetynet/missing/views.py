from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.lookups import get_missing_report_for
from safetynet.access.querysets import has_capability
from safetynet.audit.services import record_access
from safetynet.core.views_helpers import add_service_errors

from . import services
from .forms import MissingReportForm
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
    shown = [f for f in ("name", "description", "other_names", "family_names") if getattr(report, f"{f}_enc")]
    if shown:
        record_access(actor=request.user, person_code=report.reference, fields=shown, purpose="missing-person report",
                      agency=report.owning_agency)
    return render(request, "missing/detail.html", {
        "report": report, "name": report.get_text("name"), "description": report.get_text("description"),
        "other_names": report.get_json("other_names") or [], "family": report.get_json("family_names") or {}})


@login_required
def new_report(request):
    """A family's report at the police station: names in any script, the family's names and
    the age, which the matcher compares with rescued persons and survivors."""
    from safetynet.agencies.models import Jurisdiction

    if not has_capability(request.user, policy.Cap.MISSING_CREATE):
        raise Http404(_("Not found."))
    form = MissingReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.record_missing(
                actor=request.user, jurisdiction=Jurisdiction.objects.get(code=d["jurisdiction"]), source=d["source"],
                description=d["description"], name=d["name"], sex=d["sex"], last_seen_at=d["last_seen_at"],
                other_names=[n for n in d["other_names"].split(",")], age=d["age"], birth_year=d["birth_year"],
                family={k: d[k] for k in ("father", "mother", "husband")})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report %(ref)s recorded.") % {"ref": report.reference})
            return redirect("missing:detail", public_id=report.public_id)
    return render(request, "missing/new.html", {"form": form}, status=400 if request.method == "POST" else 200)
