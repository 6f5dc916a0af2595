"""Rescue operation pages. Thin: every write is a services.py call. The plan and the team
are shown only to the team until the operation ends; to anyone else, their write URLs are
not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import get_rescue_for
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.agencies.models import Jurisdiction
from safetynet.core.models import StaleEdit
from safetynet.core.views_helpers import add_service_errors

from . import services
from .forms import CancelForm, OutcomeForm, PersonRows, PlanForm, ProductionForm, TeamMemberForm
from .models import RescueOperation


@login_required
def rescue_list(request):
    if not has_capability(request.user, policy.Cap.RESCUE_VIEW):
        raise Http404(_("Not found."))
    rescues = RescueOperation.objects.visible_to(request.user).select_related("jurisdiction", "source_tip")[:200]
    return render(request, "rescues/list.html", {
        "rescues": rescues, "can_request": has_capability(request.user, policy.Cap.RESCUE_REQUEST)})


@login_required
def rescue_new(request):
    memberships = memberships_with(request.user, policy.Cap.RESCUE_REQUEST)
    if not memberships:
        raise Http404(_("Not found."))
    area = memberships[0].agency.jurisdiction
    places = Jurisdiction.objects.filter(path__startswith=area.path).order_by("path")
    errors: dict = {}
    if request.method == "POST":
        place = places.filter(code=request.POST.get("jurisdiction", "")).first()
        if place is None:
            errors["jurisdiction"] = [_("Choose a place in your area.")]
        else:
            try:
                rescue = services.request_rescue(actor=request.user, jurisdiction=place,
                                                 reason=request.POST.get("reason", ""))
            except ValidationError as exc:
                errors.update(exc.message_dict)
            else:
                messages.success(request, _("Rescue operation %(ref)s requested. Plan it below.") % {
                    "ref": rescue.reference})
                return redirect("rescues:detail", public_id=rescue.public_id)
    return render(request, "rescues/new.html", {"places": places, "errors": errors, "data": request.POST},
                  status=400 if errors else 200)


def _detail(request, rescue: RescueOperation, status: int = 200, **bound):
    user = request.user
    see_plan = services.can_see_plan(user, rescue)
    can_plan = not rescue.is_over and services.is_on_team(user, rescue) and RescueOperation.objects.visible_to(
        user, policy.Cap.RESCUE_PLAN).filter(pk=rescue.pk).exists()
    context = {"rescue": rescue, "see_plan": see_plan, "can_plan": can_plan}
    if see_plan:
        now = timezone.localtime()
        context.update({
            "plan": {name: rescue.get_text(name) for name in rescue.PLAN_TEXT},
            "team": list(rescue.team.select_related("user")),
            "problems": services.team_problems(rescue),
            "productions": list(rescue.productions.select_related("person")),
            "now": timezone.now(),
            "plan_form": bound.get("plan") or PlanForm(initial={
                "version": rescue.version, "planned_for": timezone.localtime(rescue.planned_for) if rescue.planned_for
                else None, "warrant": rescue.warrant, "vehicles": rescue.vehicles,
                "expects_women_or_children": rescue.expects_women_or_children,
                **{n: rescue.get_text(n) for n in ("target", "information", "verification", "contingency")}}),
            "member_form": bound.get("member") or TeamMemberForm(),
            "outcome_form": bound.get("outcome") or OutcomeForm(initial={"version": rescue.version,
                                                                         "ended_at": now.replace(second=0)}),
            "rescued_rows": bound.get("rescued") or PersonRows(prefix="rescued"),
            "suspect_rows": bound.get("suspects") or PersonRows(prefix="suspects"),
            "cancel_form": bound.get("cancel") or CancelForm(initial={"version": rescue.version}),
        })
    return render(request, "rescues/detail.html", context, status=status)


@login_required
def rescue_detail(request, public_id):
    return _detail(request, get_rescue_for(request.user, public_id))


def _team_rescue(request, public_id) -> RescueOperation:
    """For the plan's write endpoints: not found unless the user is on the team."""
    rescue = get_rescue_for(request.user, public_id)
    if not services.is_on_team(request.user, rescue):
        raise Http404(_("Not found."))
    get_rescue_for(request.user, public_id, policy.Cap.RESCUE_PLAN)  # 403 for a member whose role may not plan
    return rescue


def _back(rescue: RescueOperation, anchor: str = ""):
    return redirect(f"/rescues/{rescue.public_id}/{anchor}")


@login_required
@require_POST
def save_plan(request, public_id):
    rescue = _team_rescue(request, public_id)
    form = PlanForm(request.POST)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.save_plan(actor=request.user, rescue=rescue, expected_version=d["version"],
                               planned_for=d["planned_for"], target=d["target"], information=d["information"],
                               verification=d["verification"], warrant=d["warrant"], vehicles=d["vehicles"],
                               contingency=d["contingency"],
                               expects_women_or_children=d["expects_women_or_children"])
        except StaleEdit as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return _back(rescue, "#h-plan")
    return _detail(request, rescue, status=status, plan=form)


@login_required
@require_POST
def add_member(request, public_id):
    rescue = _team_rescue(request, public_id)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        user = None
        if d["username"]:
            user = get_user_model().objects.filter(username=d["username"].strip(), is_active=True).first()
            if user is None:
                form.add_error("username", _("No active user has this username."))
        if not form.errors:
            try:
                services.add_team_member(actor=request.user, rescue=rescue, kind=d["kind"], woman=d["woman"],
                                         user=user, label=d["label"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _back(rescue, "#h-team")
    return _detail(request, rescue, status=400, member=form)


@login_required
@require_POST
def remove_member(request, public_id, member_id):
    rescue = _team_rescue(request, public_id)
    member = rescue.team.filter(pk=member_id).first()
    if member is None:
        raise Http404(_("Not found."))
    try:
        services.remove_team_member(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(rescue, "#h-team")


@login_required
@require_POST
def mark_ready(request, public_id):
    rescue = _team_rescue(request, public_id)
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, _("This page is out of date: reload it and try again."))
        return _detail(request, rescue, status=400)
    try:
        services.mark_ready(actor=request.user, rescue=rescue, expected_version=int(version))
    except (StaleEdit, ValidationError) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
        return _detail(request, rescue, status=409 if isinstance(exc, StaleEdit) else 400)
    messages.success(request, _("The plan and team are ready: the operation may go ahead."))
    return _back(rescue)


@login_required
@require_POST
def record_outcome(request, public_id):
    rescue = _team_rescue(request, public_id)
    form = OutcomeForm(request.POST)
    rescued, suspects = PersonRows(request.POST, prefix="rescued"), PersonRows(request.POST, prefix="suspects")
    status = 400
    if form.is_valid() and rescued.is_valid() and suspects.is_valid():
        d = form.cleaned_data
        try:
            services.record_outcome(
                actor=request.user, rescue=rescue, expected_version=d["version"], ended_at=d["ended_at"],
                places_searched=d["places_searched"] or 0, items_seized=d["items_seized"], outcome=d["outcome"],
                rescued=[p for f in rescued for p in [f.person()] if p],
                suspects=[p for f in suspects for p in [f.person()] if p])
        except StaleEdit as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
            if rescue.status != RescueOperation.Status.PLANNED:  # the outcome form is not on the page then
                for message in form.non_field_errors():
                    messages.error(request, message)
        else:
            messages.success(request, _("Outcome recorded. The rescued persons are now in case %(ref)s.") % {
                "ref": rescue.case.reference if rescue.case else "—"})
            return _back(rescue)
    return _detail(request, rescue, status=status, outcome=form, rescued=rescued, suspects=suspects)


@login_required
@require_POST
def cancel(request, public_id):
    rescue = _team_rescue(request, public_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(actor=request.user, rescue=rescue, expected_version=form.cleaned_data["version"],
                            reason=form.cleaned_data["reason"])
        except (StaleEdit, ValidationError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, StaleEdit) else " ".join(exc.messages))
        else:
            messages.success(request, _("Operation cancelled."))
            return _back(rescue)
    return _detail(request, rescue, status=400, cancel=form)


@login_required
@require_POST
def produced(request, public_id, production_id):
    rescue = get_rescue_for(request.user, public_id, policy.Cap.RESCUE_PLAN)
    production = rescue.productions.filter(pk=production_id).first()
    if production is None or not services.can_see_plan(request.user, rescue):
        raise Http404(_("Not found."))
    form = ProductionForm(request.POST)
    if form.is_valid():
        try:
            services.record_production(actor=request.user, production=production,
                                       produced_at=form.cleaned_data["produced_at"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Production before the CWC recorded."))
    else:
        messages.error(request, _("Give the date and time of the production."))
    return _back(rescue, "#h-children")
