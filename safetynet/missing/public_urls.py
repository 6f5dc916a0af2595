"""The family's side, without signing in: "my child is missing" and its status check.
Mounted at /report/missing/ (before /report/, whose pages are the anonymous tip form)."""

from django.urls import path

from . import views

app_name = "report_missing"
urlpatterns = [
    path("", views.public_report, name="form"),
    path("status/", views.public_status, name="status"),
]
