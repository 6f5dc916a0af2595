from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("break-glass/", views.break_glass_view, name="break_glass"),
    path("<uuid:public_id>/", views.case_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:public_id>/status/", views.case_status, name="status"),
    path("<uuid:public_id>/parties/new/", views.add_party, name="add_party"),
    path("<uuid:public_id>/notes/", views.add_note, name="add_note"),
    path("<uuid:public_id>/team/", views.add_team_member, name="add_team_member"),
]
