from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes from their agency memberships,
    never from Django's is_superuser flag (which grants no access to identities)."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Where urgent alerts (an unacknowledged tip about a person in transit) are texted.
    mobile = models.CharField(_("mobile number for alerts"), max_length=20, blank=True)
    # Demo accounts may have their TOTP code shown on the login page in demo mode only.
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["username"]


class UserSession(models.Model):
    """One signed-in session, so a user can see where they are signed in and end it.

    Pages and URLs name a session by its public id, never by its key.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True, editable=False)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]
