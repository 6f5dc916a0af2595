from django.urls import path

from . import views

app_name = "missing"
urlpatterns = [
    path("", views.missing_list, name="list"),
    path("new/", views.new_report, name="new"),
    path("<uuid:public_id>/", views.missing_detail, name="detail"),
    path("<uuid:public_id>/photos/<int:number>/", views.photo, name="photo"),
]
