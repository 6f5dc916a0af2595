from django.conf import settings

from safetynet.access.querysets import active_memberships, capabilities


def safetynet(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": set(), "memberships": [], "demo_mode": settings.DEMO_MODE}
    return {"caps": capabilities(user), "memberships": active_memberships(user), "demo_mode": settings.DEMO_MODE}
