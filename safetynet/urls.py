from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from safetynet.core.admin_site import site as admin_site

urlpatterns = [
    path("", include("safetynet.core.urls")),
    path("accounts/", include("safetynet.accounts.urls")),
    path("cases/", include("safetynet.cases.urls")),
    path("people/", include("safetynet.people.urls")),
    path("audit/", include("safetynet.audit.urls")),
    path("stats/", include("safetynet.stats.urls")),
    path("report/missing/", include("safetynet.missing.public_urls")),
    path("report/", include("safetynet.tips.report_urls")),
    path("tips/", include("safetynet.tips.urls")),
    path("rescues/", include("safetynet.rescues.urls")),
    path("missing/", include("safetynet.missing.urls")),
    path("prosecution/", include("safetynet.prosecution.urls")),
    path("care/", include("safetynet.care.urls")),
    path("matching/", include("safetynet.matching.urls")),
    path("programmes/", include("safetynet.programmes.urls")),
    path("training/", include("safetynet.training.urls")),
    path("tourism/", include("safetynet.tourism.urls")),
    path("research/", include("safetynet.research.urls")),
    path("notifications/", include("safetynet.notifications.urls")),
    path("intake/", include("safetynet.tips.intake_urls")),
    path("admin/", admin_site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("safetynet.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
