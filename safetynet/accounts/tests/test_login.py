"""Sign-in: argon2, the second factor for identity roles, lockout, idle timeout, sessions."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.accounts.models import User, UserSession
from safetynet.accounts.totp import current_code
from safetynet.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(users):
    assert users["ahtu_n24p"].password.startswith("argon2")


def test_identity_role_must_pass_totp(users):
    client = Client()
    r = _login(client, "ahtu.n24p")
    assert r.status_code == 302 and r.url.startswith("/accounts/verify/")
    # Without the code, nothing behind the login is reachable.
    assert client.get("/cases/").url.startswith("/accounts/verify/")
    assert client.get("/api/v1/cases/").status_code == 401
    r = client.post("/accounts/verify/", {"token": "000000"})
    assert r.status_code == 400 and "not right" in r.content.decode()
    device = TOTPDevice.objects.get(user=users["ahtu_n24p"])
    r = client.post("/accounts/verify/", {"token": current_code(device)})
    assert r.status_code == 400 and "Wait a few seconds" in r.content.decode()  # guessing is slowed down
    time.sleep(1.1)
    r = client.post("/accounts/verify/?next=/cases/", {"token": current_code(device)})
    assert r.status_code == 302 and r.url == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_demo_code_is_not_shown_outside_demo_mode(users):
    client = Client()
    _login(client, "ahtu.n24p")
    page = client.get("/accounts/verify/").content.decode()
    assert "demo-code" not in page


def test_demo_code_shown_in_demo_mode_for_demo_accounts(users, settings):
    settings.DEMO_MODE = True
    client = Client()
    _login(client, "ahtu.n24p")
    page = client.get("/accounts/verify/").content.decode()
    device = TOTPDevice.objects.get(user=users["ahtu_n24p"])
    assert 'id="demo-code"' in page and current_code(device) in page


def test_researcher_signs_in_without_second_factor(users):
    client = Client()
    r = _login(client, "researcher")
    assert r.status_code == 302 and r.url == "/"
    assert client.get("/stats/").status_code == 200


def test_new_user_of_identity_role_enrols_totp(users):
    from safetynet.agencies.models import Agency, Membership

    user = User.objects.create(username="new.officer")
    user.set_password("a-long-enough-password")
    user.save()
    Membership.objects.create(user=user, agency=Agency.objects.get(short_code="AHTU-N24P"), role="ahtu_officer")
    client = Client()
    _login(client, "new.officer", "a-long-enough-password")
    r = client.get("/accounts/verify/")
    assert r.status_code == 302 and r.url.startswith("/accounts/two-factor/setup/")
    page = client.get(r.url)
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    r = client.post("/accounts/two-factor/setup/", {"token": current_code(device)})
    assert r.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/cases/").status_code == 200


def test_wrong_password_message_and_lockout_after_five_failures(users):
    client = Client()
    for _ in range(4):
        r = _login(client, "ahtu.kish", "wrong-password")
        assert r.status_code == 400 and "do not match" in r.content.decode()
    r = _login(client, "ahtu.kish", "wrong-password")
    assert r.status_code == 429 and "locked" in r.content.decode()
    # Even the right password is refused while locked, from any client.
    r = _login(Client(), "ahtu.kish", DEMO_PASSWORD)
    assert r.status_code == 429
    # Other users are not affected.
    assert _login(Client(), "researcher").status_code == 302


def test_idle_session_expires_with_a_clear_message(users, settings):
    client = Client()
    _login(client, "researcher")
    assert client.get("/stats/").status_code == 200
    Session.objects.all().delete()  # what the idle timeout does to a session
    r = client.get("/stats/")
    assert r.status_code == 302 and "expired=1" in r.url
    page = client.get(r.url).content.decode()
    assert "Your session has expired" in page
    api = Client()
    _login(api, "researcher")
    Session.objects.all().delete()
    r = api.get("/api/v1/stats/")
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_idle_timeout_is_configured():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_sessions_list_and_revoke(users):
    phone, laptop = Client(), Client()
    _login(phone, "researcher")
    _login(laptop, "researcher")
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "This session" in page
    tracked = UserSession.objects.filter(user=users["researcher"])
    assert tracked.count() == 2
    phone_key = phone.session.session_key
    other = tracked.get(session_key=phone_key)
    r = laptop.post(f"/accounts/sessions/{other.public_id}/revoke/")
    assert r.status_code == 302
    assert phone.get("/stats/").status_code == 302  # the phone is signed out
    assert laptop.get("/stats/").status_code == 200
    # Another user's session id is not found (404), not revocable.
    mallory = Client()
    _login(mallory, "me.officer")
    mine = UserSession.objects.get(user=users["researcher"])
    assert mallory.post(f"/accounts/sessions/{mine.public_id}/revoke/").status_code == 404
    assert UserSession.objects.filter(pk=mine.pk).exists()


def test_sessions_list_shows_only_sessions_that_still_work(users):
    laptop, old_phone, tablet = Client(), Client(), Client()
    for client in (laptop, old_phone, tablet):
        _login(client, "researcher")
    old_phone.post("/accounts/logout/")  # signed out: gone from the list
    Session.objects.filter(session_key=tablet.session.session_key).delete()  # timed out: gone too
    page = laptop.get("/accounts/sessions/").content.decode()
    assert page.count("/revoke/") + page.count("This session") == 1, "only the laptop's session is live"
    assert list(UserSession.objects.filter(user=users["researcher"]).values_list("session_key", flat=True)) == [
        laptop.session.session_key]


def test_logout_requires_post_and_ends_session(users):
    client = Client()
    _login(client, "researcher")
    assert client.get("/accounts/logout/").status_code == 405
    r = client.post("/accounts/logout/")
    assert r.status_code == 302
    assert client.get("/stats/").status_code == 302


def test_open_redirect_is_refused(users):
    client = Client()
    r = client.post("/accounts/login/?next=https://evil.example/", {"username": "researcher",
                                                                     "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r.url == "/"
