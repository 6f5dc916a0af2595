"""Endpoint table rows: SMS / hotline webhook, OpenRosa (ODK / KoboToolbox), dead letters.

Same contract as test_endpoints.py (which imports this list): an allowed and a denied
expectation for every named URL. ``{tip_ref}``, ``{tip_id}``, ``{tip_text}`` and
``{reporter_phone}`` name the context's border tip (Ctx.tip).
"""

from __future__ import annotations

from django.urls import reverse  # noqa: F401

from .test_endpoints import ADMIN, API, PAGE, PUBLIC, Endpoint, Expect  # noqa: F401

ENDPOINTS: list[Endpoint] = []
