"""Missing-person reports. The start of the record issue 6 matches against rescued persons:
for now what a tip or a family gives, with the person's description in the vault."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import VersionedModel
from safetynet.people import vault


class MissingQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "missing.view"):
        from safetynet.access.querysets import agency_records_visible_to

        return agency_records_visible_to(self, user, action)


class MissingPersonReport(VersionedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open: being searched for")
        FOUND = "found", _("Found")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        TIP = "tip", _("Community tip")
        FAMILY = "family", _("Family, at a police station")
        PUBLIC = "public", _("Public form")
        COUNTERPART = "counterpart", _("Counterpart agency across the border")

    reference = models.CharField(max_length=40, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=12, choices=Source.choices)
    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="missing_reports")
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="missing_reports",
                                     help_text=_("Where the person was last seen"))
    last_seen_at = models.DateTimeField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=[("female", _("Female")), ("male", _("Male")),
                                                   ("other", _("Other")), ("unknown", _("Not known"))],
                           default="unknown")
    # Name and description are identity data: encrypted like PersonIdentity.
    name_enc = models.TextField(blank=True)
    description_enc = models.TextField(blank=True)
    # For matching (issue 6): other names (JSON list) and the family's names (JSON: father,
    # mother, husband), encrypted; the age as the family gave it, in the year of the report.
    other_names_enc = models.TextField(blank=True)
    family_names_enc = models.TextField(blank=True)
    age = models.PositiveSmallIntegerField(_("age when reported (about)"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    # Empty for a report from the public form: nobody is signed in there (as for public tips).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # The public form (issue 6): the number the police call the family back on (identity data,
    # encrypted), when the family agreed to the search, and the keyed hash of the receipt code
    # with which the family checks the report's status (the code itself is never stored).
    contact_phone_enc = models.TextField(blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True)
    source_tip = models.ForeignKey("tips.Tip", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="missing_reports")

    objects = MissingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    def set_text(self, field: str, value: str) -> None:
        setattr(self, f"{field}_enc", vault.encrypt(value, f"{self.public_id}:{field}") if value else "")

    def get_text(self, field: str) -> str:
        token = getattr(self, f"{field}_enc")
        return vault.decrypt(token, f"{self.public_id}:{field}") if token else ""

    def get_json(self, field: str):
        import json

        text = self.get_text(field)
        return json.loads(text) if text else None

    def set_json(self, field: str, value) -> None:
        import json

        self.set_text(field, json.dumps(value, ensure_ascii=False) if value else "")


class MissingPhoto(models.Model):
    """A photo of the missing person (like tips.TipPhoto): re-encoded without metadata by
    tips/photos.clean_photo, encrypted in the vault, shown only to who can see the report."""

    report = models.ForeignKey(MissingPersonReport, on_delete=models.CASCADE, related_name="photos")
    content_enc = models.TextField()
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def context(self) -> str:
        return f"{self.report.public_id}:photo:{self.size}:{self.width}x{self.height}"

    def set_content(self, content: bytes) -> None:
        self.content_enc = vault.encrypt(content, self.context())

    def get_content(self) -> bytes:
        return vault.decrypt_bytes(self.content_enc, self.context())
