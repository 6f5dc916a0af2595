"""Session expiry, the second factor, and the list of a user's sessions."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access.policy import requires_two_factor
from safetynet.access.querysets import active_memberships

# Paths anyone may reach without a (verified) session.
OPEN_PREFIXES = ("/accounts/login", "/accounts/logout", "/accounts/verify", "/accounts/two-factor",
                 "/static/", "/i18n/", "/healthz", "/api/schema", "/api/docs", "/favicon")


def _is_open(path: str) -> bool:
    return any(path.startswith(p) for p in OPEN_PREFIXES)


def _api_error(message: str, status: int) -> HttpResponse:
    return HttpResponse(json.dumps({"detail": message}), status=status, content_type="application/json")


class SessionExpiryMiddleware:
    """A request that carries a session cookie whose session is gone (idle timeout, or
    revoked from another device) is told so, instead of silently landing on a login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if cookie and not _is_open(request.path):
            request.session.keys()  # loads the session; an unknown key is reset to None
            if request.session.session_key is None:
                message = _("Your session has expired. Please sign in again; nothing was saved.")
                if request.path.startswith("/api/"):
                    response = _api_error(message, 401)
                else:
                    query = urlencode({"expired": "1", "next": request.path})
                    response = HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
                response.delete_cookie(settings.SESSION_COOKIE_NAME)
                return response
        return self.get_response(request)


def needs_second_factor(user) -> bool:
    roles = {m.role for m in active_memberships(user)}
    return requires_two_factor(roles) or user.is_staff


class TwoFactorRequiredMiddleware:
    """Every role that can see identities must have passed TOTP in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not _is_open(request.path) and needs_second_factor(user) \
                and not user.is_verified():
            if request.path.startswith("/api/"):
                return _api_error(_("Two-factor verification is required."), 401)
            return HttpResponseRedirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


class SessionTrackingMiddleware:
    """Keeps UserSession.last_seen_at fresh (at most one write a minute per session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if user is not None and user.is_authenticated and key:
            now = timezone.now()
            last = request.session.get("sn_seen", 0)
            if now.timestamp() - last > 60:
                from .models import UserSession

                UserSession.objects.filter(session_key=key).update(last_seen_at=now)
                request.session["sn_seen"] = now.timestamp()
        return response
