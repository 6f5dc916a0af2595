"""Trafficking cases: parties, status workflow, case notes.

Later work (investigation, rescue, prosecution, care) hangs new models off ``Case`` by
foreign key rather than widening this table, so this file stays the stable core.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel, VersionedModel
from safetynet.people import vault


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "case.view"):
        from safetynet.access.querysets import cases_visible_to

        return cases_visible_to(self, user, action)

    def countable_by(self, user):
        """For aggregate counts only (see access.querysets.aggregates_visible_to)."""
        from safetynet.access.querysets import aggregates_visible_to

        return aggregates_visible_to(self, user)


class Case(VersionedModel):
    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        INVESTIGATING = "investigating", _("Under investigation")
        CHARGE_SHEETED = "charge_sheeted", _("Charge sheet filed")
        IN_TRIAL = "in_trial", _("In trial")
        CLOSED = "closed", _("Closed")

    # Allowed moves in the status workflow. A closed case can be reopened by investigators.
    TRANSITIONS: dict[str, set[str]] = {
        Status.REPORTED: {Status.INVESTIGATING, Status.CLOSED},
        Status.INVESTIGATING: {Status.CHARGE_SHEETED, Status.CLOSED},
        Status.CHARGE_SHEETED: {Status.IN_TRIAL, Status.INVESTIGATING, Status.CLOSED},
        Status.IN_TRIAL: {Status.CLOSED},
        Status.CLOSED: {Status.INVESTIGATING},
    }

    class Kind(models.TextChoices):
        SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
        FORCED_LABOUR = "forced_labour", _("Forced labour")
        DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
        FORCED_MARRIAGE = "forced_marriage", _("Forced or fake marriage")
        CHILD_LABOUR = "child_labour", _("Child labour")
        ORGAN_REMOVAL = "organ_removal", _("Organ removal")
        OTHER = "other", _("Other or not yet known")

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Do not write names here: add people as parties."))
    kind = models.CharField(_("form of exploitation"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="cases")
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="cases")
    opened_on = models.DateField(_("opened on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["owning_agency", "status"])]

    def __str__(self) -> str:
        return self.reference

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class CasePartyQuerySet(models.QuerySet):
    def countable_by(self, user):
        from safetynet.access.querysets import aggregates_visible_to

        return aggregates_visible_to(self, user)


class CaseParty(TimeStampedModel):
    class Role(models.TextChoices):
        VICTIM = "victim", _("Victim")
        SUSPECT = "suspect", _("Suspect")
        WITNESS = "witness", _("Witness")
        COMPLAINANT = "complainant", _("Complainant")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(_("role in the case"), max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CasePartyQuerySet.as_manager()

    class Meta:
        ordering = ["role", "created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"], name="unique_case_party")]


class CaseNote(TimeStampedModel):
    """One entry in the case timeline. Notes are never edited: a correction is a new note.

    The body is encrypted with the vault key because officers write names and places in
    notes however often they are told not to.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", null=True)
    body_enc = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def body(self) -> str:
        return vault.decrypt(self.body_enc, f"{self.public_id}:note")

    def set_body(self, text: str) -> None:
        self.body_enc = vault.encrypt(text, f"{self.public_id}:note")
