"""Community reports ("tips"): what a villager, bus conductor or hotline caller saw.

A tip's content (what was seen, who was involved, phone and vehicle numbers) is encrypted
at rest like a case note; who reported it is identity data in ``TipReporter`` and shown
only with ``tip.view_reporter``. Phone and vehicle numbers are also kept as keyed hashes
(``TipIndicator``) so that tips sharing one can be grouped without decrypting anything.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel, VersionedModel
from safetynet.people import vault


class TipQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "tip.triage"):
        from safetynet.access.querysets import tips_visible_to

        return tips_visible_to(self, user, action)

    def countable_by(self, user):
        from safetynet.access.querysets import aggregates_visible_to

        return aggregates_visible_to(self, user)


class Tip(VersionedModel):
    class Category(models.TextChoices):
        RECRUITMENT = "recruitment", _("Suspicious recruitment or job offer")
        MARRIAGE = "marriage", _("Fake or child marriage offer")
        BORDER = "border", _("Person being moved across the border")
        CHILD_LABOUR = "child_labour", _("Child labour")
        MISSING = "missing", _("Missing person")
        HELD = "held", _("Person held against their will")
        OTHER = "other", _("Something else")

    class Channel(models.TextChoices):
        WEB = "web", _("Public web form")
        VIGILANCE = "vigilance", _("Vigilance member form")
        OFFLINE = "offline", _("Sent from a phone after being offline")
        SMS = "sms", _("SMS")
        HOTLINE = "hotline", _("Hotline call")
        ODK = "odk", _("ODK / KoboToolbox form")

    class Urgency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate: a person in danger or being moved now")
        URGENT = "urgent", _("Urgent")
        ROUTINE = "routine", _("Routine")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        VERIFIED = "verified", _("Verified")
        CONVERTED = "converted", _("Action taken")
        MERGED = "merged", _("Merged into another report")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        NOT_TRAFFICKING = "not_trafficking", _("Checked: not trafficking")
        NOT_ENOUGH = "not_enough", _("Not enough information to act on")
        FALSE_REPORT = "false_report", _("False or malicious report")
        REFERRED = "referred", _("Referred to another service")
        RESOLVED = "resolved", _("Resolved without a case")

    OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.VERIFIED)

    # Given when the tip is filed (routed, numbered, audited): see services.file_tips.
    reference = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True, editable=False)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    category = models.CharField(_("what was seen"), max_length=20, choices=Category.choices)
    urgency = models.CharField(max_length=12, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NEW)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="tips")
    # GPS from the reporter's phone, rounded to about 100 m: enough to act on, not a house.
    latitude = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    longitude = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    seen_at = models.DateTimeField(_("when it was seen"))
    received_at = models.DateTimeField(db_index=True)
    ack_due_at = models.DateTimeField()
    # None while the tip waits in the intake queue for the filer (routing, reference,
    # indicators, notifications, audit); the deadline above already runs from receipt.
    filed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Encrypted at rest (vault, context = public_id:field): free text can hold anything.
    place_enc = models.TextField(blank=True)
    description_enc = models.TextField(blank=True)
    people_enc = models.TextField(blank=True)
    phones_enc = models.TextField(blank=True)
    vehicles_enc = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="tips_submitted")
    committee = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="committee_tips")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="tips")
    converted_to = models.CharField(max_length=20, blank=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "ack_due_at"]), models.Index(fields=["jurisdiction", "received_at"]),
                   # The filer's queue: small (only tips not yet filed), so polling it is cheap.
                   models.Index(fields=["id"], condition=models.Q(filed_at__isnull=True), name="tips_waiting_filing")]

    def __str__(self) -> str:
        return self.reference or str(_("a report being filed"))

    ENCRYPTED = ("place", "description", "people", "phones", "vehicles")

    def set_text(self, field: str, value: str) -> None:
        assert field in self.ENCRYPTED
        setattr(self, f"{field}_enc", vault.encrypt(value, f"{self.public_id}:{field}") if value else "")

    def get_text(self, field: str) -> str:
        token = getattr(self, f"{field}_enc")
        return vault.decrypt(token, f"{self.public_id}:{field}") if token else ""

    def content(self) -> dict:
        return {f: self.get_text(f) for f in self.ENCRYPTED}

    @property
    def urgency_label(self) -> str:
        """One word for badges and lists; the choice label explains it in full."""
        labels = {str(self.Urgency.IMMEDIATE): _("Immediate"), str(self.Urgency.URGENT): _("Urgent")}
        return str(labels.get(self.urgency, _("Routine")))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def overdue(self, now: datetime.datetime) -> bool:
        return self.status == self.Status.NEW and self.ack_due_at < now


class TipRouting(models.Model):
    """An agency a tip was sent to, and why (shown in the triage view)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="routings")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="tip_routings")
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tip", "agency"], name="tip_routed_once")]


class RoutingRule(TimeStampedModel):
    """Send tips from this place (and below it) to this agency instead of the default.

    The rules of the nearest place that has any replace the default routing (the district's
    AHTU; for a border sector, its border-force posts as well).
    """

    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.CASCADE, related_name="routing_rules")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="routing_rules")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "agency"], name="one_rule_per_place_agency")]

    def __str__(self) -> str:
        return f"{self.jurisdiction} → {self.agency}"


class TipReporter(models.Model):
    """Who reported and how to reach them: identity data, encrypted, shown with AccessEvent."""

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="reporter")
    name_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    email_enc = models.TextField(blank=True)
    may_contact = models.BooleanField(default=False)

    FIELDS = ("name", "phone", "email")

    def set_field(self, field: str, value: str) -> None:
        setattr(self, f"{field}_enc", vault.encrypt(value, f"{self.tip.public_id}:reporter_{field}") if value else "")

    def get_field(self, field: str) -> str:
        token = getattr(self, f"{field}_enc")
        return vault.decrypt(token, f"{self.tip.public_id}:reporter_{field}") if token else ""

    def filled_fields(self) -> list[str]:
        return [f for f in self.FIELDS if getattr(self, f"{f}_enc")]


class TipPhoto(models.Model):
    """A photo sent with the tip: re-encoded without metadata (tips/photos.py), encrypted."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    content_enc = models.TextField()
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def context(self) -> str:
        return f"{self.tip.public_id}:photo:{self.size}:{self.width}x{self.height}"

    def get_content(self) -> bytes:
        return vault.decrypt_bytes(self.content_enc, self.context())


class TipIndicator(models.Model):
    """A phone or vehicle number seen, as a keyed hash: equal numbers meet, nothing is readable."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number")
        VEHICLE = "vehicle", _("Vehicle number")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]


class TipEvent(models.Model):
    """The tip's timeline as the triaging officers see it (the audit trail has the full record)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=30)
    note_enc = models.TextField(blank=True)

    LABELS = {
        "received": _("received"), "acknowledge": _("acknowledged"), "verify": _("verified"),
        "close": _("closed"), "merge": _("merged into"), "merged_in": _("a duplicate was merged in"),
        "convert": _("case opened"), "note": _("note"), "escalate": _("escalated: not acknowledged in time"),
    }

    class Meta:
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))

    def get_note(self) -> str:
        return vault.decrypt(self.note_enc, f"{self.tip.public_id}:event") if self.note_enc else ""


class DeadLetter(TimeStampedModel):
    """A submission an intake channel could not turn into a tip: kept, never dropped.

    The raw body is encrypted (it may hold a reporter's phone number); an administrator
    sees the channel, the reason and the size, and can retry it after a fix.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RETRIED = "retried", _("Processed on retry")
        DISCARDED = "discarded", _("Discarded")

    channel = models.CharField(max_length=12, choices=Tip.Channel.choices)
    reason = models.CharField(max_length=300)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    payload_enc = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    tip = models.ForeignKey(Tip, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def set_payload(self, body: bytes) -> None:
        self.payload_enc = vault.encrypt(body, f"{self.public_id}:payload")

    def get_payload(self) -> bytes:
        return vault.decrypt_bytes(self.payload_enc, f"{self.public_id}:payload")
