"""Rescue operations: the request (from a tip or on its own), the plan and its team (secret
until the operation ends), the outcome, and the CWC production of every rescued child."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import VersionedModel
from safetynet.people import vault


class RescueQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "rescue.view"):
        """The agency's records (access.querysets.agency_records_visible_to); and, to be read,
        every operation the user is on the team of — an NGO representative on a raid has no
        rescue.view of their own but must read its plan."""
        from safetynet.access.querysets import agency_records_visible_to

        by_agency = agency_records_visible_to(self, user, action)
        if action != "rescue.view" or not getattr(user, "is_authenticated", False):
            return by_agency
        on_team = RescueTeamMember.objects.filter(user_id=user.pk).values("rescue_id")
        return self.filter(models.Q(pk__in=by_agency.values("pk")) | models.Q(pk__in=on_team))


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

    # The plan (issue 4). Encrypted: a leaked raid plan warns the traffickers. Shown only to
    # the team until the operation ends (rescues/services.can_see_plan).
    planned_for = models.DateTimeField(_("when"), null=True, blank=True)
    target_enc = models.TextField(blank=True)  # the premises: address or landmark
    information_enc = models.TextField(blank=True)  # what is known
    verification_enc = models.TextField(blank=True)  # how it was verified
    warrant = models.CharField(_("search warrant"), max_length=200, blank=True,
                               help_text=_("Number, court and date; or why none is needed (e.g. BNSS s.185)."))
    vehicles = models.CharField(_("vehicles"), max_length=300, blank=True)
    contingency_enc = models.TextField(blank=True)
    expects_women_or_children = models.BooleanField(_("women or children are expected"), default=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # The outcome.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    places_searched = models.PositiveSmallIntegerField(_("places searched"), null=True, blank=True)
    items_seized_enc = models.TextField(blank=True)
    outcome_enc = models.TextField(blank=True)


    objects = RescueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    PLAN_TEXT = ("target", "information", "verification", "contingency", "items_seized", "outcome")

    def set_text(self, field: str, value: str) -> None:
        assert field in self.PLAN_TEXT
        setattr(self, f"{field}_enc", vault.encrypt(value, f"{self.public_id}:{field}") if value else "")

    def get_text(self, field: str) -> str:
        token = getattr(self, f"{field}_enc")
        return vault.decrypt(token, f"{self.public_id}:{field}") if token else ""

    @property
    def is_over(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.CANCELLED)


class RescueTeamMember(models.Model):
    """Someone on the operation: a SafetyNet user (who then sees the plan) or a person named
    by role only (a magistrate's representative, a driver). ``woman`` and ``kind`` are what the
    SOP check needs: two women officials and an NGO representative when women or children
    are expected."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police official")
        NGO = "ngo", _("NGO representative")
        CHILD_PROTECTION = "child_protection", _("Child protection / CWC")
        MEDICAL = "medical", _("Medical")
        LABOUR = "labour", _("Labour department")
        OTHER = "other", _("Other")

    rescue = models.ForeignKey(RescueOperation, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="rescue_teams")
    label = models.CharField(_("name or designation"), max_length=120, blank=True)
    kind = models.CharField(_("on the team as"), max_length=20, choices=Kind.choices)
    woman = models.BooleanField(_("woman"), default=False)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["rescue", "user"], name="rescue_team_user_once",
                                               condition=models.Q(user__isnull=False))]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username() if self.user else self.label


class ChildProduction(models.Model):
    """A rescued child must be produced before the Child Welfare Committee within 24 hours
    (JJ Act 2015 s.31). Opened by the rescue outcome (or when a child who came forward is
    registered for care); closed when the production is recorded; escalated when missed
    (care.services.escalate_productions)."""

    # Empty for a child who came forward on their own (care.services.register_survivor).
    rescue = models.ForeignKey(RescueOperation, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="productions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cwc_productions")
    rescued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    produced_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
