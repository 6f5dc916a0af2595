"""The Code of Conduct register (staff, ``tourism.manage``) and the public check (no sign-in).
Thin: every write is a services.py function; reads go through lookups.py and visible_to."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from safetynet.access import policy
from safetynet.access.querysets import has_capability
from safetynet.agencies.models import Jurisdiction
from safetynet.core.models import StaleEdit
from safetynet.core.ratelimit import client_key, hit
from safetynet.core.views_helpers import add_service_errors

from . import public, services
from .forms import (
    CheckForm,
    EndFocalPointForm,
    FocalPointForm,
    RegisterFilter,
    ReviewForm,
    SignatoryEditForm,
    SignatoryForm,
    StateForm,
    TrainingForm,
)
from .lookups import get_focal_point_for, get_signatory_for
from .models import STANDING_RULE, Signatory

# Checks per hour per client on the public page (settings may override it).
DEFAULT_CHECK_RATE = "60/h"


def _require(user) -> None:
    if not has_capability(user, policy.Cap.TOURISM_MANAGE):
        raise Http404(_("Not found."))


def _jurisdiction(code: str):
    return Jurisdiction.objects.filter(code=code).first()


@login_required
def register(request):
    _require(request.user)
    visible = Signatory.objects.visible_to(request.user)
    districts = Jurisdiction.objects.filter(pk__in=visible.values("jurisdiction")).order_by("name")
    form = RegisterFilter(request.GET or None, districts=districts)
    rows = visible.with_standing().select_related("jurisdiction")
    if form.is_valid():
        if form.cleaned_data["district"]:
            rows = rows.filter(jurisdiction__code=form.cleaned_data["district"])
        if form.cleaned_data["standing"]:
            rows = rows.filter(standing=form.cleaned_data["standing"])
    return render(request, "tourism/register.html", {"form": form, "rows": rows[:500],
                                                     "rule": STANDING_RULE})


@login_required
def new(request):
    _require(request.user)
    form = SignatoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            signatory = services.register_signatory(
                actor=request.user, name=d["name"], kind=d["kind"], town=d["town"],
                jurisdiction=_jurisdiction(d["jurisdiction"]), registration_number=d["registration_number"],
                pledged_on=d["pledged_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is in the register (certificate %(code)s).") % {
                "name": signatory.name, "code": signatory.certificate})
            return redirect("tourism:detail", public_id=signatory.public_id)
    return render(request, "tourism/form.html", {"form": form, "title": _("Add a signatory")},
                  status=400 if request.method == "POST" else 200)


def _detail(request, signatory, status: int = 200, **forms):
    fresh = get_signatory_for(request.user, signatory.public_id, with_standing=True)
    points = list(fresh.focal_points.all())
    trainings = list(fresh.trainings.all())
    context = {
        "s": fresh, "rule": STANDING_RULE,
        "focal_points": [p for p in points if p.ended_on is None],
        "past_focal_points": [p for p in points if p.ended_on is not None],
        "trainings": trainings,
        "staff_trained": fresh.trainings.aggregate(n=Sum("staff_trained"))["n"] or 0,
        "reviews": list(fresh.reviews.select_related("reviewer_agency")),
        "focal_form": forms.get("focal_form") or FocalPointForm(),
        "training_form": forms.get("training_form") or TrainingForm(),
        "review_form": forms.get("review_form") or ReviewForm(initial={"reviewer_agency": fresh.owning_agency}),
        "state_error": forms.get("state_error"),
        "end_error": forms.get("end_error"),
        "can_add_focal_point": fresh.state != Signatory.State.WITHDRAWN and len(
            [p for p in points if p.ended_on is None]) < services.MAX_FOCAL_POINTS,
    }
    return render(request, "tourism/detail.html", context, status=status)


@login_required
def detail(request, public_id):
    return _detail(request, get_signatory_for(request.user, public_id))


@login_required
def edit(request, public_id):
    signatory = get_signatory_for(request.user, public_id)
    initial = {"name": signatory.name, "kind": signatory.kind, "town": signatory.town,
               "jurisdiction": signatory.jurisdiction.code, "registration_number": signatory.registration_number,
               "pledged_on": signatory.pledged_on, "version": signatory.version}
    form = SignatoryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_signatory(actor=request.user, signatory=signatory, expected_version=d["version"],
                                      name=d["name"], kind=d["kind"], town=d["town"],
                                      jurisdiction=_jurisdiction(d["jurisdiction"]),
                                      registration_number=d["registration_number"], pledged_on=d["pledged_on"])
        except StaleEdit as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("tourism:detail", public_id=signatory.public_id)
    return render(request, "tourism/form.html", {"form": form, "signatory": signatory,
                                                 "title": _("Edit %(name)s") % {"name": signatory.name}},
                  status=400 if request.method == "POST" else 200)


DONE = {"suspend": gettext_lazy("Suspended."), "withdraw": gettext_lazy("Withdrawn from the register."),
        "reinstate": gettext_lazy("Reinstated.")}


@login_required
@require_POST
def change_state(request, public_id):
    signatory = get_signatory_for(request.user, public_id)
    form = StateForm(request.POST)
    if not form.is_valid():
        return _detail(request, signatory, 400, state_error=_("Write the reason."))
    d = form.cleaned_data
    try:
        services.change_state(actor=request.user, signatory=signatory, expected_version=d["version"],
                              action=d["action"], reason=d["reason"])
    except StaleEdit as exc:
        return _detail(request, signatory, 409, state_error=str(exc))
    except ValidationError as exc:
        return _detail(request, signatory, 400, state_error=" ".join(exc.messages))
    messages.success(request, str(DONE[d["action"]]))
    return redirect("tourism:detail", public_id=signatory.public_id)


def _add(request, public_id, form_class, key: str, call, done: str):
    signatory = get_signatory_for(request.user, public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(signatory, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("tourism:detail", public_id=signatory.public_id)
    return _detail(request, signatory, 400, **{key: form})


@login_required
@require_POST
def add_focal_point(request, public_id):
    return _add(request, public_id, FocalPointForm, "focal_form", lambda s, d: services.add_focal_point(
        actor=request.user, signatory=s, name=d["name"], role=d["role"], phone=d["phone"], email=d["email"],
        started_on=d["started_on"]), _("Focal point added."))


@login_required
@require_POST
def add_training(request, public_id):
    return _add(request, public_id, TrainingForm, "training_form", lambda s, d: services.record_training(
        actor=request.user, signatory=s, held_on=d["held_on"], staff_trained=d["staff_trained"], topic=d["topic"]),
        _("Training recorded."))


@login_required
@require_POST
def add_review(request, public_id):
    return _add(request, public_id, ReviewForm, "review_form", lambda s, d: services.record_review(
        actor=request.user, signatory=s, reviewed_on=d["reviewed_on"], outcome=d["outcome"], findings=d["findings"],
        follow_up_due=d["follow_up_due"], reviewer_agency=d["reviewer_agency"]), _("Review recorded."))


@login_required
@require_POST
def end_focal_point(request, public_id):
    point = get_focal_point_for(request.user, public_id)
    form = EndFocalPointForm(request.POST)
    if not form.is_valid():
        return _detail(request, point.signatory, 400, end_error=_("Write why they stopped."))
    try:
        services.end_focal_point(actor=request.user, focal_point=point, expected_version=form.cleaned_data["version"],
                                 reason=form.cleaned_data["reason"])
    except StaleEdit as exc:
        return _detail(request, point.signatory, 409, end_error=str(exc))
    except ValidationError as exc:
        return _detail(request, point.signatory, 400, end_error=" ".join(exc.messages))
    messages.success(request, _("Recorded: no longer a focal point."))
    return redirect("tourism:detail", public_id=point.signatory.public_id)


# --------------------------------------------------------------------------- the public check (no sign-in)


@require_http_methods(["GET", "HEAD"])
def check(request):
    """"Is this hotel a signatory in good standing?" Anyone, without signing in. Only what
    public.PublicEntry holds is shown; at most ten establishments per search; rate-limited."""
    asked = "q" in request.GET
    form = CheckForm(request.GET if asked else None)
    answer = None
    status = 200
    if asked:
        rate = getattr(settings, "SAFETYNET_TOURISM_CHECK_RATE", DEFAULT_CHECK_RATE)
        if hit("tourism-check", client_key(request), rate):
            response = render(request, "tips/limited.html", {
                "message": _("Too many checks from this connection. Please try again in an hour.")}, status=429)
            return _public_headers(response)
        if form.is_valid():
            answer = public.search(form.cleaned_data["q"], form.cleaned_data["place"])
        else:
            status = 400
    response = render(request, "tourism/check.html", {"form": form, "answer": answer, "rule": STANDING_RULE,
                                                      "max_results": public.MAX_RESULTS}, status=status)
    return _public_headers(response)


def _public_headers(response):
    # Always answered fresh (a suspension shows at once; every check counts against the limit),
    # and search engines do not list result pages.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response
