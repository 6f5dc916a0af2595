"""The Code of Conduct register (staff) at /tourism/, and the public check at /tourism/check/
(no sign-in: views.check)."""

from django.urls import path

from . import views

app_name = "tourism"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.new, name="new"),
    path("check/", views.check, name="check"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/state/", views.change_state, name="state"),
    path("<uuid:public_id>/focal-points/", views.add_focal_point, name="add_focal_point"),
    path("<uuid:public_id>/trainings/", views.add_training, name="add_training"),
    path("<uuid:public_id>/reviews/", views.add_review, name="add_review"),
    path("focal-points/<uuid:public_id>/end/", views.end_focal_point, name="end_focal_point"),
]
