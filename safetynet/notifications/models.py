"""Messages to staff: in the app always, by email and SMS when it is urgent.

Texts name records by reference and place only, never a person: they travel through
mail servers and SMS gateways that SafetyNet does not control.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField()
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]


class SmsOutbox(models.Model):
    """Texts handed to the SMS backend (the default backend only records them here, so a
    deployment without a gateway still shows what would have been sent)."""

    created_at = models.DateTimeField(auto_now_add=True)
    to = models.CharField(max_length=20)
    body = models.CharField(max_length=320)
    backend = models.CharField(max_length=100)
