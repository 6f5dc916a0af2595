from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy
from safetynet.access.querysets import active_memberships, has_capability
from safetynet.cases.models import Case
from safetynet.stats.services import platform_counts, scope_counts
from safetynet.tips.services import tip_summary

# What each role finds on its dashboard, in one sentence, so nobody wonders why a panel is empty.
ROLE_GUIDE = {
    policy.Role.COMMUNITY_REPORTER: _("You can report what you see; you will only ever see your own reports."),
    policy.Role.AHTU_OFFICER: _("All trafficking cases of your district, with the people in them and their notes."),
    policy.Role.AHTU_HEAD: _("Your district's cases, your case teams, and your unit's audit trail."),
    policy.Role.POLICE_OFFICER: _("The cases your police station registered."),
    policy.Role.BORDER_OFFICER: _("The cases and interceptions of your border post."),
    policy.Role.NGO_CASEWORKER: _("Cases your organisation was referred to or added to as part of the case team."),
    policy.Role.SHELTER_STAFF: _("The residents your shelter registered."),
    policy.Role.COUNSELLOR: _("The survivors you counsel."),
    policy.Role.CWC_MEMBER: _("Cases of children in your district."),
    policy.Role.PROSECUTOR: _("The cases you were added to as prosecutor."),
    policy.Role.ME_OFFICER: _("Figures across the programme: counts only, never a person."),
    policy.Role.RESEARCHER: _("Figures for research: counts only, never a person."),
    policy.Role.SYSADMIN: _("Users, agencies and places. Identity data is never part of administration."),
}


@login_required
def home(request):
    """One dashboard, whose panels follow the user's capabilities."""
    user = request.user
    memberships = active_memberships(user)
    context: dict = {"guides": [(m, ROLE_GUIDE.get(m.role, "")) for m in memberships]}
    if has_capability(user, policy.Cap.CASE_VIEW):
        context["scope"] = scope_counts(user)
        context["recent_cases"] = Case.objects.visible_to(user).select_related("jurisdiction").order_by(
            "-updated_at")[:10]
    if has_capability(user, policy.Cap.STATS_VIEW) and not has_capability(user, policy.Cap.CASE_VIEW):
        context["platform"] = platform_counts(user)
    if has_capability(user, policy.Cap.TIP_TRIAGE):
        context["tips"] = tip_summary(user)
    context["is_admin"] = has_capability(user, policy.Cap.USERS_MANAGE)
    return render(request, "core/home.html", context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
