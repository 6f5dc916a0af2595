from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("programmes/<uuid:public_id>/", views.programme_detail, name="programme"),
    path("programmes/<uuid:public_id>/trainees/", views.add_trainee, name="add_trainee"),
    path("programmes/<uuid:public_id>/certificates.pdf", views.programme_certificates, name="certificates"),
    path("trainees/<uuid:public_id>/", views.trainee_edit, name="trainee"),
    path("trainees/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
    path("trainees/<uuid:public_id>/certificate.pdf", views.certificate, name="certificate"),
    path("library/", views.library, name="library"),
    path("library/new/", views.product_new, name="product_new"),
    path("library/<uuid:public_id>/upload/", views.version_upload, name="upload"),
    path("library/files/<uuid:public_id>/", views.download, name="download"),
]
