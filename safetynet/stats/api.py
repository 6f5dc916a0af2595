from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from safetynet.access import policy
from safetynet.access.querysets import has_capability

from .services import platform_counts


class PlatformStats(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not has_capability(request.user, policy.Cap.STATS_VIEW):
            raise Http404(_("Not found."))
        return Response(platform_counts(request.user))
