from django.urls import path

from . import views

app_name = "research"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.csv", views.export_csv, name="export"),
    path("aggregates/", views.aggregates, name="aggregates"),
    path("aggregates/<uuid:public_id>/", views.release_detail, name="release"),
    path("aggregates/<uuid:public_id>.csv", views.release_csv, name="release_csv"),
    path("compare/", views.compare, name="compare"),
]
