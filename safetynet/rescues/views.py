from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.lookups import get_rescue_for
from safetynet.access.querysets import has_capability

from .models import RescueOperation


@login_required
def rescue_list(request):
    if not has_capability(request.user, policy.Cap.RESCUE_VIEW):
        raise Http404(_("Not found."))
    rescues = RescueOperation.objects.visible_to(request.user).select_related("jurisdiction", "source_tip")[:200]
    return render(request, "rescues/list.html", {"rescues": rescues})


@login_required
def rescue_detail(request, public_id):
    rescue = get_rescue_for(request.user, public_id)
    return render(request, "rescues/detail.html", {"rescue": rescue})
