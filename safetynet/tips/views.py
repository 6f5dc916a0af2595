"""Tip pages: the public report form, its receipt and status check, the vigilance member's
form, and the triage queue with its actions. Thin: every write is in services.py."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import get_tip_for
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.core.models import StaleEdit
from safetynet.core.ratelimit import client_key, hit
from safetynet.core.views_helpers import add_service_errors

from . import services
from .forms import CloseForm, ConvertForm, NoteForm, StatusForm, TipForm
from .models import Tip, TipRouting
from .related import related_groups

URGENCY_ORDER = SqlCase(When(urgency=Tip.Urgency.IMMEDIATE, then=Value(0)),
                        When(urgency=Tip.Urgency.URGENT, then=Value(1)), default=Value(2),
                        output_field=IntegerField())


def rate_limited(request, message: str):
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"error": message}, status=429)
    return render(request, "tips/limited.html", {"message": message}, status=429)


def _input(data: dict, with_reporter: bool, files=None) -> services.TipInput:
    reporter = {}
    if with_reporter:
        reporter = {"name": data.get("reporter_name", ""), "phone": data.get("reporter_phone", ""),
                    "may_contact": data.get("may_contact", False)}
    return services.TipInput(
        category=data["category"], jurisdiction_code=data["jurisdiction"], seen_at=data.get("seen_at"),
        place=data.get("place", ""), description=data.get("description", ""), people=data.get("people", ""),
        phones=data.get("phones", ""), vehicles=data.get("vehicles", ""),
        happening_now=data.get("happening_now", False), latitude=data.get("latitude"),
        longitude=data.get("longitude"), reporter=reporter,
        photos=[f.read() for f in files.getlist("photo")] if files is not None else [])


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


# The public form takes no CSRF token: nobody is signed in on it (a signed-in user's
# report is still filed as anonymous), and a phone that queued a report offline must be
# able to send it later without a fresh page. Abuse is held back by the rate limit, the
# honeypot field and the idempotency key.
@csrf_exempt
def report(request):
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if hit("tip-form", client_key(request), settings.SAFETYNET_TIP_RATE):
            return rate_limited(request, _("Too many reports were sent from this connection. Please wait an hour, "
                                           "or call the police helpline 112 if someone is in danger now."))
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the hidden field: thank it and store nothing.
                return _receipt(request, _fake_receipt(), None)
            offline = request.headers.get("X-SafetyNet-Offline") == "1"
            try:
                tip, receipt, created = services.submit_tip(
                    actor=None, channel=Tip.Channel.OFFLINE if offline else Tip.Channel.WEB,
                    data=_input(form.cleaned_data, True, request.FILES),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    defer_filing=settings.SAFETYNET_TIP_FILING == "worker")
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _receipt(request, receipt, tip, status=201 if created else 200)
        if _wants_json(request):
            return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
    return render(request, "tips/report.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _fake_receipt() -> str:
    code = "".join(secrets.choice(services.RECEIPT_ALPHABET) for _ in range(12))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def _receipt(request, receipt: str, tip: Tip | None, status: int = 201):
    if _wants_json(request):
        return JsonResponse({"receipt": receipt, "received": True}, status=status)
    return render(request, "tips/receipt.html", {"receipt": receipt, "tip": tip}, status=status)


PUBLIC_STATUS = {
    Tip.Status.NEW: _("Received. It is waiting to be looked at."),
    Tip.Status.ACKNOWLEDGED: _("The police are looking into it."),
    Tip.Status.VERIFIED: _("The police are looking into it."),
    Tip.Status.CONVERTED: _("Action has been taken."),
    Tip.Status.CLOSED: _("Looked into and closed."),
}


@csrf_exempt
def status(request):
    """What happened to a report, by its receipt code. POST, so the code never sits in a URL."""
    form = StatusForm(request.POST or None)
    result = None
    if request.method == "POST":
        if hit("tip-status", client_key(request), settings.SAFETYNET_STATUS_RATE):
            return rate_limited(request, _("Too many checks from this connection. Please try again in an hour."))
        if form.is_valid() and not form.cleaned_data["website"]:
            digest = services.receipt_digest(form.cleaned_data["receipt"])
            if hit("tip-status-receipt", digest, "20/h"):
                return rate_limited(request, _("This code was checked too often. Please try again in an hour."))
            tip = Tip.objects.filter(receipt_hash=digest).first()
            while tip is not None and tip.merged_into_id:
                tip = tip.merged_into
            if tip is None:
                form.add_error("receipt", _("No report has this code. Check the letters and numbers."))
            else:
                result = {"text": PUBLIC_STATUS.get(tip.status, PUBLIC_STATUS[Tip.Status.NEW]),
                          "received_on": tip.received_at.date()}
    return render(request, "tips/status.html", {"form": form, "result": result},
                  status=400 if request.method == "POST" and result is None else 200)


@login_required
def vigilance(request):
    """A vigilance committee member's form (their committee is attached) and their reports."""
    if not memberships_with(request.user, policy.Cap.TIP_SUBMIT):
        raise Http404(_("Not found."))
    form = TipForm(request.POST or None, request.FILES or None, with_reporter=False)
    if request.method == "POST" and form.is_valid():
        try:
            tip, receipt, _created = services.submit_tip(
                actor=request.user, channel=Tip.Channel.VIGILANCE,
                data=_input(form.cleaned_data, False, request.FILES),
                idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report %(ref)s sent. Thank you.") % {"ref": tip})
            return redirect("report:vigilance")
    mine = Tip.objects.visible_to(request.user, policy.Cap.TIP_SUBMIT).select_related("jurisdiction")[:50]
    return render(request, "tips/vigilance.html", {"form": form, "mine": mine, "public_status": PUBLIC_STATUS},
                  status=400 if request.method == "POST" else 200)


# --------------------------------------------------------------------------- triage


def _require_triage(user) -> None:
    if not has_capability(user, policy.Cap.TIP_TRIAGE):
        raise Http404(_("Not found."))


@login_required
def queue(request):
    _require_triage(request.user)
    visible = Tip.objects.visible_to(request.user)
    show = request.GET.get("show", "open")
    tips = visible.select_related("jurisdiction")
    if show == "open":
        tips = tips.filter(status__in=Tip.OPEN_STATUSES).annotate(rank=URGENCY_ORDER).order_by("rank", "received_at")
    elif show == "closed":
        tips = tips.exclude(status__in=Tip.OPEN_STATUSES).order_by("-received_at")
    else:
        show = "all"
        tips = tips.order_by("-received_at")
    page = Paginator(tips, 50).get_page(request.GET.get("page"))
    related = related_groups(list(page), visible.filter(status__in=Tip.OPEN_STATUSES))
    now = timezone.now()
    rows = [{"tip": t, "overdue": t.overdue(now), "related": related.get(t.pk, []),
             "age_minutes": int((now - t.received_at).total_seconds() // 60)} for t in page]
    return render(request, "tips/queue.html", {"page": page, "rows": rows, "show": show,
                                               "map": _tip_map(request.user, visible, now)})


def _tip_map(user, visible, now):
    """A district choropleth of the last 30 days' tips in the user's state (if maps are available)."""
    try:
        from safetynet.agencies.maps import district_map
    except ImportError:  # the map module is optional for the queue
        return None
    import datetime

    from django.db.models import Count

    memberships = memberships_with(user, policy.Cap.TIP_TRIAGE)
    if not memberships:
        return None
    place = memberships[0].agency.jurisdiction
    state = place.ancestor("state")
    if state is None:
        return None
    since = now - datetime.timedelta(days=30)
    counts: dict[str, int] = {}
    for path, n in visible.filter(received_at__gte=since, jurisdiction__path__startswith=state.path) \
            .values_list("jurisdiction__path").annotate(n=Count("id")):
        district_path = "/".join(path.split("/")[:3]) + "/"
        code = _district_codes(state).get(district_path)
        if code:
            counts[code] = counts.get(code, 0) + n
    return district_map(state.code, counts, title=_("Tips in the last 30 days, by district"))


def _district_codes(state) -> dict[str, str]:
    from safetynet.agencies.models import Jurisdiction

    return dict(Jurisdiction.objects.filter(level="district", path__startswith=state.path)
                .values_list("path", "code"))


def _detail_context(request, tip: Tip, **extra) -> dict:
    visible = Tip.objects.visible_to(request.user)
    related = related_groups([tip], visible.filter(status__in=Tip.OPEN_STATUSES)).get(tip.pk, [])
    context = {
        "tip": tip, "content": tip.content(), "now": timezone.now(),
        "routings": TipRouting.objects.filter(tip=tip).select_related("agency"),
        "events": tip.events.select_related("actor"), "related": related,
        "merge_options": [t for t, _r in related if t.is_open],
        "has_reporter": services.tip_has_reporter(tip),
        "can_see_reporter": Tip.objects.visible_to(request.user, policy.Cap.TIP_VIEW_REPORTER)
        .filter(pk=tip.pk).exists(),
        "can_convert": has_capability(request.user, policy.Cap.CASE_CREATE),
        "can_request_rescue": has_capability(request.user, policy.Cap.RESCUE_REQUEST),
        "can_record_missing": has_capability(request.user, policy.Cap.MISSING_CREATE),
        "rescues": tip.rescues.all(), "missing_reports": tip.missing_reports.all(),
        "close_form": CloseForm(initial={"version": tip.version}),
        "convert_form": ConvertForm(initial={"version": tip.version, "title": tip.get_category_display()}),
        "note_form": NoteForm(),
        "photo_count": tip.photos.count(),
        "photo_numbers": range(1, tip.photos.count() + 1),
    }
    context.update(extra)
    return context


@login_required
def detail(request, public_id):
    tip = get_tip_for(request.user, public_id)
    return render(request, "tips/detail.html", _detail_context(request, tip))


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise ValidationError(_("The form was incomplete; reload the page and try again.")) from None


def _act(request, public_id, action):
    tip = get_tip_for(request.user, public_id)
    try:
        result = action(tip, _version(request))
    except StaleEdit as exc:
        messages.error(request, str(exc))
        return redirect("tips:detail", public_id=tip.public_id), None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("tips:detail", public_id=tip.public_id), None
    return None, result


@login_required
@require_POST
def acknowledge(request, public_id):
    failed, tip = _act(request, public_id, lambda t, v: services.acknowledge(actor=request.user, tip=t,
                                                                             expected_version=v))
    if failed:
        return failed
    messages.success(request, _("Acknowledged. The reporter's status now says the police are looking into it."))
    return redirect("tips:detail", public_id=tip.public_id)


@login_required
@require_POST
def verify(request, public_id):
    failed, tip = _act(request, public_id, lambda t, v: services.verify(
        actor=request.user, tip=t, expected_version=v, note=request.POST.get("note", "")))
    if failed:
        return failed
    messages.success(request, _("Marked as verified."))
    return redirect("tips:detail", public_id=tip.public_id)


@login_required
@require_POST
def close(request, public_id):
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the tip is closed."))
        return redirect("tips:detail", public_id=public_id)
    failed, tip = _act(request, public_id, lambda t, v: services.close(
        actor=request.user, tip=t, expected_version=v, reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"]))
    if failed:
        return failed
    messages.success(request, _("Tip closed."))
    return redirect("tips:queue")


@login_required
@require_POST
def merge(request, public_id):
    def action(tip, version):
        into = get_tip_for(request.user, request.POST.get("into", "") or "00000000-0000-0000-0000-000000000000")
        return services.merge(actor=request.user, tip=tip, expected_version=version, into=into)

    failed, tip = _act(request, public_id, action)
    if failed:
        return failed
    messages.success(request, _("Merged into %(ref)s.") % {"ref": tip.merged_into.reference})
    return redirect("tips:detail", public_id=tip.merged_into.public_id)


@login_required
@require_POST
def convert(request, public_id):
    form = ConvertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the case a title and a form of exploitation."))
        return redirect("tips:detail", public_id=public_id)
    failed, case = _act(request, public_id, lambda t, v: services.convert_to_case(
        actor=request.user, tip=t, expected_version=v, title=form.cleaned_data["title"],
        kind=form.cleaned_data["kind"]))
    if failed:
        return failed
    messages.success(request, _("Case %(ref)s opened from the tip.") % {"ref": case.reference})
    return redirect("cases:detail", public_id=case.public_id)


@login_required
@require_POST
def convert_rescue(request, public_id):
    failed, rescue = _act(request, public_id, lambda t, v: services.convert_to_rescue(
        actor=request.user, tip=t, expected_version=v, reason=request.POST.get("reason", "")))
    if failed:
        return failed
    messages.success(request, _("Rescue operation %(ref)s requested.") % {"ref": rescue.reference})
    return redirect("rescues:detail", public_id=rescue.public_id)


@login_required
@require_POST
def convert_missing(request, public_id):
    failed, report = _act(request, public_id, lambda t, v: services.convert_to_missing(
        actor=request.user, tip=t, expected_version=v))
    if failed:
        return failed
    messages.success(request, _("Missing-person report %(ref)s recorded.") % {"ref": report.reference})
    return redirect("missing:detail", public_id=report.public_id)


@login_required
@require_POST
def add_note(request, public_id):
    tip = get_tip_for(request.user, public_id)
    try:
        services.add_note(actor=request.user, tip=tip, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("tips:detail", public_id=tip.public_id)


@login_required
@require_POST
def reporter(request, public_id):
    """Show who reported (POST: a deliberate, logged act)."""
    tip = get_tip_for(request.user, public_id)
    if not Tip.objects.visible_to(request.user, policy.Cap.TIP_VIEW_REPORTER).filter(pk=tip.pk).exists():
        raise Http404(_("Not found."))
    contact = services.reveal_reporter(actor=request.user, tip=tip)
    template = "tips/partials/_reporter.html" if request.htmx else "tips/detail.html"
    return render(request, template, _detail_context(request, tip, contact=contact, revealed=True))


@login_required
def photo(request, public_id, number):
    tip = get_tip_for(request.user, public_id)
    found = services.get_photo(actor=request.user, tip=tip, index=number - 1)
    if found is None:
        raise Http404(_("No such photo."))
    response = HttpResponse(found.get_content(), content_type=found.content_type)
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = "inline"
    return response
