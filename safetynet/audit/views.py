from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import audit_visible_to, has_capability

from .models import AccessEvent, AuditEvent


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
    return render(request, "audit/audit_list.html", {"page": page, "kind": kind, "action": action})
