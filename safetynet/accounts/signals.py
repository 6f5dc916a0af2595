from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .models import UserSession


@receiver(user_logged_in)
def track_session(sender, request, user, **kwargs):
    key = request.session.session_key
    if key:
        UserSession.objects.update_or_create(
            session_key=key,
            defaults={"user": user, "last_seen_at": timezone.now(),
                      "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]},
        )
