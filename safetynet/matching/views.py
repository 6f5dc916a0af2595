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
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import get_identity_for
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.audit.services import record_access

from . import services
from .models import DuplicateCandidate, MatchCandidate

# The engine's fields (linkage.FIELDS) as a reviewer reads them. "family" is the family name and
# the father's name scored together (docs/matching.md), "birth_year" the date or year of birth.
FIELD_LABELS = {
    "name": gettext_lazy("Name"), "name_latin": gettext_lazy("Name"), "given": gettext_lazy("Given name"),
    "family": gettext_lazy("Family name and father's name"), "name_phonetic": gettext_lazy("Name (sound)"),
    "father": gettext_lazy("Father's or husband's name"), "father_latin": gettext_lazy("Father's or husband's name"),
    "sex": gettext_lazy("Sex"), "birth_year": gettext_lazy("Age or date of birth, for the years elapsed"),
    "district": gettext_lazy("District"), "id_number": gettext_lazy("ID number"), "address": gettext_lazy("Address"),
    "date_of_birth": gettext_lazy("Date of birth"),
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


# --------------------------------------------------------------------------- duplicates within one record type

AGREEMENT_LABELS = {"missing": gettext_lazy("not known on one side")}


def _duplicate_for(user, public_id) -> DuplicateCandidate:
    duplicate = DuplicateCandidate.objects.visible_to(user).select_related(
        "first_report__jurisdiction", "second_report__jurisdiction", "first_report__owning_agency",
        "second_report__owning_agency", "first_person__jurisdiction", "second_person__jurisdiction",
        "first_person__registering_agency", "second_person__registering_agency").filter(public_id=public_id).first()
    if duplicate is None:
        raise Http404(_("No such pair."))
    return duplicate


@login_required
def duplicate_list(request):
    user = request.user
    if not (has_capability(user, policy.Cap.MISSING_VIEW) or has_capability(user, policy.Cap.PERSON_VIEW)):
        raise Http404
    status = request.GET.get("status", DuplicateCandidate.Status.CANDIDATE)
    kind = request.GET.get("kind", "")
    duplicates = DuplicateCandidate.objects.visible_to(user).filter(status=status)
    if kind in DuplicateCandidate.Kind.values:
        duplicates = duplicates.filter(kind=kind)
    duplicates = duplicates.select_related("first_report", "second_report", "first_person", "second_person")[:200]
    return render(request, "matching/duplicates.html", {
        "duplicates": duplicates, "status": status, "kind": kind, "statuses": DuplicateCandidate.Status.choices,
        "kinds": DuplicateCandidate.Kind.choices})


def _report_names(user, report) -> dict:
    # Each look at a report's names is logged like a look at a person's identity.
    record_access(actor=user, person_code=report.reference, fields=["name", "other_names", "family_names"],
                  purpose="duplicate review", agency=report.owning_agency)
    family = report.get_json("family_names") or {}
    return {"name": report.get_text("name"), "other_names": report.get_json("other_names") or [],
            "father": family.get("father", ""), "husband": family.get("husband", "")}


def _person_names(user, person) -> dict:
    identity = get_identity_for(user, person, purpose="duplicate review") or {}
    return {"name": identity.get("name_latin", ""), "native": identity.get("name_native", ""),
            "other_names": identity.get("aliases") or [], "father": identity.get("father_name", "")}


@login_required
def duplicate_detail(request, public_id):
    duplicate = _duplicate_for(request.user, public_id)
    both = services.can_see_both_records(request.user, duplicate)
    names = None
    if both:
        look = _report_names if duplicate.kind == DuplicateCandidate.Kind.REPORT else _person_names
        names = [look(request.user, duplicate.first), look(request.user, duplicate.second)]
    fields = [{"field": k, "label": FIELD_LABELS.get(k, k), "weight": v, "pct": min(100, round(abs(v) * 8)),
               "level": AGREEMENT_LABELS.get(duplicate.levels.get(k, ""), duplicate.levels.get(k, ""))}
              for k, v in sorted(duplicate.fields.items(), key=lambda kv: -kv[1])]
    return render(request, "matching/duplicate_detail.html", {
        "d": duplicate, "both": both, "fields": fields,
        "sides": [{"record": record, "names": names[i] if names else None,
                   "title": _("Earlier record") if i == 0 else _("Later record")}
                  for i, record in enumerate((duplicate.first, duplicate.second))],
        "can_reopen": bool(memberships_with(request.user, policy.Cap.CASE_MANAGE_TEAM)) and both})


def _act_on_duplicate(request, public_id, call, done: str):
    duplicate = _duplicate_for(request.user, public_id)
    try:
        call(duplicate)
    except ValidationError as exc:  # PermissionDenied passes through: 403
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("matching:duplicate", public_id=duplicate.public_id)


@login_required
@require_POST
def duplicate_confirm(request, public_id):
    return _act_on_duplicate(
        request, public_id, lambda d: services.decide_duplicate(actor=request.user, duplicate=d, confirmed=True,
                                                                note=request.POST.get("note", "")),
        _("Confirmed: the same person. Both agencies are told."))


@login_required
@require_POST
def duplicate_reject(request, public_id):
    return _act_on_duplicate(
        request, public_id, lambda d: services.decide_duplicate(actor=request.user, duplicate=d, confirmed=False,
                                                                note=request.POST.get("note", "")),
        _("Rejected: not the same person."))


@login_required
@require_POST
def duplicate_reopen(request, public_id):
    return _act_on_duplicate(
        request, public_id, lambda d: services.reopen_duplicate(actor=request.user, duplicate=d,
                                                                reason=request.POST.get("reason", "")),
        _("Reopened for review."))


# --------------------------------------------------------------------------- linking one's own spreadsheets
# /matching/link-files/ (issue 6: "the same as an upload page" for link_csv). Writes are in
# linkfiles.py; the linkage runs in a task (tasks.run_link_files).


def _may_link_files(request):
    """None when the user may link files here; else the response: 404 without the capability,
    the second-factor page when it was not passed (the files and results hold names)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if not has_capability(request.user, policy.Cap.LINK_FILES):
        raise Http404
    if not request.user.is_verified():
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.path})}")
    return None


@csrf_exempt  # CSRF is checked below, after the upload handlers are set (Django's documented order)
@login_required
def link_files(request):
    from .linkfiles_forms import InMemoryUploads

    request.upload_handlers = [InMemoryUploads(request)]  # names never reach a temporary file
    return _link_files(request)


@csrf_protect
def _link_files(request):
    from . import csvfiles, linkfiles
    from .linkfiles_forms import LinkFilesForm
    from .models import LinkFilesJob

    refused = _may_link_files(request)
    if refused:
        return refused
    form = LinkFilesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = linkfiles.create_job(actor=request.user, left=data["left"], right=data["right"],
                                       threshold=data["threshold"])
        except (csvfiles.BadFile, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            return redirect("matching:link_files_job", public_id=job.public_id)
    if request.method == "GET":
        linkfiles.purge_expired()  # besides the daily purge_link_files: see linkfiles.py
    jobs = LinkFilesJob.objects.visible_to(request.user)[:10]
    return render(request, "matching/link_files.html", {
        "form": form, "jobs": jobs, "max_mb": linkfiles.MAX_BYTES // (1024 * 1024),
        "max_rows": f"{linkfiles.MAX_ROWS:,}", "keep_days": linkfiles.KEEP.days},
        status=400 if request.method == "POST" else 200)


@login_required
def link_files_job(request, public_id):
    from . import linkfiles

    refused = _may_link_files(request)
    if refused:
        return refused
    job = linkfiles.get_job_for(request.user, public_id)
    template = "matching/link_files_job_status.html" if request.htmx else "matching/link_files_job.html"
    return render(request, template, {"job": job, "keep_days": linkfiles.KEEP.days})


@login_required
def link_files_download(request, public_id):
    from django.http import HttpResponse

    from . import linkfiles

    refused = _may_link_files(request)
    if refused:
        return refused
    job = linkfiles.get_job_for(request.user, public_id)
    data = linkfiles.result_for(actor=request.user, job=job)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    stamp = (job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="pairs-{stamp}.csv"'
    response["Cache-Control"] = "no-store, private"  # names: never kept by a browser or a proxy
    return response
