from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.audit.services import record

from . import services, totp
from .forms import LoginForm, TokenForm
from .middleware import needs_second_factor
from .models import UserSession


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def lockout_response(request, credentials, *args, **kwargs):
    form = LoginForm(request.POST or None)
    form.is_valid()
    msg = _("Too many failed sign-in attempts. This account is locked for 30 minutes; "
            "ask your agency's administrator if you need access sooner.")
    return render(request, "accounts/login.html", {"form": form, "error": msg}, status=429)


def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    error = ""
    if request.GET.get("expired"):
        messages.info(request, _("Your session has expired. Please sign in again; nothing was saved."))
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request, None)
        if user is None:
            error = _("That username and password do not match. Check both and try again.")
        else:
            login(request, user)
            if needs_second_factor(user):
                response = redirect(f"{reverse('accounts:verify')}?next={_next_url(request)}")
            else:
                response = redirect(_next_url(request))
            # Sign-in switches to the user's own language unless they picked one on this device.
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login.html", {"form": form, "error": error,
                                                   "next": _next_url(request)}, status=status)


@login_required
def verify_view(request):
    device = totp.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, why = device.verify_is_allowed()
        if not allowed:
            # django-otp slows guessing down: 1 s after a wrong code, then 2, 4, 8 ...
            form.add_error("token", _("Too many wrong codes. Wait a few seconds, then enter the newest code."))
        elif device.verify_token(form.cleaned_data["token"].strip()):
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error("token", _("That code is not right or has expired. Codes change every 30 seconds."))
    demo_code = totp.current_code(device) if settings.DEMO_MODE and request.user.is_demo else None
    return render(request, "accounts/verify.html", {"form": form, "demo_code": demo_code,
                                                    "next": _next_url(request)},
                  status=400 if request.method == "POST" else 200)


@login_required
def setup_view(request):
    """First sign-in of a role that needs 2FA: show a QR code and confirm one code."""
    import segno

    if totp.confirmed_device(request.user):
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
                record(actor=request.user, action="2fa.enrol", object_type="totp", object_id=str(device.pk))
            device.confirmed = True
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right. Scan the code again and enter the newest 6 digits."))
    qr_svg = segno.make(device.config_url, micro=False).svg_inline(scale=4)
    return render(request, "accounts/setup.html", {"form": form, "qr_svg": qr_svg, "next": _next_url(request)})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You are signed out."))
    return HttpResponseRedirect(reverse("accounts:login"))


@login_required
def sessions_view(request):
    sessions = services.live_sessions(request.user)
    return render(request, "accounts/sessions.html",
                  {"sessions": sessions, "current_key": request.session.session_key})


@login_required
@require_POST
def revoke_session_view(request, public_id):
    tracked = UserSession.objects.filter(user=request.user, public_id=public_id).first()
    if tracked is None:
        from django.http import Http404

        raise Http404(_("No such session."))
    services.revoke_session(actor=request.user, tracked=tracked)
    messages.success(request, _("That session has been signed out."))
    return redirect("accounts:sessions")
