"""The public report form as an installable web app that works offline (issue 3).

Three small views under /report/: the service worker (its URL decides its scope, so it is
served from here and not from /static/), the web app manifest and the page the service
worker shows offline for anything that needs the network (checking a report).

The service worker is the static file tips/sw.js with one line put in front of it: the
URLs it must keep (the form page, the offline page and the static files the form uses,
as ``static()`` names them: hashed in production) and a version computed from all of
them. When any of those files changes, the script's bytes change, the browser installs
the new worker, and the new worker refreshes its cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

SW_SOURCE = Path(__file__).resolve().parent / "static" / "tips" / "sw.js"

# What the form page loads (base.html and report.html), plus the manifest icons.
ASSETS = (
    "safetynet/app.css",
    "tips/tips.css",
    "vendor/htmx.min.js",
    "safetynet/app.js",
    "tips/report.js",
    "tips/icons/icon-192.png",
    "tips/icons/icon-512.png",
)

THEME_COLOR = "#0b5cad"  # --accent in app.css
BACKGROUND_COLOR = "#f6f8fa"  # --bg in app.css


def _config() -> dict:
    return {
        "page": reverse("report:form"),
        "offline": reverse("report:offline"),
        "assets": [static(name) for name in ASSETS],
    }


def _version(config: dict, source: bytes) -> str:
    """Changes whenever the worker, a URL it keeps or the content of a kept static file changes."""
    digest = hashlib.sha256(source)
    digest.update(json.dumps(config, sort_keys=True).encode())
    for name in ASSETS:
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


@require_safe
def service_worker(request):
    source = SW_SOURCE.read_bytes()
    config = _config()
    config["version"] = _version(config, source)
    prelude = f"self.SAFETYNET_PWA = {json.dumps(config, sort_keys=True)};\n".encode()
    response = HttpResponse(prelude + source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("report:form")
    response["Cache-Control"] = "no-cache"  # the browser asks every time whether it changed
    return response


@require_safe
def manifest(request):
    data = {
        "id": reverse("report:form"),
        "name": _("SafetyNet — report"),
        "short_name": "SafetyNet",
        "description": _("Report something suspicious. Works without a network: the report is sent when you "
                         "are online again."),
        "lang": get_language(),
        "start_url": reverse("report:form"),
        "scope": reverse("report:form"),
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static("tips/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("tips/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"  # it is in the visitor's language
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


@require_safe
def offline(request):
    """What the service worker shows, offline, instead of a page that needs the network."""
    return render(request, "tips/offline.html")
