"""Rescue operations. This is the start of the AHTU's rescue record (issue 4 adds the plan,
the team check, the outcome): for now a request, with where it came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import VersionedModel


class RescueQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "rescue.view"):
        from safetynet.access.querysets import agency_records_visible_to

        return agency_records_visible_to(self, user, action)


class RescueOperation(VersionedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Carried out")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(max_length=40, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="rescues")
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="rescues")
    reason = models.TextField(_("why a rescue is needed"),
                              help_text=_("What is known and how it was verified. Do not write names here."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source_tip = models.ForeignKey("tips.Tip", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="rescues")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="rescues")

    objects = RescueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference
