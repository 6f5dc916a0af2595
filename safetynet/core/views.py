from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from safetynet.access import policy
from safetynet.access.querysets import active_memberships, has_capability
from safetynet.cases.models import Case
from safetynet.stats.services import platform_counts, scope_counts


@login_required
def home(request):
    """One dashboard, whose panels follow the user's capabilities."""
    user = request.user
    context: dict = {"roles": sorted({m.get_role_display() for m in active_memberships(user)})}
    if has_capability(user, policy.Cap.CASE_VIEW):
        context["scope"] = scope_counts(user)
        context["recent_cases"] = Case.objects.visible_to(user).select_related("jurisdiction").order_by(
            "-updated_at")[:10]
    if has_capability(user, policy.Cap.STATS_VIEW) and not has_capability(user, policy.Cap.CASE_VIEW):
        context["platform"] = platform_counts(user)
    context["is_admin"] = has_capability(user, policy.Cap.USERS_MANAGE)
    return render(request, "core/home.html", context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
