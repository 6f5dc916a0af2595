"""The public side: anyone can report; a receipt code shows what happened to it."""

from django.urls import path

from . import views

app_name = "report"
urlpatterns = [
    path("", views.report, name="form"),
    path("status/", views.status, name="status"),
    path("vigilance/", views.vigilance, name="vigilance"),
]
