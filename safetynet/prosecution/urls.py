from django.urls import path

from . import views

app_name = "prosecution"
urlpatterns = [
    path("deadlines/", views.deadlines, name="deadlines"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("hearings/", views.hearings, name="hearings"),
    path("network/", views.network_page, name="network"),
    path("cases/<uuid:public_id>/", views.legal_file, name="file"),
    path("cases/<uuid:public_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("cases/<uuid:public_id>/firs/", views.add_fir, name="add_fir"),
    path("cases/<uuid:public_id>/accused/", views.add_accused, name="add_accused"),
    path("cases/<uuid:public_id>/compensation/", views.add_compensation, name="add_compensation"),
    path("cases/<uuid:public_id>/compensation/<int:compensation_id>/award/", views.award_compensation,
         name="award_compensation"),
    path("cases/<uuid:public_id>/court-cases/", views.add_court_case, name="add_court_case"),
    path("cases/<uuid:public_id>/risk/", views.assess_risk, name="assess_risk"),
    path("cases/<uuid:public_id>/measures/", views.add_measure, name="add_measure"),
    path("cases/<uuid:public_id>/incidents/", views.add_incident, name="add_incident"),
    path("measures/<uuid:public_id>/end/", views.end_measure, name="end_measure"),
    path("accused/<uuid:public_id>/arrest/", views.arrest, name="arrest"),
    path("accused/<uuid:public_id>/custody/", views.custody, name="custody"),
    path("accused/<uuid:public_id>/police-report/", views.police_report, name="police_report"),
    path("accused/<uuid:public_id>/verdict/", views.verdict, name="verdict"),
    path("accused/<uuid:public_id>/suspect/", views.suspect_record, name="suspect_record"),
    path("accused/<uuid:public_id>/suspect/show/", views.reveal_suspect_record, name="reveal_suspect_record"),
    path("court-cases/<uuid:public_id>/hearings/", views.add_hearing, name="add_hearing"),
    path("hearings/<uuid:public_id>/edit/", views.edit_hearing, name="edit_hearing"),
]
