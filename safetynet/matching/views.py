"""The candidates to review: a list, and one candidate side by side with each field's weight.
Thin: decisions are services.decide / services.reopen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import get_identity_for
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.audit.services import record_access

from . import services
from .models import MatchCandidate

FIELD_LABELS = {
    "name": gettext_lazy("Name"), "name_latin": gettext_lazy("Name"), "given": gettext_lazy("Given name"),
    "family": gettext_lazy("Family name"), "name_phonetic": gettext_lazy("Name (sound)"),
    "father": gettext_lazy("Father's or husband's name"), "father_latin": gettext_lazy("Father's or husband's name"),
    "sex": gettext_lazy("Sex"), "birth_year": gettext_lazy("Age, for the years elapsed"),
    "district": gettext_lazy("District"),
}


def _candidate_for(user, public_id) -> MatchCandidate:
    candidate = MatchCandidate.objects.visible_to(user).select_related(
        "report", "report__jurisdiction", "person", "person__jurisdiction").filter(public_id=public_id).first()
    if candidate is None:
        raise Http404(_("No such candidate."))
    return candidate


@login_required
def candidate_list(request):
    user = request.user
    if not (has_capability(user, policy.Cap.MISSING_VIEW) or memberships_with(user, policy.Cap.CARE_VIEW)):
        raise Http404
    status = request.GET.get("status", MatchCandidate.Status.CANDIDATE)
    candidates = MatchCandidate.objects.visible_to(user).filter(status=status).select_related("report", "person")[:200]
    return render(request, "matching/list.html", {"candidates": candidates, "status": status,
                                                  "statuses": MatchCandidate.Status.choices})


@login_required
def candidate_detail(request, public_id):
    candidate = _candidate_for(request.user, public_id)
    both = services.can_see_both(request.user, candidate)
    report_name = person = None
    if both:
        # Both identities, each look logged.
        report = candidate.report
        record_access(actor=request.user, person_code=report.reference, fields=["name"],
                      purpose="match review", agency=report.owning_agency)
        report_name = {"name": report.get_text("name"), "other_names": report.get_json("other_names") or [],
                       "family": report.get_json("family_names") or {}}
        person = get_identity_for(request.user, candidate.person, purpose="match review")
    fields = [{"field": k, "label": FIELD_LABELS.get(k, k), "weight": v,
               "pct": min(100, round(abs(v) * 8))} for k, v in sorted(candidate.fields.items(), key=lambda kv: -kv[1])]
    return render(request, "matching/detail.html", {
        "c": candidate, "both": both, "report_name": report_name, "person": person, "fields": fields,
        "can_reopen": bool(memberships_with(request.user, policy.Cap.CASE_MANAGE_TEAM)) and both})


def _act(request, public_id, call, done: str):
    candidate = _candidate_for(request.user, public_id)
    try:
        call(candidate)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matching:detail", public_id=candidate.public_id)
    messages.success(request, done)
    return redirect("matching:detail", public_id=candidate.public_id)


@login_required
@require_POST
def confirm(request, public_id):
    return _act(request, public_id, lambda c: services.decide(actor=request.user, candidate=c, confirmed=True,
                                                               note=request.POST.get("note", "")),
                _("Confirmed. The report's agency is told to contact the family."))


@login_required
@require_POST
def reject(request, public_id):
    return _act(request, public_id, lambda c: services.decide(actor=request.user, candidate=c, confirmed=False,
                                                               note=request.POST.get("note", "")),
                _("Rejected: not the same person."))


@login_required
@require_POST
def reopen(request, public_id):
    return _act(request, public_id, lambda c: services.reopen(actor=request.user, candidate=c,
                                                               reason=request.POST.get("reason", "")),
                _("Reopened for review."))
