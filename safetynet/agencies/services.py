"""Writes to jurisdictions, agencies and memberships (used by the admin and seed_demo)."""

from __future__ import annotations

from django.db import transaction

from safetynet.access import policy
from safetynet.audit.services import diff, record
from safetynet.core.services import require, snapshot

from .models import Agency, Jurisdiction, Membership

AGENCY_FIELDS = ["name", "agency_type", "jurisdiction", "short_code", "is_active"]
MEMBERSHIP_FIELDS = ["user", "agency", "role", "is_active"]
JURISDICTION_FIELDS = ["code", "name", "level", "parent", "short_code", "census_code"]


def _save(actor, obj, fields, capability, action):
    """Save an administrative record with its audit event. ``actor`` None = a system job
    (geography load, demo seed) run from the command line."""
    if actor is not None:
        require(actor, capability)
    model = type(obj)
    before = snapshot(model.objects.get(pk=obj.pk), fields) if obj.pk else {}
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        record(actor=actor, action=action, obj=obj, changes=diff(before, snapshot(obj, fields)),
               agency=obj if isinstance(obj, Agency) else getattr(obj, "agency", None))
    return obj


def save_agency(*, actor, agency: Agency) -> Agency:
    return _save(actor, agency, AGENCY_FIELDS, policy.Cap.AGENCIES_MANAGE, "agency.save")


def save_jurisdiction(*, actor, jurisdiction: Jurisdiction) -> Jurisdiction:
    return _save(actor, jurisdiction, JURISDICTION_FIELDS, policy.Cap.AGENCIES_MANAGE, "jurisdiction.save")


def save_membership(*, actor, membership: Membership) -> Membership:
    saved = _save(actor, membership, MEMBERSHIP_FIELDS, policy.Cap.USERS_MANAGE, "membership.save")
    return saved


def delete_membership(*, actor, membership: Membership) -> None:
    require(actor, policy.Cap.USERS_MANAGE)
    with transaction.atomic():
        record(actor=actor, action="membership.delete", obj=membership, agency=membership.agency,
               changes={"before": snapshot(membership, MEMBERSHIP_FIELDS)})
        membership.delete()
