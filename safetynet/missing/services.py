"""Writes to missing-person reports (issue 6 adds the family's report form and matching)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.agencies.models import Jurisdiction
from safetynet.audit.services import record
from safetynet.core.models import next_serial
from safetynet.core.services import acting_membership

from .models import MissingPersonReport


def record_missing(*, actor, jurisdiction, source: str, description: str, name: str = "", sex: str = "unknown",
                   last_seen_at=None, source_tip=None) -> MissingPersonReport:
    agency = acting_membership(actor, policy.Cap.MISSING_CREATE).agency
    if source not in MissingPersonReport.Source.values:
        raise ValidationError(_("Unknown source."))
    if not (description or name).strip():
        raise ValidationError({"description": [_("Describe the missing person.")]})
    district = jurisdiction.ancestor(Jurisdiction.Level.DISTRICT) or jurisdiction
    prefix = f"MP-{district.short_code}-{timezone.localdate().year}"
    with transaction.atomic():
        report = MissingPersonReport(reference=f"{prefix}-{next_serial(prefix):06d}", source=source,
                                     owning_agency=agency, jurisdiction=jurisdiction, last_seen_at=last_seen_at,
                                     sex=sex, recorded_by=actor, source_tip=source_tip)
        report.set_text("name", name.strip())
        report.set_text("description", description.strip()[:4000])
        report.save()
        record(actor=actor, action="missing.record", obj=report, agency=agency,
               changes={"source": source, "place": jurisdiction.code,
                        "tip": source_tip.reference if source_tip else ""})
    return report
