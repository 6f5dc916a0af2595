def unread(request):
    """The number on the bell in the header, once the user has fully signed in (before the
    second factor even a count of alerts says too much)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from safetynet.accounts.middleware import needs_second_factor

    if needs_second_factor(user) and not user.is_verified():
        return {}
    from .models import Notification

    return {"show_alerts": True,
            "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()}
