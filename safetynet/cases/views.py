from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import get_case_for
from safetynet.access.models import AccessGrant
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.access.services import break_glass
from safetynet.core.models import StaleEdit
from safetynet.core.views_helpers import add_service_errors

from . import services
from .forms import BreakGlassForm, CaseForm, NoteForm, PartyForm, StatusForm, TeamForm
from .models import Case


@login_required
def case_list(request):
    cases = Case.objects.visible_to(request.user).select_related("owning_agency", "jurisdiction")
    status = request.GET.get("status", "")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    query = request.GET.get("q", "").strip()[:40]
    if query:
        cases = cases.filter(reference__icontains=query) | cases.filter(title__icontains=query)
    page = Paginator(cases.order_by("-opened_on", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {
        "page": page, "status": status, "query": query, "statuses": Case.Status.choices,
        "can_create": has_capability(request.user, policy.Cap.CASE_CREATE),
    })


@login_required
def case_create(request):
    memberships = memberships_with(request.user, policy.Cap.CASE_CREATE)
    if not memberships:
        from django.http import Http404

        raise Http404(_("Not found."))
    agency = memberships[0].agency
    form = CaseForm(request.POST or None, agency=agency, initial={"opened_on": timezone.localdate(),
                                                                  "jurisdiction": agency.jurisdiction})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(actor=request.user, agency=agency, title=data["title"], kind=data["kind"],
                                      jurisdiction=data["jurisdiction"], opened_on=data["opened_on"],
                                      summary=data["summary"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, "cases/case_form.html", {"form": form, "agency": agency},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, case, **extra):
    user = request.user
    can = {cap: Case.objects.visible_to(user, cap).filter(pk=case.pk).exists() for cap in (
        policy.Cap.CASE_EDIT, policy.Cap.CASE_ADD_PARTY, policy.Cap.CASE_ADD_NOTE, policy.Cap.CASE_MANAGE_TEAM,
        policy.Cap.LEGAL_VIEW)}
    context = {
        "case": case,
        "parties": case.parties.select_related("person").all(),
        "notes": case.notes.select_related("author", "author_agency")[:100],
        "team": AccessGrant.objects.active().filter(case=case).select_related("user"),
        "can_edit": can[policy.Cap.CASE_EDIT],
        "can_add_party": can[policy.Cap.CASE_ADD_PARTY],
        "can_add_note": can[policy.Cap.CASE_ADD_NOTE],
        "can_manage_team": can[policy.Cap.CASE_MANAGE_TEAM],
        "can_see_legal": can[policy.Cap.LEGAL_VIEW],
        "next_statuses": [(s, label) for s, label in Case.Status.choices if case.can_move_to(s)],
        "note_form": NoteForm(),
        "team_form": TeamForm(),
        "match_candidates": _match_candidates(user, case),
    }
    context.update(extra)
    return context


def _match_candidates(user, case):
    """Missing-person reports the matcher found for this case's victims (issue 6: shown as soon as
    a victim is added). Codes and probabilities; who is in them only on the candidate's page."""
    from safetynet.matching.models import MatchCandidate

    victims = case.parties.filter(role="victim").values("person_id")
    return list(MatchCandidate.objects.visible_to(user).filter(person_id__in=victims)
                .exclude(status=MatchCandidate.Status.REJECTED).select_related("report", "person")[:10])


@login_required
def case_detail(request, public_id):
    case = get_case_for(request.user, public_id)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
def case_edit(request, public_id):
    case = get_case_for(request.user, public_id, policy.Cap.CASE_EDIT)
    initial = {"title": case.title, "kind": case.kind, "jurisdiction": case.jurisdiction,
               "opened_on": case.opened_on, "summary": case.summary, "version": case.version}
    form = CaseForm(request.POST or None, agency=case.owning_agency, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("title", "kind", "jurisdiction", "opened_on", "summary")}
        try:
            services.update_case(actor=request.user, case=case, expected_version=data["version"] or 0, **changes)
        except StaleEdit as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Case updated."))
            return redirect("cases:detail", public_id=case.public_id)
    if request.method == "POST" and status == 200:
        status = 400
    return render(request, "cases/case_form.html", {"form": form, "case": case, "agency": case.owning_agency},
                  status=status)


@login_required
@require_POST
def case_status(request, public_id):
    case = get_case_for(request.user, public_id, policy.Cap.CASE_EDIT)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
        return redirect("cases:detail", public_id=case.public_id)
    try:
        services.change_status(actor=request.user, case=case, expected_version=form.cleaned_data["version"],
                               status=form.cleaned_data["status"])
    except (StaleEdit, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Status changed to “%(s)s”.") % {"s": case.get_status_display()})
    return redirect("cases:detail", public_id=case.public_id)


@login_required
def add_party(request, public_id):
    case = get_case_for(request.user, public_id, policy.Cap.CASE_ADD_PARTY)
    form = PartyForm(request.POST or None, initial={"role": request.GET.get("role", "victim")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            party = services.add_party(actor=request.user, case=case, role=data["role"], sex=data["sex"],
                                       age_band=data["age_band"], nationality=data["nationality"],
                                       identity=form.identity())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(role)s %(code)s added.") % {
                "role": party.get_role_display(), "code": party.person.code})
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, "cases/party_form.html", {"form": form, "case": case},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def add_note(request, public_id):
    case = get_case_for(request.user, public_id, policy.Cap.CASE_ADD_NOTE)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(actor=request.user, case=case, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = NoteForm()
    status = 400 if form.errors else 200
    if request.htmx:
        return render(request, "cases/partials/_notes.html", _detail_context(request, case, note_form=form),
                      status=status)
    if form.errors:
        return render(request, "cases/case_detail.html", _detail_context(request, case, note_form=form), status=400)
    messages.success(request, _("Note added."))
    return redirect("cases:detail", public_id=case.public_id)


@login_required
@require_POST
def add_team_member(request, public_id):
    case = get_case_for(request.user, public_id, policy.Cap.CASE_MANAGE_TEAM)
    form = TeamForm(request.POST)
    if form.is_valid():
        colleague = get_user_model().objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if colleague is None:
            messages.error(request, _("No active user has that username."))
        else:
            try:
                services.add_team_member(actor=request.user, case=case, user=colleague)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(u)s added to the case team.") % {"u": colleague.get_username()})
    return redirect("cases:detail", public_id=case.public_id)


@login_required
def break_glass_view(request):
    if not has_capability(request.user, policy.Cap.BREAK_GLASS):
        from django.http import Http404

        raise Http404(_("Not found."))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = break_glass(actor=request.user, case_reference=form.cleaned_data["reference"],
                                reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.warning(request, _("Emergency access granted until %(t)s. The owning agency's head "
                                        "will see your reason.") % {"t": timezone.localtime(grant.expires_at)
                                                                     .strftime("%d %b %H:%M")})
            return redirect("cases:detail", public_id=grant.case.public_id)
    return render(request, "cases/break_glass.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
