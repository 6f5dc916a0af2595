from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import has_capability

from .services import SMALL_CELL, platform_counts, programme_section


@login_required
def stats_home(request):
    if not has_capability(request.user, policy.Cap.STATS_VIEW):
        raise Http404(_("Not found."))
    from safetynet.care.indicators import care_indicators
    from safetynet.care.models import Survivor

    # Counts only (suppressed like the rest of this page); stats.view reaches no record.
    care = care_indicators(Survivor.objects.all(), exact=False)
    return render(request, "stats/stats.html", {"stats": platform_counts(request.user), "small_cell": SMALL_CELL,
                                                "data": care, "programmes": programme_section(request.user)})
