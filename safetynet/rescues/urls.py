from django.urls import path

from . import views

app_name = "rescues"
urlpatterns = [
    path("", views.rescue_list, name="list"),
    path("new/", views.rescue_new, name="new"),
    path("<uuid:public_id>/", views.rescue_detail, name="detail"),
    path("<uuid:public_id>/plan/", views.save_plan, name="plan"),
    path("<uuid:public_id>/team/", views.add_member, name="add_member"),
    path("<uuid:public_id>/team/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("<uuid:public_id>/ready/", views.mark_ready, name="ready"),
    path("<uuid:public_id>/outcome/", views.record_outcome, name="outcome"),
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/children/<int:production_id>/produced/", views.produced, name="produced"),
]
