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
