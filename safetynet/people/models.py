"""People: a pseudonymous record everyone in scope may see, and the identity vault.

``Person`` holds no identifying data: a code such as ``WB-N24P-2026-000123`` and facts
that cannot name anyone (sex, age band, nationality). ``PersonIdentity`` holds names,
aliases, phones, addresses, ID numbers and a photo, each encrypted per field (vault.py).
Reads of identity go through ``access.get_identity_for`` which writes an AccessEvent.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel, VersionedModel

from . import vault


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "person.view"):
        from safetynet.access.querysets import persons_visible_to

        return persons_visible_to(self, user, action)


class Person(VersionedModel):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not known")

    class AgeBand(models.TextChoices):
        UNDER_12 = "0-11", _("Under 12")
        AGE_12_17 = "12-17", _("12–17")
        AGE_18_25 = "18-25", _("18–25")
        AGE_26_40 = "26-40", _("26–40")
        AGE_41_PLUS = "41+", _("41 and over")
        UNKNOWN = "unknown", _("Not known")

    class Nationality(models.TextChoices):
        INDIA = "IN", _("India")
        BANGLADESH = "BD", _("Bangladesh")
        NEPAL = "NP", _("Nepal")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not known")

    code = models.CharField(max_length=40, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    nationality = models.CharField(
        _("nationality"), max_length=10, choices=Nationality.choices, default=Nationality.UNKNOWN
    )
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    registering_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    identity_erased_at = models.DateTimeField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_child(self) -> bool:
        return self.age_band in {self.AgeBand.UNDER_12, self.AgeBand.AGE_12_17}

    @classmethod
    def band_for_age(cls, age: int) -> str:
        """The age band an age in years falls in (the bands the non-identifying record keeps)."""
        for upper, band in ((11, cls.AgeBand.UNDER_12), (17, cls.AgeBand.AGE_12_17), (25, cls.AgeBand.AGE_18_25),
                            (40, cls.AgeBand.AGE_26_40)):
            if age <= upper:
                return band
        return cls.AgeBand.AGE_41_PLUS


# Vault fields: name -> kind ("text" or "list"). Lists are stored as encrypted JSON.
IDENTITY_FIELDS: dict[str, str] = {
    "name_native": "text",      # in the person's own script (Bengali, Devanagari, ...)
    "name_latin": "text",
    "aliases": "list",
    "phones": "list",
    "addresses": "list",
    "id_numbers": "list",       # "Aadhaar 1234 ...", "NID ...": type and number as written
    # For finding the person in missing-person reports (issue 6): a family reports "Rohima, about
    # 14, daughter of Abdul Karim". The age in years as told when registered (the record's own
    # year makes it a birth year), and the father's or husband's name. Both identify in
    # combination with a name, so they live in the vault, not beside the age band.
    "father_name": "text",
    "age": "text",
}
MAX_AGE = 120


class PersonIdentity(VersionedModel):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="identity")
    name_native_enc = models.TextField(blank=True, default="")
    name_latin_enc = models.TextField(blank=True, default="")
    aliases_enc = models.TextField(blank=True, default="")
    phones_enc = models.TextField(blank=True, default="")
    addresses_enc = models.TextField(blank=True, default="")
    id_numbers_enc = models.TextField(blank=True, default="")
    father_name_enc = models.TextField(blank=True, default="")
    age_enc = models.TextField(blank=True, default="")
    photo_enc = models.TextField(blank=True, default="")
    photo_content_type = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "person identities"

    def _context(self, field: str) -> str:
        return f"{self.person.public_id}:{field}"

    def set_field(self, field: str, value) -> None:
        kind = IDENTITY_FIELDS[field]
        if kind == "list":
            cleaned = [str(v).strip() for v in (value or []) if str(v).strip()]
            text = json.dumps(cleaned, ensure_ascii=False) if cleaned else ""
        else:
            text = (value or "").strip()
        setattr(self, f"{field}_enc", vault.encrypt(text, self._context(field)))

    def get_field(self, field: str):
        kind = IDENTITY_FIELDS[field]
        text = vault.decrypt(getattr(self, f"{field}_enc"), self._context(field))
        if kind == "list":
            return json.loads(text) if text else []
        return text

    def set_photo(self, data: bytes, content_type: str) -> None:
        self.photo_enc = vault.encrypt(data, self._context("photo"))
        self.photo_content_type = content_type if data else ""

    def get_photo(self) -> bytes:
        return vault.decrypt_bytes(self.photo_enc, self._context("photo"))

    def filled_fields(self) -> list[str]:
        names = [f for f in IDENTITY_FIELDS if getattr(self, f"{f}_enc")]
        if self.photo_enc:
            names.append("photo")
        return names

    def decrypted(self) -> dict:
        data = {f: self.get_field(f) for f in IDENTITY_FIELDS}
        data["has_photo"] = bool(self.photo_enc)
        return data

    def encrypted_columns(self) -> list[str]:
        return [f"{f}_enc" for f in IDENTITY_FIELDS] + ["photo_enc"]


class IdentityTombstone(TimeStampedModel):
    """What is left after an identity is erased on request: that it existed, when and why
    it was erased and by whom. Nothing that could identify the person."""

    class Reason(models.TextChoices):
        SURVIVOR_REQUEST = "survivor_request", _("Request of the survivor")
        GUARDIAN_REQUEST = "guardian_request", _("Request of the guardian")
        COURT_ORDER = "court_order", _("Court order")
        DUPLICATE = "duplicate", _("Duplicate record")

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="tombstone")
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    fields_erased = models.JSONField(default=list)
