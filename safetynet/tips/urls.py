from django.urls import path

from . import views

app_name = "tips"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:public_id>/verify/", views.verify, name="verify"),
    path("<uuid:public_id>/close/", views.close, name="close"),
    path("<uuid:public_id>/merge/", views.merge, name="merge"),
    path("<uuid:public_id>/convert/", views.convert, name="convert"),
    path("<uuid:public_id>/note/", views.add_note, name="note"),
    path("<uuid:public_id>/rescue/", views.convert_rescue, name="rescue"),
    path("<uuid:public_id>/missing/", views.convert_missing, name="missing"),
    path("<uuid:public_id>/reporter/", views.reporter, name="reporter"),
    path("<uuid:public_id>/photos/<int:number>/", views.photo, name="photo"),
]
