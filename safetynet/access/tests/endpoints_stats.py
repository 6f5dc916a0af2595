"""Endpoint table rows for the stats app: the dashboard and its exports (same contract as test_endpoints.py)."""

from __future__ import annotations

from .test_endpoints import Endpoint

ENDPOINTS: list[Endpoint] = []
