from django.contrib.auth.signals import user_logged_in, user_logged_out
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


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    """A signed-out session is over: it must not stay on the "where you are signed in" list."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()
