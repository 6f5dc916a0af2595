from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.stats_home, name="home"),
    path("figures.csv", views.export_csv, name="export_csv"),
    path("figures.xlsx", views.export_xlsx, name="export_xlsx"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
]
