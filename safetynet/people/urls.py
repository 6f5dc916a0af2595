from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("<uuid:public_id>/", views.person_detail, name="detail"),
    path("<uuid:public_id>/identity/", views.reveal_identity, name="identity"),
    path("<uuid:public_id>/photo/", views.person_photo, name="photo"),
    path("<uuid:public_id>/erase/", views.erase_identity, name="erase"),
]
