"""Endpoint table rows for the programmes app (same contract as test_endpoints.py, which imports this list)."""

from __future__ import annotations

from .test_endpoints import Endpoint

ENDPOINTS: list[Endpoint] = []
