from django.urls import path

from safetynet.cases import api as cases_api
from safetynet.people import api as people_api
from safetynet.stats import api as stats_api

app_name = "api"
urlpatterns = [
    path("cases/", cases_api.CaseListCreate.as_view(), name="cases"),
    path("cases/<uuid:public_id>/", cases_api.CaseDetail.as_view(), name="case"),
    path("cases/<uuid:public_id>/notes/", cases_api.CaseNotes.as_view(), name="case_notes"),
    path("cases/<uuid:public_id>/parties/", cases_api.CaseParties.as_view(), name="case_parties"),
    path("persons/<uuid:public_id>/", people_api.PersonDetail.as_view(), name="person"),
    path("stats/", stats_api.PlatformStats.as_view(), name="stats"),
]
