from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel


class AccessGrantQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class AccessGrant(TimeStampedModel):
    """Access to one case beyond a user's scope: case team, accepted referral, break-glass."""

    class Kind(models.TextChoices):
        CASE_TEAM = "case_team", _("Case team")
        REFERRAL = "referral", _("Accepted referral")
        BREAK_GLASS = "break_glass", _("Break-glass (emergency)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="access_grants")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "case"])]
