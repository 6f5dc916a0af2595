from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("<uuid:public_id>/", views.candidate_detail, name="detail"),
    path("<uuid:public_id>/confirm/", views.confirm, name="confirm"),
    path("<uuid:public_id>/reject/", views.reject, name="reject"),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<uuid:public_id>/", views.duplicate_detail, name="duplicate"),
    path("duplicates/<uuid:public_id>/confirm/", views.duplicate_confirm, name="duplicate_confirm"),
    path("duplicates/<uuid:public_id>/reject/", views.duplicate_reject, name="duplicate_reject"),
    path("duplicates/<uuid:public_id>/reopen/", views.duplicate_reopen, name="duplicate_reopen"),
    path("link-files/", views.link_files, name="link_files"),
    path("link-files/<uuid:public_id>/", views.link_files_job, name="link_files_job"),
    path("link-files/<uuid:public_id>/result.csv", views.link_files_download, name="link_files_download"),
]
