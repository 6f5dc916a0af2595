from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RequestSizeMiddleware:
    """Refuse oversized bodies before any view parses them (413, in the user's language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.SAFETYNET_MAX_REQUEST_BYTES:
            message = _("The data you sent is too large. Nothing was saved.")
            if request.path.startswith("/api/"):
                import json

                return HttpResponse(json.dumps({"detail": message}), status=413, content_type="application/json")
            body = render_to_string("error.html", {"title": _("Too large"), "message": message}, request)
            return HttpResponse(body, status=413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Scripts only from our own origin: an injected <script> in a note or a name cannot run.

    Inline styles stay allowed (bar widths, small layout tweaks); they cannot run code.
    The Swagger page of drf-spectacular needs an inline script, so /api/docs/ gets its own
    policy that allows only that.
    """

    POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
    DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                   "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            docs = request.path.startswith("/api/docs")
            response["Content-Security-Policy"] = self.DOCS_POLICY if docs else self.POLICY
        return response


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user are never stored by the browser or a proxy.

    Phones and office computers are shared: after "Sign out", the back button or the
    browser's cache must not bring back a case page or a revealed identity. Static files
    are served before this (WhiteNoise) and keep their long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
