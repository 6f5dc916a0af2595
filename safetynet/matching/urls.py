from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("<uuid:public_id>/", views.candidate_detail, name="detail"),
    path("<uuid:public_id>/confirm/", views.confirm, name="confirm"),
    path("<uuid:public_id>/reject/", views.reject, name="reject"),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
]
