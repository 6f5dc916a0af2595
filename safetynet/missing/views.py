from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.lookups import get_missing_report_for
from safetynet.access.querysets import has_capability
from safetynet.audit.services import record_access

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
    shown = [f for f in ("name", "description") if getattr(report, f"{f}_enc")]
    if shown:
        record_access(actor=request.user, person_code=report.reference, fields=shown, purpose="missing-person report",
                      agency=report.owning_agency)
    return render(request, "missing/detail.html", {"report": report, "name": report.get_text("name"),
                                                   "description": report.get_text("description")})
