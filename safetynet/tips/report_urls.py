"""The public side: anyone can report; a receipt code shows what happened to it."""

from django.urls import path

from . import pwa, views

app_name = "report"
urlpatterns = [
    path("", views.report, name="form"),
    path("status/", views.status, name="status"),
    path("vigilance/", views.vigilance, name="vigilance"),
    # The form as an installable web app that works offline (pwa.py). The worker is served
    # from /report/ so that its scope is /report/.
    path("sw.js", pwa.service_worker, name="sw"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
]
