from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.verify_view, name="verify"),
    path("two-factor/setup/", views.setup_view, name="setup"),
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/<uuid:public_id>/revoke/", views.revoke_session_view, name="revoke_session"),
]
