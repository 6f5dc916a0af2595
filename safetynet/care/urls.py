from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.survivor_list, name="list"),
    path("new/", views.register, name="register"),
    path("cwc/", views.cwc, name="cwc"),
    path("cwc/children/<uuid:person_id>/produced/", views.record_production, name="production"),
    path("shelters/", views.shelters, name="shelters"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("survivors/<uuid:public_id>/", views.detail, name="detail"),
    path("survivors/<uuid:public_id>/profile/", views.edit_profile, name="profile"),
    path("survivors/<uuid:public_id>/consents/", views.add_consent, name="consent"),
    path("survivors/<uuid:public_id>/share/", views.share, name="share"),
    path("survivors/<uuid:public_id>/tracing/", views.tracing, name="tracing"),
    path("survivors/<uuid:public_id>/team/", views.assign, name="assign"),
    path("survivors/<uuid:public_id>/cwc-orders/", views.cwc_order, name="cwc_order"),
    path("survivors/<uuid:public_id>/placements/", views.place, name="place"),
    path("survivors/<uuid:public_id>/plan/", views.create_plan, name="plan"),
    path("survivors/<uuid:public_id>/plan/review/", views.review_plan, name="review"),
    path("survivors/<uuid:public_id>/services/", views.add_service, name="service"),
    path("survivors/<uuid:public_id>/counselling/", views.clinical_note, name="clinical"),
    path("survivors/<uuid:public_id>/home-study/", views.home_study, name="home_study"),
    path("survivors/<uuid:public_id>/repatriation/", views.repatriation, name="repatriation"),
    path("survivors/<uuid:public_id>/export/", views.export, name="export"),
    path("survivors/<uuid:public_id>/erase/", views.erase, name="erase"),
    path("consents/<uuid:public_id>/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("shares/<uuid:public_id>/end/", views.end_share, name="end_share"),
    path("placements/<uuid:public_id>/transfer/", views.transfer, name="transfer"),
    path("placements/<uuid:public_id>/exit/", views.leave, name="exit"),
    path("repatriation-steps/<uuid:public_id>/", views.step, name="step"),
    path("follow-ups/<uuid:public_id>/", views.follow_up, name="follow_up"),
]
