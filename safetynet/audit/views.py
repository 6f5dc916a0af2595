from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import audit_visible_to, has_capability

from .models import AccessEvent, AuditEvent

# Administrative records whose changes an auditor without case access may read in full.
# Everything else (cases, notes, people, grants) can hold free text with a name in it.
ADMIN_OBJECT_TYPES = ("accounts.", "agencies.", "session", "authtoken", "totp", "tips.routingrule")


def _allowed(user) -> bool:
    return has_capability(user, policy.Cap.AUDIT_VIEW_ALL) or has_capability(user, policy.Cap.AUDIT_VIEW_AGENCY)


@login_required
def audit_list(request):
    if not _allowed(request.user):
        raise Http404(_("Not found."))
    kind = request.GET.get("kind", "changes")
    model = AccessEvent if kind == "access" else AuditEvent
    events = audit_visible_to(model.objects.select_related("agency"), request.user).order_by("-seq")
    action = request.GET.get("action", "").strip()[:60]
    if action and model is AuditEvent:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # A system administrator audits who did what, never what was written about whom.
    sees_records = has_capability(request.user, policy.Cap.CASE_VIEW)
    for event in page:
        event.redacted = not sees_records and not (event.object_type or "").startswith(ADMIN_OBJECT_TYPES) \
            if model is AuditEvent else not sees_records
    return render(request, "audit/audit_list.html", {"page": page, "kind": kind, "action": action})
