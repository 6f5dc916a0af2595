from django.urls import path

from . import views

app_name = "programmes"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("<slug:kind>/", views.record, name="record"),
    path("<slug:kind>/import/", views.import_file, name="import"),
    path("<slug:kind>/import/problems.csv", views.import_errors, name="import_errors"),
    path("<slug:kind>/template.<str:fmt>", views.template, name="template"),
]
