"""Helpers shared by every app's services.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import memberships_with


def acting_membership(actor, capability: str, agency=None):
    """The membership through which ``actor`` does this: the named agency, or their first
    agency with the capability. Refuses when none allows it."""
    options = memberships_with(actor, capability)
    if agency is not None:
        options = [m for m in options if m.agency_id == agency.pk]
    if not options:
        raise PermissionDenied(_("Your role does not allow this."))
    return options[0]


def require(actor, capability: str) -> None:
    if not memberships_with(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def snapshot(obj, fields) -> dict:
    """Non-identity field values for the audit trail (foreign keys as their public ids)."""
    out = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = str(getattr(value, "public_id", None) or getattr(value, "code", None) or value.pk)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out


__all__ = ["acting_membership", "require", "snapshot", "policy"]
