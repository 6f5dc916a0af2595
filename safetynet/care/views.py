"""The survivor's care record, the CWC's children, shelters and the care indicators.
Thin: every write is a services.py call; a refused write shows the record again with the
message beside the field and nothing saved (400), a stale edit says so (409)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import get_care_record_for, get_identity_for, get_survivor_for
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.agencies.models import Membership
from safetynet.core.models import StaleEdit
from safetynet.core.views_helpers import add_service_errors
from safetynet.people.models import Person

from . import forms as f
from . import indicators, services
from .models import (
    CareShare,
    Consent,
    FollowUp,
    Placement,
    RepatriationStep,
    ShelterHome,
    Survivor,
)

WARNING_TEXT = {
    "suspect_phone": _("A household member's phone number is a suspect's."),
    "suspect_name": _("A household member's name matches a suspect's (in any spelling or script)."),
    "source_place": _("The home is where the survivor was recruited: the source of the case."),
    "family_involved": _("The family was involved in the trafficking."),
    "village_involved": _("People in the village were involved."),
    "recruiter_family": _("The recruiter was a family member or partner."),
}


def _can(user, survivor: Survivor, capability: str) -> bool:
    return Survivor.objects.visible_to(user, capability).filter(pk=survivor.pk).exists()


def _today():
    return timezone.localdate()


def _page(request, survivor: Survivor, status: int = 200, **bound):
    """The whole record, with any form that failed shown again, bound (``bound`` by name)."""
    user, today = request.user, _today()
    can = {cap: _can(user, survivor, cap) for cap in (
        policy.Cap.CARE_EDIT, policy.Cap.CARE_SERVICE, policy.Cap.SHELTER_MANAGE, policy.Cap.CWC_DECIDE)}
    can_edit = can[policy.Cap.CARE_EDIT]
    person = survivor.person
    identity = None
    if Person.objects.visible_to(user, policy.Cap.IDENTITY_VIEW).filter(pk=person.pk).exists():
        identity = get_identity_for(user, person, purpose="care record")
    placement = survivor.placements.filter(ended_on=None).select_related("shelter__agency").first()
    plan = getattr(survivor, "care_plan", None) if hasattr(survivor, "care_plan") else None
    goals = list(plan.goals.all()) if plan else []
    study = survivor.home_studies.select_related("place").first()
    repatriation = survivor.repatriations.order_by("-id").first()
    steps = list(repatriation.steps.all()) if repatriation else []
    next_step = next((s for s in steps if not s.done_on), None)
    follow_ups = list(survivor.follow_ups.all())
    counsellor = services.is_counsellor_of(user, survivor)
    colleagues = [_labelled(m) for m in Membership.objects.filter(
        agency_id__in=[m.agency_id for m in memberships_with(user, policy.Cap.CARE_VIEW)]
        + ([placement.shelter.agency_id] if placement else []),
        is_active=True, role__in=[policy.Role.NGO_CASEWORKER, policy.Role.COUNSELLOR]).select_related(
        "user", "agency")]
    production = survivor.person.cwc_productions.first()
    context = {
        "survivor": survivor, "person": person, "identity": identity, "today": today, "now": timezone.now(),
        "can_edit": can_edit, "can_service": can[policy.Cap.CARE_SERVICE],
        "can_shelter": can[policy.Cap.SHELTER_MANAGE], "can_cwc": can[policy.Cap.CWC_DECIDE],
        "is_counsellor": counsellor,
        "clinical_notes": services.clinical_notes_for(user, survivor) if counsellor else [],
        "consents": survivor.consents.select_related("agency", "taken_by"),
        "overrides": survivor.overrides.select_related("agency", "by"),
        "shares": survivor.shares.filter(ended_on=None).select_related("agency"),
        "assignments": survivor.assignments.filter(active=True).select_related("user"),
        "orders": survivor.cwc_orders.select_related("cwc", "agency"),
        "production": production,
        "placement": placement, "placements": survivor.placements.select_related("shelter__agency"),
        "plan": plan, "goals": goals, "reviews": plan.reviews.all()[:5] if plan else [],
        "services": survivor.services.all(),
        "study": study, "study_warnings": [WARNING_TEXT.get(w, w) for w in (study.warnings if study else [])],
        "household": services.flag_household(_household(study)) if study and identity is not None else None,
        "study_risks": study.get_text("risks") if study else "",
        "study_address": study.get_text("address") if study and identity is not None else "",
        "repatriation": repatriation, "steps": steps, "next_step": next_step,
        "follow_ups": follow_ups,
        "next_follow_up": next((x for x in follow_ups if not x.done_on), None),
        "blockers": _blockers(survivor),
        "match_candidates": _match_candidates(survivor),
        "htcds": {field: _labels(survivor, field) for field in
                  ("exploitation_types", "labour_industries", "methods_of_control", "recruitment_methods")},
        # forms
        "profile_form": bound.get("profile") or f.EditProfileForm(initial={
            "version": survivor.version, "language": survivor.language,
            "trafficking_status": survivor.trafficking_status, "exploitation_types": survivor.exploitation_types,
            "labour_industries": survivor.labour_industries, "methods_of_control": survivor.methods_of_control,
            "recruitment_methods": survivor.recruitment_methods, "recruiter_relation": survivor.recruiter_relation,
            "months_in_exploitation": survivor.months_in_exploitation,
            "recruited_from": survivor.recruited_from.code if survivor.recruited_from else ""}),
        "consent_form": bound.get("consent") or f.ConsentForm(initial={
            "taken_on": today, "language": survivor.language,
            "given_by": "guardian" if person.age_band in services.CHILD_BANDS else "survivor"}),
        "share_form": bound.get("share") or f.ShareForm(),
        "tracing_form": bound.get("tracing") or f.TracingForm(),
        "assign_form": bound.get("assign") or f.AssignForm(people=colleagues),
        "order_form": bound.get("order") or f.CWCOrderForm(initial={"ordered_on": today}),
        "production_form": bound.get("production") or f.ProductionForm(initial={"produced_at": timezone.localtime()}),
        "place_form": bound.get("place") or f.PlaceForm(initial={"started_on": today}),
        "transfer_form": bound.get("transfer") or (f.TransferForm(initial={
            "version": placement.version, "started_on": today}) if placement else None),
        "exit_form": bound.get("exit") or (f.ExitForm(initial={"version": placement.version, "ended_on": today})
                                           if placement else None),
        "plan_form": bound.get("plan") or f.PlanForm(),
        "review_form": bound.get("review") or (f.ReviewForm(goals=[g for g in goals if g.status == "open"], initial={
            "version": plan.version, "reviewed_on": today}) if plan else None),
        "service_form": bound.get("service") or f.ServiceForm(initial={"delivered_on": today}),
        "clinical_form": bound.get("clinical") or f.ClinicalNoteForm(initial={"written_on": today}),
        "study_form": bound.get("study") or f.HomeStudyForm(initial={
            "conducted_on": today,
            "place": (survivor.jurisdiction.ancestor("district") or survivor.jurisdiction).code}),
        "repatriation_form": bound.get("repatriation") or f.RepatriationForm(initial={
            "country": person.nationality if person.nationality in ("BD", "NP") else "BD"}),
        "step_form": bound.get("step") or (f.StepForm(initial={"version": next_step.version, "done_on": today,
                                                               "border_post": repatriation.border_post})
                                           if next_step and repatriation else None),
        "follow_up_form": bound.get("follow_up"),
        "failed_follow_up": bound.get("follow_up_pk"),
        "erase_form": bound.get("erase") or f.EraseForm(),
        "open": bound.get("open", ""),
    }
    if context["exit_form"] is not None and not context["study_warnings"]:
        from django import forms as django_forms

        context["exit_form"].fields["warnings_read"].widget = django_forms.HiddenInput()
    if context["follow_up_form"] is None and context["next_follow_up"] is not None:
        nf = context["next_follow_up"]
        context["follow_up_form"] = f.FollowUpForm(initial={"version": nf.version, "done_on": today})
    return render(request, "care/survivor.html", context, status=status)


def _labelled(membership):
    """A user for a drop-down: "Debjani — Counsellor, SH-KOLK"."""
    user = membership.user
    user.label = f"{user.get_full_name() or user.get_username()} — {membership.get_role_display()}, " \
        f"{membership.agency.short_code}"
    return user


def _household(study) -> list[dict]:
    import json

    text = study.get_text("household")
    return json.loads(text) if text else []


def _labels(survivor: Survivor, field: str) -> list[str]:
    from . import htcds

    return htcds.labels(field, getattr(survivor, field))


def _match_candidates(survivor: Survivor):
    """Missing-person reports the matcher found for this survivor (codes; names on review)."""
    from safetynet.matching.models import MatchCandidate

    return list(MatchCandidate.objects.filter(person_id=survivor.person_id).exclude(status="rejected")
                .select_related("report")[:10])


def _blockers(survivor: Survivor) -> list[str]:
    from safetynet.prosecution.services import erasure_blockers

    return erasure_blockers(survivor.person) if not survivor.person.identity_erased_at else []


def _run(request, survivor: Survivor, form, name: str, call: Callable, done: str):
    """Validate ``form``; call the service; on success redirect to the record with ``done``;
    on a refusal show the record again with the form bound and the message beside its field."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit as exc:
            messages.error(request, str(exc))
            return _page(request, survivor, status=409)
        else:
            messages.success(request, done)
            return redirect(f"/care/survivors/{survivor.public_id}/")
    # Said at the top too: on a phone the form that failed is far down the page.
    messages.error(request, _("Nothing was saved: the open form below says why."))
    return _page(request, survivor, status=400, open=name, **{name: form})


# --------------------------------------------------------------------------- lists


@login_required
def survivor_list(request):
    user = request.user
    if not memberships_with(user, policy.Cap.CARE_VIEW):
        raise Http404
    survivors = list(Survivor.objects.visible_to(user).select_related("person", "jurisdiction")[:300])
    ids = [s.pk for s in survivors]
    current = {p.survivor_id: p for p in Placement.objects.filter(survivor_id__in=ids, ended_on=None)
               .select_related("shelter__agency")}
    today = _today()
    due = {}
    for fu in FollowUp.objects.filter(survivor_id__in=ids, done_on=None).order_by("due_on"):
        due.setdefault(fu.survivor_id, fu)
    rows = [{"s": s, "placement": current.get(s.pk), "follow_up": due.get(s.pk),
             "late": bool(due.get(s.pk) and due[s.pk].due_on < today)} for s in survivors]
    return render(request, "care/list.html", {
        "rows": rows, "can_register": bool(memberships_with(user, policy.Cap.CARE_EDIT)),
        "is_cwc": bool(memberships_with(user, policy.Cap.CWC_DECIDE)), "today": today})


def _victims_without_record(user):
    """Victims of cases the user may see who have no care record yet (rescued persons)."""
    from safetynet.cases.models import Case

    cases = Case.objects.visible_to(user).values("pk")
    # person.view too: register_survivor refuses a person the user may not see.
    return Person.objects.visible_to(user, policy.Cap.PERSON_VIEW).filter(
        case_parties__case__in=cases, case_parties__role="victim", survivor__isnull=True,
    ).distinct().order_by("-created_at")[:100]


@login_required
def register(request):
    user = request.user
    if not memberships_with(user, policy.Cap.CARE_EDIT):
        raise Http404
    victims = list(_victims_without_record(user))
    form = f.RegisterForm(request.POST or None, victims=victims, initial={"registered_on": _today(),
                                                                           "came_via": "came_forward"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = next((p for p in victims if str(p.public_id) == d["person"]), None) if d["person"] else None
        profile = _profile(d)
        identity = form.identity()
        try:
            survivor = services.register_survivor(
                actor=user, came_via=d["came_via"], jurisdiction=_jurisdiction(d["jurisdiction"]),
                language=d["language"], profile=profile, registered_on=d["registered_on"], person=person,
                sex=d["sex"], age_band=d["age_band"], nationality=d["nationality"], identity=identity or None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Care record %(code)s opened.") % {"code": survivor.person.code})
            return redirect(f"/care/survivors/{survivor.public_id}/")
    return render(request, "care/register.html", {"form": form, "victims": victims},
                  status=400 if request.method == "POST" else 200)


def _jurisdiction(code: str):
    """The place a PlaceField named, as the Jurisdiction row the services store (routing's
    ``place_for_code`` gives a lightweight Place for intake, not a model instance)."""
    from safetynet.agencies.models import Jurisdiction

    return Jurisdiction.objects.filter(code=code).first() if code else None


def _profile(d: dict) -> services.Profile:
    return services.Profile(
        trafficking_status=d["trafficking_status"], methods_of_control=d["methods_of_control"],
        exploitation_types=d["exploitation_types"], labour_industries=d["labour_industries"],
        recruitment_methods=d["recruitment_methods"], recruiter_relation=d["recruiter_relation"] or "",
        months_in_exploitation=d["months_in_exploitation"],
        recruited_from=_jurisdiction(d.get("recruited_from") or ""))


@login_required
def detail(request, public_id):
    return _page(request, get_survivor_for(request.user, public_id))


# --------------------------------------------------------------------------- writes on the record


@login_required
@require_POST
def edit_profile(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    return _run(request, s, f.EditProfileForm(request.POST), "profile", lambda d: services.update_profile(
        actor=request.user, survivor=s, expected_version=d["version"], profile=_profile(d), language=d["language"]),
        _("Profile saved."))


@login_required
@require_POST
def add_consent(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    return _run(request, s, f.ConsentForm(request.POST), "consent", lambda d: services.record_consent(
        actor=request.user, survivor=s, purpose=d["purpose"], method=d["method"], language=d["language"],
        taken_on=d["taken_on"], given_by=d["given_by"], agency=d["agency"], witness=d["witness"],
        expires_on=d["expires_on"]), _("Consent recorded."))


@login_required
@require_POST
def withdraw_consent(request, public_id):
    consent = get_care_record_for(request.user, Consent, public_id, policy.Cap.CARE_EDIT)
    try:
        services.withdraw_consent(actor=request.user, consent=consent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _page(request, consent.survivor, status=400)
    messages.success(request, _("Consent withdrawn. Sharing that rested on it has ended."))
    return redirect(f"/care/survivors/{consent.survivor.public_id}/")


@login_required
@require_POST
def share(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    return _run(request, s, f.ShareForm(request.POST), "share", lambda d: services.share_record(
        actor=request.user, survivor=s, agency=d["agency"], override_reason=d["override_reason"]),
        _("The record is shared."))


@login_required
@require_POST
def end_share(request, public_id):
    item = get_care_record_for(request.user, CareShare, public_id, policy.Cap.CARE_EDIT)
    try:
        services.end_share(actor=request.user, share=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _page(request, item.survivor, status=400)
    messages.success(request, _("Sharing ended."))
    return redirect(f"/care/survivors/{item.survivor.public_id}/")


@login_required
@require_POST
def tracing(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    return _run(request, s, f.TracingForm(request.POST), "tracing", lambda d: services.start_tracing(
        actor=request.user, survivor=s, override_reason=d["override_reason"]), _("Family tracing started."))


@login_required
@require_POST
def assign(request, public_id):
    from safetynet.accounts.models import User

    s = get_survivor_for(request.user, public_id)
    if not (_can(request.user, s, policy.Cap.CARE_EDIT) or _can(request.user, s, policy.Cap.SHELTER_MANAGE)):
        raise PermissionDenied  # visible record, action not allowed: 403 (access/lookups.py)
    people = User.objects.filter(is_active=True, pk__in=Membership.objects.filter(
        is_active=True, role__in=[policy.Role.NGO_CASEWORKER, policy.Role.COUNSELLOR]).values("user_id"))
    return _run(request, s, f.AssignForm(request.POST, people=people), "assign", lambda d: services.assign(
        actor=request.user, survivor=s, user=people.get(pk=d["user"]), kind=d["kind"]), _("Assigned."))


@login_required
@require_POST
def cwc_order(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CWC_DECIDE)
    return _run(request, s, f.CWCOrderForm(request.POST), "order", lambda d: services.record_cwc_order(
        actor=request.user, survivor=s, kind=d["kind"], number=d["number"], ordered_on=d["ordered_on"],
        agency=d["agency"], age_band=d["age_band"], details=d["details"]), _("CWC order recorded."))


@login_required
@require_POST
def place(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.SHELTER_MANAGE)
    return _run(request, s, f.PlaceForm(request.POST), "place", lambda d: services.place(
        actor=request.user, survivor=s, shelter=d["shelter"], started_on=d["started_on"], reason=d["reason"]),
        _("Placement recorded."))


@login_required
@require_POST
def transfer(request, public_id):
    p = get_care_record_for(request.user, Placement, public_id, policy.Cap.SHELTER_MANAGE)
    return _run(request, p.survivor, f.TransferForm(request.POST), "transfer", lambda d: services.transfer(
        actor=request.user, placement=p, expected_version=d["version"], to=d["shelter"], on=d["started_on"],
        reason=d["reason"]), _("Transfer recorded."))


@login_required
@require_POST
def leave(request, public_id):
    p = get_care_record_for(request.user, Placement, public_id, policy.Cap.SHELTER_MANAGE)
    return _run(request, p.survivor, f.ExitForm(request.POST), "exit", lambda d: services.leave_care(
        actor=request.user, placement=p, expected_version=d["version"], ended_on=d["ended_on"],
        exit_reason=d["exit_reason"], note=d["note"], warnings_read=d["warnings_read"]),
        _("Exit recorded. Follow-ups are planned at 3, 6 and 12 months."))


@login_required
@require_POST
def create_plan(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    form = f.PlanForm(request.POST)
    return _run(request, s, form, "plan", lambda d: services.create_plan(
        actor=request.user, survivor=s, review_every_days=d["review_every_days"], goals=form.goals()),
        _("Care plan saved."))


@login_required
@require_POST
def review_plan(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    plan = getattr(s, "care_plan", None)
    if plan is None:
        raise Http404
    form = f.ReviewForm(request.POST, goals=plan.goals.filter(status="open"))
    return _run(request, s, form, "review", lambda d: services.review_plan(
        actor=request.user, plan=plan, expected_version=d["version"], reviewed_on=d["reviewed_on"],
        summary=d["summary"], goal_status={int(g): "achieved" for g in d["achieved"]},
        new_goals=[(d["new_domain"], d["new_goal"], None)] if d["new_goal"].strip() else []),
        _("Review saved."))


@login_required
@require_POST
def add_service(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_SERVICE)
    return _run(request, s, f.ServiceForm(request.POST), "service", lambda d: services.add_service(
        actor=request.user, survivor=s, kind=d["kind"], provider=d["provider"], delivered_on=d["delivered_on"],
        job_role=d["job_role"], note=d["note"]), _("Service recorded."))


@login_required
@require_POST
def clinical_note(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CLINICAL_NOTES)
    if not services.is_counsellor_of(request.user, s):
        raise Http404  # not even that notes exist: only the survivor's counsellors know
    return _run(request, s, f.ClinicalNoteForm(request.POST), "clinical", lambda d: services.write_clinical_note(
        actor=request.user, survivor=s, body=d["body"], written_on=d["written_on"]), _("Note saved."))


@login_required
@require_POST
def home_study(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    form = f.HomeStudyForm(request.POST)
    return _run(request, s, form, "study", lambda d: services.record_home_study(
        actor=request.user, survivor=s, conducted_on=d["conducted_on"], place=_jurisdiction(d["place"]),
        address=d["address"], household=form.household_rows(), risks=d["risks"],
        family_involved=d["family_involved"], village_involved=d["village_involved"],
        recommendation=d["recommendation"]), _("Home study recorded."))


@login_required
@require_POST
def repatriation(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    return _run(request, s, f.RepatriationForm(request.POST), "repatriation", lambda d: services.start_repatriation(
        actor=request.user, survivor=s, country=d["country"], counterpart=d["counterpart"],
        border_post=d["border_post"]), _("Repatriation started: four steps with due dates."))


@login_required
@require_POST
def step(request, public_id):
    st = get_care_record_for(request.user, RepatriationStep, public_id, policy.Cap.CARE_EDIT,
                             survivor_path="repatriation__survivor")
    return _run(request, st.repatriation.survivor, f.StepForm(request.POST), "step", lambda d: services.complete_step(
        actor=request.user, step=st, expected_version=d["version"], done_on=d["done_on"], note=d["note"],
        border_post=d["border_post"]), _("Step recorded."))


@login_required
@require_POST
def follow_up(request, public_id):
    fu = get_care_record_for(request.user, FollowUp, public_id, policy.Cap.CARE_EDIT)
    form = f.FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_follow_up(actor=request.user, follow_up=fu, expected_version=d["version"],
                                      done_on=d["done_on"], wellbeing=d["wellbeing"], livelihood=d["livelihood"],
                                      risk=d["risk"], re_trafficked=d["re_trafficked"], note=d["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleEdit as exc:
            messages.error(request, str(exc))
            return _page(request, fu.survivor, status=409)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect(f"/care/survivors/{fu.survivor.public_id}/")
    messages.error(request, _("Nothing was saved: the open form below says why."))
    return _page(request, fu.survivor, status=400, follow_up=form, follow_up_pk=fu.pk, open="follow_up")


@login_required
@require_POST
def export(request, public_id):
    """What is held about the survivor, in their language, for them to keep (HTML: it renders
    Bengali and Devanagari correctly in any browser and prints; counselling notes are not in
    it — they are the counsellor's, asked for from the counsellor)."""
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    services.record_export(actor=request.user, survivor=s)
    identity = None
    if Person.objects.visible_to(request.user, policy.Cap.IDENTITY_VIEW).filter(pk=s.person_id).exists():
        identity = get_identity_for(request.user, s.person, purpose="export for the survivor")
    with translation.override(s.language):
        html = render_to_string("care/export.html", {
            "survivor": s, "person": s.person, "identity": identity, "now": timezone.localtime(),
            "consents": s.consents.select_related("agency"), "placements": s.placements.select_related(
                "shelter__agency"), "services": s.services.all(), "orders": s.cwc_orders.select_related("cwc"),
            "plan": getattr(s, "care_plan", None) if hasattr(s, "care_plan") else None,
            "follow_ups": s.follow_ups.all(), "shares": s.shares.select_related("agency"),
            "htcds": {field: _labels(s, field) for field in
                      ("exploitation_types", "labour_industries", "methods_of_control", "recruitment_methods")},
            "lang": s.language})
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="record-{s.person.code}.html"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase(request, public_id):
    s = get_survivor_for(request.user, public_id, policy.Cap.CARE_EDIT)
    form = f.EraseForm(request.POST)
    return _run(request, s, form, "erase", lambda d: services.erase_survivor(
        actor=request.user, survivor=s, reason=d["reason"]),
        _("The identity was erased. A tombstone records that it existed."))


# --------------------------------------------------------------------------- the CWC, shelters, indicators


@login_required
def cwc(request):
    """The children before the committee: waiting to be produced (with the clock), and those
    in care whose record the CWC may see."""
    user = request.user
    if not memberships_with(user, policy.Cap.CWC_DECIDE):
        raise Http404
    now = timezone.now()
    waiting = list(services.productions_for(user).filter(produced_at=None).order_by("due_at"))
    for p in waiting:
        p.hours_left = int((p.due_at - now).total_seconds() // 3600)
        p.hours_late = -p.hours_left
    produced = services.productions_for(user).exclude(produced_at=None).order_by("-produced_at")[:20]
    children = Survivor.objects.visible_to(user, policy.Cap.CWC_DECIDE).select_related("person").filter(
        person__age_band__in=("0-11", "12-17", "unknown"))[:200]
    survivors = {s.person_id: s for s in Survivor.objects.visible_to(user).filter(
        person_id__in=[p.person_id for p in waiting])}
    for p in waiting:
        p.record = survivors.get(p.person_id)
    return render(request, "care/cwc.html", {"waiting": waiting, "produced": produced, "children": children,
                                             "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})


@login_required
@require_POST
def record_production(request, person_id):
    user = request.user
    if not memberships_with(user, policy.Cap.CWC_DECIDE):
        raise Http404
    production = services.productions_for(user).filter(person__public_id=person_id, produced_at=None).first()
    if production is None:
        raise Http404
    form = f.ProductionForm(request.POST)
    if form.is_valid():
        try:
            services.record_production(actor=user, production=production, produced_at=form.cleaned_data["produced_at"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Production of %(code)s recorded.") % {"code": production.person.code})
            return redirect("care:cwc")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("care:cwc")


@login_required
def shelters(request):
    user = request.user
    if not (memberships_with(user, policy.Cap.SHELTER_MANAGE) or memberships_with(user, policy.Cap.CWC_DECIDE)):
        raise Http404
    from django.db.models import Count, Q

    homes = ShelterHome.objects.select_related("agency", "agency__jurisdiction").annotate(
        taken=Count("placements", filter=Q(placements__ended_on=None)))
    rows = [{"home": h, "free": max(h.capacity - h.taken, 0),
             "pct": min(100, round(100 * h.taken / h.capacity)) if h.capacity else 100} for h in homes]
    return render(request, "care/shelters.html", {"rows": rows})


@login_required
def indicator_page(request):
    """Care indicators: over the user's own survivors (care roles), or every agency's as
    counts (stats.view: M&E officers)."""
    user = request.user
    whole = has_capability(user, policy.Cap.STATS_VIEW)
    if not whole and not memberships_with(user, policy.Cap.CARE_EDIT):
        raise Http404
    survivors = Survivor.objects.all() if whole else Survivor.objects.visible_to(user, policy.Cap.CARE_EDIT)
    year_ago = _today() - datetime.timedelta(days=365)
    data = indicators.care_indicators(survivors, exact=not whole,
                                      since=year_ago if request.GET.get("period") == "year" else None)
    return render(request, "care/indicators.html", {"data": data, "whole": whole,
                                                    "period": request.GET.get("period", "all")})
