"""The tourism Code of Conduct register (DOMAIN.md, workflow 9).

Hotels, guest houses, tour operators, travel agents and transport operators sign the National
Code of Conduct for Safe and Honourable Tourism (launched 1 July 2010); each names two focal
points who watch that the Code is kept, trains its staff and is reviewed for compliance.

An agency keeps its own register (an NGO or the M&E officer's programme office): a signatory is
owned by the agency that entered it and seen only by that agency's holders of
``tourism.manage`` (``SignatoryQuerySet.visible_to``). Focal points are personal data: they are
shown on staff pages only, never on the public check (``public_check``) and never in the audit
trail.

Whether a signatory is "in good standing" is derived, never stored (``STANDING_RULE``).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, Max, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy
from safetynet.core.models import TimeStampedModel, VersionedModel

STANDING_RULE = _(
    "A signatory is in good standing when it is neither suspended nor withdrawn, its last compliance "
    "review (or, before any review, its pledge) is less than 12 months old, and its last review found "
    "no major problem. A major finding stays open until a later review finds the establishment compliant "
    "or with minor findings only.")


def year_before(day: datetime.date) -> datetime.date:
    """The same day one year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class Standing(models.TextChoices):
    GOOD = "good", _("In good standing")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    MAJOR_FINDING = "major_finding", _("Major finding open")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SignatoryQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = policy.Cap.TOURISM_MANAGE):
        """The register of the agencies through which the user holds ``tourism.manage``
        (the same rule as programme records: the owning agency; the whole area for a
        jurisdiction role, should one ever get the capability)."""
        from safetynet.programmes.models import programme_records_visible_to

        return programme_records_visible_to(self, user, action)

    def with_standing(self, today: datetime.date | None = None):
        """Annotate ``last_review_on``, ``last_outcome`` and ``standing`` (a ``Standing`` value),
        computed in SQL so lists filter on it."""
        today = today or timezone.localdate()
        since = year_before(today)
        latest = ComplianceReview.objects.filter(signatory=OuterRef("pk")).order_by("-reviewed_on", "-id")
        return self.annotate(
            last_review_on=Max("reviews__reviewed_on"),
            last_outcome=Subquery(latest.values("outcome")[:1]),
        ).annotate(standing=Case(
            When(state=Signatory.State.WITHDRAWN, then=Value(Standing.WITHDRAWN.value)),
            When(state=Signatory.State.SUSPENDED, then=Value(Standing.SUSPENDED.value)),
            When(last_outcome=ComplianceReview.Outcome.MAJOR, then=Value(Standing.MAJOR_FINDING.value)),
            When(Q(last_review_on__gte=since) | Q(last_review_on__isnull=True, pledged_on__gte=since),
                 then=Value(Standing.GOOD.value)),
            default=Value(Standing.REVIEW_OVERDUE.value),
            output_field=models.CharField(),
        ))


class Signatory(VersionedModel):
    """An establishment that signed the Code of Conduct."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", _("Hotel")
        GUEST_HOUSE = "guest_house", _("Guest house")
        TOUR_OPERATOR = "tour_operator", _("Tour operator")
        TRAVEL_AGENT = "travel_agent", _("Travel agent")
        TRANSPORT = "transport", _("Transport operator")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("agency"))
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("district"))
    certificate = models.CharField(_("certificate number"), max_length=40, unique=True)
    name = models.CharField(_("establishment name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    town = models.CharField(_("town"), max_length=120)
    registration_number = models.CharField(_("registration or licence number"), max_length=60, blank=True)
    pledged_on = models.DateField(_("pledge date"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    state_reason = models.TextField(_("reason"), blank=True)
    state_changed_on = models.DateField(_("since"), null=True, blank=True)

    objects = SignatoryQuerySet.as_manager()

    class Meta:
        ordering = ["name", "town"]
        verbose_name = _("Code of Conduct signatory")
        verbose_name_plural = _("Code of Conduct signatories")

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"

    def standing_now(self, today: datetime.date | None = None) -> str:
        """``Standing`` of this one signatory (the rule of ``with_standing``, in Python)."""
        if self.state == self.State.WITHDRAWN:
            return Standing.WITHDRAWN
        if self.state == self.State.SUSPENDED:
            return Standing.SUSPENDED
        since = year_before(today or timezone.localdate())
        last = self.reviews.order_by("-reviewed_on", "-id").first()
        if last is not None and last.outcome == ComplianceReview.Outcome.MAJOR:
            return Standing.MAJOR_FINDING
        if (last.reviewed_on if last is not None else self.pledged_on) >= since:
            return Standing.GOOD
        return Standing.REVIEW_OVERDUE


class FocalPoint(VersionedModel):
    """One of the (at most two) people an establishment names to watch that the Code is kept.
    Personal data: shown on staff pages only. ``ended_on`` is set when they stop."""

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="focal_points")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("job title"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    started_on = models.DateField(_("focal point since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("why they stopped"), max_length=300, blank=True)

    class Meta:
        ordering = ["started_on", "id"]


class StaffTraining(TimeStampedModel):
    """Staff of the establishment trained on the Code (a count, no names)."""

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="trainings")
    held_on = models.DateField(_("held on"))
    staff_trained = models.PositiveIntegerField(_("staff trained"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class ComplianceReview(TimeStampedModel):
    class Outcome(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant")
        MINOR = "minor", _("Minor findings")
        MAJOR = "major", _("Major findings")

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("reviewing agency"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    findings = models.TextField(_("findings"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]


__all__ = ["STANDING_RULE", "ComplianceReview", "FocalPoint", "Signatory", "SignatoryQuerySet",
           "StaffTraining", "Standing", "year_before"]
