from django.urls import path

from . import views

app_name = "rescues"
urlpatterns = [
    path("", views.rescue_list, name="list"),
    path("<uuid:public_id>/", views.rescue_detail, name="detail"),
]
