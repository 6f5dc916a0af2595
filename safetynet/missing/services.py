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
                   last_seen_at=None, source_tip=None, other_names: list[str] | None = None,
                   family: dict | None = None, age: int | None = None,
                   birth_year: int | None = None) -> MissingPersonReport:
    """A missing-person report: from a tip, a family at a police station or a counterpart
    agency. Names (any script), other names and the family's names are encrypted; they are
    what issue 6's matcher compares, with the age (in the year of the report) and the place."""
    agency = acting_membership(actor, policy.Cap.MISSING_CREATE).agency
    if source not in MissingPersonReport.Source.values:
        raise ValidationError(_("Unknown source."))
    errors: dict[str, list[str]] = {}
    if not (description or name).strip():
        errors["description"] = [_("Describe the missing person.")]
    if name.strip():
        from safetynet.matching.normalise import normalise_name

        if normalise_name(name).problem == "unsupported_script":
            # The matcher reads Latin, Bengali and Devanagari: a name it cannot read would never be matched.
            errors["name"] = [_("Write the name in Latin, Bengali or Devanagari letters.")]
    if age is not None and not 0 <= age <= 110:
        errors["age"] = [_("Give an age between 0 and 110 (about is fine).")]
    this_year = timezone.localdate().year
    if birth_year is not None and not this_year - 110 <= birth_year <= this_year:
        errors["birth_year"] = [_("Give a year of birth between %(first)s and %(last)s.")
                                % {"first": this_year - 110, "last": this_year}]
    if last_seen_at is not None and last_seen_at > timezone.now():
        errors["last_seen_at"] = [_("This time is in the future.")]
    if errors:
        raise ValidationError(errors)
    other_names = [n.strip() for n in (other_names or []) if n and n.strip()]
    family = {k: v.strip() for k, v in (family or {}).items() if k in ("father", "mother", "husband") and v
              and v.strip()}
    district = jurisdiction.ancestor(Jurisdiction.Level.DISTRICT) or jurisdiction
    prefix = f"MP-{district.short_code}-{timezone.localdate().year}"
    with transaction.atomic():
        report = MissingPersonReport(reference=f"{prefix}-{next_serial(prefix):06d}", source=source,
                                     owning_agency=agency, jurisdiction=jurisdiction, last_seen_at=last_seen_at,
                                     sex=sex, recorded_by=actor, source_tip=source_tip)
        report.set_text("name", name.strip())
        report.set_text("description", description.strip()[:4000])
        report.set_json("other_names", other_names)
        report.set_json("family_names", family)
        report.age, report.birth_year = age, birth_year
        report.save()
        record(actor=actor, action="missing.record", obj=report, agency=agency,
               changes={"source": source, "place": jurisdiction.code,
                        "tip": source_tip.reference if source_tip else "",
                        "identity_fields": [f for f, v in (("name", name.strip()), ("other_names", other_names),
                                                           ("family_names", family)) if v]})
    return report
