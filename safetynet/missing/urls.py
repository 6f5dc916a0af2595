from django.urls import path

from . import views

app_name = "missing"
urlpatterns = [
    path("", views.missing_list, name="list"),
    path("<uuid:public_id>/", views.missing_detail, name="detail"),
]
