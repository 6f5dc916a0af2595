"""Writes to rescue operations (issue 4 extends these with planning and outcomes)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.audit.services import record
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership

from .models import RescueOperation


def request_rescue(*, actor, jurisdiction, reason: str, source_tip=None, case=None) -> RescueOperation:
    """An AHTU asks for a rescue operation (from a tip, or on its own)."""
    agency = acting_membership(actor, policy.Cap.RESCUE_REQUEST).agency
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why a rescue is needed.")]})
    if len(reason) > 4000:
        raise ValidationError({"reason": [_("Please shorten this to %(n)s characters.") % {"n": 4000}]})
    prefix = f"RESC-{agency.short_code}-{timezone.localdate().year}"
    with transaction.atomic():
        rescue = RescueOperation(reference=f"{prefix}-{next_serial(prefix):04d}", owning_agency=agency,
                                 jurisdiction=jurisdiction, reason=reason, requested_by=actor,
                                 source_tip=source_tip, case=case)
        rescue.save()
        record(actor=actor, action="rescue.request", obj=rescue, agency=agency,
               changes={"place": jurisdiction.code, "tip": source_tip.reference if source_tip else ""})
    return rescue
