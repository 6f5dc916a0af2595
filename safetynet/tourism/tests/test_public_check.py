"""The public check at /tourism/check/: anyone may ask whether an establishment is a signatory in
good standing. It must never show a focal point's name, phone or email, a review's findings,
the number of staff trained, the keeping agency or the reason of a suspension — whatever the
query — and it must not become a way to list the register."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from safetynet.tourism import services
from safetynet.tourism.public import MAX_RESULTS

pytestmark = pytest.mark.django_db

URL = "/tourism/check/"
# Everything about the register that is not for the public.
POINTS = [("Karma Bhutia", "Front office manager", "+91 94340 55501", "karma.b@teestavalley.example"),
          ("Deki Lepcha", "Housekeeping supervisor", "+91 94340 55502", "deki.lepcha@teestavalley.example")]
FINDINGS = "Minors checked in with an unrelated adult in room 12 without identity checks."
SUSPENSION = "Owner under police inquiry for harbouring."
STAFF = 4321
TOPIC = "Training topic known only to staff"


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def register(users, jurisdictions):
    ngo = users["ngo_n24p"]
    teesta = services.register_signatory(actor=ngo, name="Hotel Teesta Valley", kind="hotel", town="Kalimpong",
                                         jurisdiction=jurisdictions["IN-WB-DARJ"], pledged_on=ago(900),
                                         registration_number="WB-DJ-HTL-7788")
    for name, role, phone, email in POINTS:
        services.add_focal_point(actor=ngo, signatory=teesta, name=name, role=role, phone=phone, email=email)
    services.record_training(actor=ngo, signatory=teesta, held_on=ago(40), staff_trained=STAFF, topic=TOPIC)
    services.record_review(actor=ngo, signatory=teesta, reviewed_on=ago(200), outcome="compliant")
    services.record_review(actor=ngo, signatory=teesta, reviewed_on=ago(20), outcome="minor", findings=FINDINGS)
    park = services.register_signatory(actor=ngo, name="Park Street Residency", kind="hotel", town="Kolkata",
                                       jurisdiction=jurisdictions["IN-WB-KOLK"], pledged_on=ago(300))
    services.add_focal_point(actor=ngo, signatory=park, name="Sudipta Banerjee", role="General manager",
                             phone="+91 98310 45500")
    services.record_review(actor=ngo, signatory=park, reviewed_on=ago(10), outcome="major", findings=FINDINGS,
                           follow_up_due=ago(-30))
    howrah = services.register_signatory(actor=ngo, name="Howrah Express Travels", kind="travel_agent",
                                         town="Kolkata", jurisdiction=jurisdictions["IN-WB-KOLK"], pledged_on=ago(30))
    services.change_state(actor=ngo, signatory=howrah, expected_version=howrah.version, action="suspend",
                          reason=SUSPENSION)
    return {"teesta": teesta, "park": park, "howrah": howrah}


def _secrets(register) -> list[str]:
    out = [FINDINGS, SUSPENSION, TOPIC, str(STAFF), "Sudipta", "98310", "Nari Suraksha Samiti", "NGO-N24P"]
    for name, role, phone, email in POINTS:
        out += [name, name.split()[0], name.split()[1], role, phone, phone.replace(" ", ""), phone[-5:], email,
                email.split("@")[0]]
    return out


def _results(body: str) -> list[str]:
    return re.findall(r"<h3>(.*?)</h3>", body)


def test_the_public_page_leaks_no_personal_data(register):
    client = Client()  # never signed in
    secrets = _secrets(register)
    queries = [{"q": "Teesta"}, {"q": "hotel"}, {"q": "tee"}, {"q": "Kalimpong"}, {"q": "WB-DJ-HTL-7788"},
               {"q": register["teesta"].certificate}, {"q": "Karma Bhutia"}, {"q": "94340"},
               {"q": "teestavalley.example"}, {"q": "room 12"}, {"q": "Park", "place": "Kolkata"},
               {"q": "Howrah"}, {"q": "harbouring"}, {"q": "Residency", "place": "Darjeeling"},
               {"q": "Hotel", "place": "Kalimpong"}, {"q": "<script>"}, {"q": "%"}, {"q": "___"},
               {"q": "a" * 200}, {"q": "ho"}, {}]
    with override_settings(SAFETYNET_TOURISM_CHECK_RATE="1000/h"):
        for params in queries:
            for language in ("en", "hi"):
                client.cookies["django_language"] = language
                response = client.get(URL, params)
                assert response.status_code in (200, 400), params
                # What the visitor typed is echoed (search box, the language switcher's return address); nothing else.
                body = re.sub(r'<input[^>]*name="(q|place|next)"[^>]*>', "", response.content.decode())
                leaked = [s for s in secrets if s in body]
                assert not leaked, f"{params}: {leaked}"
                assert response["Cache-Control"] == "no-store, private"
    # Searching for a focal point's name or a finding finds nothing: those fields are not searched.
    client.cookies["django_language"] = "en"
    for q in ("Karma Bhutia", "94340", "room 12", "harbouring"):
        assert "Not found: no signatory matches." in client.get(URL, {"q": q}).content.decode()


def test_it_answers_yes_no_and_not_found_with_the_last_review(register):
    body = Client().get(URL, {"q": "teesta"}).content.decode()
    assert _results(body) == ["Hotel Teesta Valley"]
    assert "Signatory in good standing: yes" in body
    assert f"pledged in {ago(900).year}" in body
    assert "Hotel · Kalimpong, Darjeeling" in body
    assert f"Last compliance review: {ago(20):%d %b %Y}" in body
    for q in ("Park Street", "Howrah"):  # a major finding open; suspended: both simply "no"
        body = Client().get(URL, {"q": q}).content.decode()
        assert "Signatory in good standing: no" in body
        assert "Major finding open" not in body and 'class="standing' not in body  # no staff standing
    assert "Not found: no signatory matches." in Client().get(URL, {"q": "Taj Bengal"}).content.decode()
    assert "What “good standing” means" in Client().get(URL).content.decode()


def test_search_by_certificate_or_registration_number_and_by_place(register):
    for q in (register["teesta"].certificate.lower(), "wb-dj-htl-7788"):
        assert _results(Client().get(URL, {"q": q}).content.decode()) == ["Hotel Teesta Valley"]
    # A part of a number finds nothing (numbers are matched whole).
    assert _results(Client().get(URL, {"q": "7788"}).content.decode()) == []
    assert _results(Client().get(URL, {"q": "Residency", "place": "kolkata"}).content.decode()) == [
        "Park Street Residency"]
    assert _results(Client().get(URL, {"q": "Residency", "place": "Darjeeling"}).content.decode()) == []
    assert _results(Client().get(URL, {"q": "hotel", "place": "Darjeeling"}).content.decode()) == [
        "Hotel Teesta Valley"]


def test_a_short_query_is_refused_with_a_message(register):
    for q in ("", "ab", " a b ", "  "):
        response = Client().get(URL, {"q": q})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Write at least 3 letters of the name" in body
        assert _results(body) == []


def test_at_most_ten_results(users, jurisdictions):
    ngo = users["ngo_n24p"]
    for i in range(MAX_RESULTS + 3):
        services.register_signatory(actor=ngo, name=f"Mirik Lake Hotel {i:02d}", kind="hotel", town="Mirik",
                                    jurisdiction=jurisdictions["IN-WB-DARJ"], pledged_on=ago(5))
    body = Client().get(URL, {"q": "Mirik"}).content.decode()
    assert len(_results(body)) == MAX_RESULTS
    assert "More than 10 establishments match" in body


@override_settings(SAFETYNET_TOURISM_CHECK_RATE="5/h")
def test_rate_limited_per_connection(register):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert client.get(URL, {"q": "teesta"}).status_code == 200
    refused = client.get(URL, {"q": "teesta"})
    assert refused.status_code == 429
    assert "Too many checks from this connection" in refused.content.decode()
    assert "Teesta" not in refused.content.decode()
    # The empty form is not counted, and another connection is not held back.
    assert client.get(URL).status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.8").get(URL, {"q": "teesta"}).status_code == 200


def test_works_without_sign_in_in_every_language(register):
    client = Client()
    for language in ("hi", "bn", "ne"):
        response = client.post(reverse("set_language"), {"language": language, "next": URL})
        assert response.status_code == 302
        page = client.get(URL, {"q": "teesta"})
        assert page.status_code == 200
        assert f'<html lang="{language}">' in page.content.decode()
        assert "Hotel Teesta Valley" in page.content.decode()
    assert client.post(URL, {"q": "teesta"}).status_code == 405
