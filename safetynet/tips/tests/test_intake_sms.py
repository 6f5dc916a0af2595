"""SMS gateways and the hotline post signed messages; what they cannot say clearly is kept for
an administrator, who retries it after fixing the cause or discards it."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from safetynet.agencies.models import Jurisdiction
from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.people import vault
from safetynet.tips import services
from safetynet.tips.intake import retry_dead_letter
from safetynet.tips.models import DeadLetter, Tip, TipIndicator

pytestmark = pytest.mark.django_db

SECRET = "test-shared-secret-0123456789"  # settings_test.SAFETYNET_INTAKE_SECRETS, source "gateway"
SENDER = "+91 98300 11111"


def _post(payload, *, source="gateway", secret=SECRET, content_type="application/json", signed_body=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"X-SafetyNet-Source": source}
    if secret is not None:
        digest = hmac.new(secret.encode(), signed_body or body, hashlib.sha256).hexdigest()
        headers["X-SafetyNet-Signature"] = f"sha256={digest}"
    return Client().post(reverse("intake:sms"), data=body, content_type=content_type, headers=headers)


def _sms(text, message_id="gw-1001", **extra):
    received = timezone.now() - datetime.timedelta(minutes=20)
    return {"id": message_id, "from": SENDER, "text": text, "received_at": received.isoformat(), **extra}


def _stored():
    return Tip.objects.count(), DeadLetter.objects.count(), AuditEvent.objects.count()


# --------------------------------------------------------------------------- accepted


def test_signed_sms_becomes_a_routed_tip_and_the_reply_does_not_echo_it(users):
    text = ("TIP N24P JOB agent at Bongaon bus stand offers hotel jobs in Mumbai to two girls, "
            "his phone 98300 55555, car WB 26 K 4321")
    message = _sms(text)
    response = _post(message)

    assert response.status_code == 201
    reply = response.json()
    assert set(reply) == {"reference", "receipt"}
    for echoed in ("agent", "Mumbai", "98300", "11111"):
        assert echoed not in response.content.decode()
    tip = Tip.objects.get(reference=reply["reference"])
    assert reply["reference"].startswith("TIP-N24P-")
    assert services.receipt_digest(reply["receipt"]) == tip.receipt_hash  # the receipt works on the status page
    assert (tip.channel, tip.category, tip.urgency, tip.jurisdiction.code) == ("sms", "recruitment", "routine",
                                                                              "IN-WB-N24P")
    assert set(tip.routings.values_list("agency__short_code", flat=True)) == {"AHTU-N24P"}
    assert tip.get_text("description") == text.split("JOB ", 1)[1]
    assert abs(tip.seen_at - datetime.datetime.fromisoformat(message["received_at"])) < datetime.timedelta(seconds=1)
    # Phone and vehicle numbers in the text are indicators that let tips meet.
    digests = set(TipIndicator.objects.filter(tip=tip).values_list("kind", "digest"))
    assert ("phone", vault.blind_index("phone", "9830055555")) in digests
    assert ("vehicle", vault.blind_index("vehicle", "WB26K4321")) in digests
    # The sender is the reporter: encrypted, shown to a triaging officer only through a logged reveal.
    assert "98300" not in tip.reporter.phone_enc
    revealed = services.reveal_reporter(actor=users["ahtu_n24p"], tip=tip)
    assert revealed["phone"] == SENDER and revealed["may_contact"] is False
    assert AccessEvent.objects.filter(person_code=tip.reference, actor=users["ahtu_n24p"]).exists()


def test_gateways_need_no_csrf_token(world):
    body = json.dumps(_sms("TIP N24P OTHER lodge owner hiding something")).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = Client(enforce_csrf_checks=True).post(
        reverse("intake:sms"), data=body, content_type="application/json",
        headers={"X-SafetyNet-Source": "gateway", "X-SafetyNet-Signature": f"sha256={digest}"})
    assert response.status_code == 201


def test_a_gateway_retry_gets_the_same_tip_and_receipt(world):
    first = _post(_sms("TIP KISH MISSING girl of 15 not home since Tuesday"))
    again = _post(_sms("TIP KISH MISSING girl of 15 not home since Tuesday"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Tip.objects.filter(reference=first.json()["reference"]).count() == 1
    assert Tip.objects.filter(idempotency_key="sms:gateway:gw-1001").count() == 1


@override_settings(SAFETYNET_INTAKE_SECRETS=f"gateway:{SECRET}, hotline-tool:another-secret-9876543210")
def test_the_same_message_id_from_two_sources_is_two_tips(world):
    one = _post(_sms("TIP N24P HELD girl locked in a room at a hotel", message_id="42"))
    two = _post(_sms("TIP N24P HELD boy locked in a shed", message_id="42", channel="hotline"),
                source="hotline-tool", secret="another-secret-9876543210")
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["reference"] != two.json()["reference"]
    assert Tip.objects.get(reference=two.json()["reference"]).channel == "hotline"


def test_form_encoded_hotline_call_happening_now(world):
    body = urlencode({"id": "call-77", "from": "09830012345", "channel": "hotline",
                      "text": "TIP PTRP BORDER NOW two girls in a white Bolero heading to the fence"}).encode()
    response = _post(body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201
    tip = Tip.objects.get(reference=response.json()["reference"])
    assert (tip.channel, tip.category, tip.urgency) == ("hotline", "border", "immediate")
    assert tip.jurisdiction.code == "IN-WB-N24P-PTRP"
    assert set(tip.routings.values_list("agency__short_code", flat=True)) == {"AHTU-N24P", "BSF-PTRP"}
    assert tip.get_text("description") == "two girls in a white Bolero heading to the fence"


@pytest.mark.parametrize(("text", "place", "category", "urgency"), [
    ("TIP KISH KAAM dalal taking boys to Surat", "IN-BR-KISH", "recruitment", "routine"),
    ("TIP N24P KAJ dalal at the station", "IN-WB-N24P", "recruitment", "routine"),
    ("tip n24p shadi a 14 year old is being married off on Friday", "IN-WB-N24P", "marriage", "routine"),
    ("TIP IN-WB-N24P BIYE groom from Haryana paid the family", "IN-WB-N24P", "marriage", "routine"),
    ("TIP PTRP SIMANA women taken across at night", "IN-WB-N24P-PTRP", "border", "urgent"),
    ("TIP Bongaon CHILD boys working at the brick kiln", "IN-WB-N24P-BONG", "child_labour", "routine"),
    ("TIP N24P BAL children in the zari unit", "IN-WB-N24P", "child_labour", "routine"),
    ("TIP N24P SHISHU children in the zari unit", "IN-WB-N24P", "child_labour", "routine"),
    ("TIP KISH LAPATA ABHI girl missing since the morning", "IN-BR-KISH", "missing", "immediate"),
    ("TIP N24P NIKHOJ my neighbour's daughter", "IN-WB-N24P", "missing", "urgent"),
    ("TIP North 24 Parganas HELD NOW girls locked in a hotel room", "IN-WB-N24P", "held", "immediate"),
    ("TIP N24P BANDI woman kept in a house", "IN-WB-N24P", "held", "urgent"),
    ("TIP N24P OTHER something is not right at the lodge", "IN-WB-N24P", "other", "routine"),
    ("TIP N24P কাজ এখন দালাল মেয়েদের নিয়ে যাচ্ছে", "IN-WB-N24P", "recruitment", "immediate"),
    ("TIP N24P \u09ac\u09bf\u09df\u09c7 typed with the precomposed য়", "IN-WB-N24P", "marriage", "routine"),
    ("TIP Kishanganj लापता लड़की कल से घर नहीं आई", "IN-BR-KISH", "missing", "urgent"),
])
def test_keywords_in_english_hindi_and_bengali(world, text, place, category, urgency):
    response = _post(_sms(text))
    assert response.status_code == 201, response.content
    tip = Tip.objects.get(reference=response.json()["reference"])
    assert (tip.jurisdiction.code, tip.category, tip.urgency) == (place, category, urgency)


# --------------------------------------------------------------------------- refused, nothing kept


@pytest.mark.parametrize("how", ["unsigned", "wrong secret", "unknown source", "no source", "other body",
                                 "not hex"])
def test_unsigned_or_wrongly_signed_posts_store_nothing(world, how):
    message = _sms("TIP N24P JOB agent at the bus stand")
    body = json.dumps(message).encode()
    before = _stored()
    if how == "unsigned":
        response = _post(body, secret=None)
    elif how == "wrong secret":
        response = _post(body, secret="guessed-secret")
    elif how == "unknown source":
        response = _post(body, source="somebody")
    elif how == "no source":
        response = _post(body, source="")
    elif how == "other body":  # a signature copied from another message
        response = _post(body, signed_body=json.dumps(_sms("TIP N24P OTHER hello")).encode())
    else:
        response = Client().post(reverse("intake:sms"), data=body, content_type="application/json",
                                 headers={"X-SafetyNet-Source": "gateway", "X-SafetyNet-Signature": "sha256=zz€"})
    assert response.status_code == 401
    assert "signature" in response.json()["error"]
    assert _stored() == before  # not even a dead letter: anyone could fill that table


def test_only_post_and_only_small_bodies(world):
    get = Client().get(reverse("intake:sms"))
    assert get.status_code == 405 and get["Allow"] == "POST"
    before = _stored()
    big = _post(_sms("TIP N24P JOB " + "x" * 17_000))
    assert big.status_code == 413
    assert _stored() == before


# --------------------------------------------------------------------------- signed but unreadable: dead letter


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"id": "gw-9", "text": "TIP N24P JOB agent', "not valid JSON"),
    (b'["TIP N24P JOB agent"]', "JSON object"),
    (json.dumps({"id": "gw-9", "from": SENDER}).encode(), "no text"),
    (json.dumps(_sms("please help my sister 98300 22222")).encode(), "must start with TIP"),
    (json.dumps(_sms("TIP Gaighata JOB agent 98300 22222")).encode(), "not a known district"),
    (json.dumps(_sms("TIP N24P TRUCK girls 98300 22222")).encode(), "not a category"),
    (json.dumps(_sms("TIP BANK JOB agent 98300 22222")).encode(), "IN-BR-BANK, IN-WB-BANK"),
    (json.dumps(_sms("TIP WB JOB agent 98300 22222")).encode(), "not only the state"),
    (json.dumps(_sms("TIP N24P JOB")).encode(), "describe what you saw"),
])
def test_signed_but_unreadable_messages_are_kept_as_dead_letters(world, body, expected):
    response = _post(body)

    assert response.status_code == 422
    reply = response.json()
    assert expected in reply["error"]
    assert "22222" not in response.content.decode() and "agent" not in response.content.decode()
    assert Tip.objects.count() == 0
    letter = DeadLetter.objects.get(public_id=reply["dead_letter"])
    assert (letter.channel, letter.state, letter.size) == ("sms", "waiting", len(body))
    assert letter.reason == reply["error"]
    assert letter.get_payload() == body  # kept whole, for a retry
    assert b"22222" not in letter.payload_enc.encode() and "22222" not in letter.reason
    assert AuditEvent.objects.filter(action="intake.dead_letter", object_id=str(letter.public_id)).exists()


# --------------------------------------------------------------------------- the dead-letter page


def _refused_sms(text="TIP GGHT JOB agent near Gaighata market, call 98300 22222", message_id="gw-555"):
    response = _post(_sms(text, message_id=message_id))
    assert response.status_code == 422
    return DeadLetter.objects.get(public_id=response.json()["dead_letter"])


def test_administrator_sees_refused_messages_but_never_their_content(client_for):
    letter = _refused_sms()
    page = client_for("admin").get(reverse("intake:dead-letters"))
    html = page.content.decode()
    assert page.status_code == 200
    assert letter.reason in html and "SMS" in html and "Waiting" in html
    for secret in ("98300", "22222", "Gaighata", "GGHT", "agent", SENDER):
        assert secret not in html
    assert client_for("ahtu_n24p").get(reverse("intake:dead-letters")).status_code == 404
    assert client_for("outsider").get(reverse("intake:dead-letters")).status_code == 404
    anonymous = Client().get(reverse("intake:dead-letters"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_retry_after_the_missing_place_was_added(users, client_for):
    letter = _refused_sms()
    # The administrator adds the police station the gateway's reporters use.
    Jurisdiction.objects.create(code="IN-WB-N24P-GGHT", name="Gaighata Police Station", level="station",
                                parent=Jurisdiction.objects.get(code="IN-WB-N24P"), short_code="GGHT")

    response = client_for("admin").post(reverse("intake:dead-letter-retry", args=[letter.public_id]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("intake:dead-letters")
    letter.refresh_from_db()
    assert letter.state == "retried" and letter.payload_enc == ""  # the content now lives in the tip only
    tip = letter.tip
    assert f"Processed: it is now tip {tip.reference}" in response.content.decode()
    assert (tip.jurisdiction.code, tip.channel, tip.submitted_by) == ("IN-WB-N24P-GGHT", "sms", None)
    assert set(tip.routings.values_list("agency__short_code", flat=True)) == {"AHTU-N24P"}
    assert tip.reporter.get_field("phone") == SENDER
    event = AuditEvent.objects.get(action="intake.retry", object_id=str(letter.public_id))
    assert event.actor == users["admin"] and event.changes["tip"] == tip.reference
    # The gateway sending the same message again finds that tip, not a copy.
    again = _post(_sms("TIP GGHT JOB agent near Gaighata market, call 98300 22222", message_id="gw-555"))
    assert again.status_code == 200 and again.json()["reference"] == tip.reference


def test_a_retry_that_still_fails_keeps_the_message_waiting(users, client_for):
    letter = _refused_sms()
    response = client_for("admin").post(reverse("intake:dead-letter-retry", args=[letter.public_id]), follow=True)
    assert "Still refused" in response.content.decode()
    letter.refresh_from_db()
    assert letter.state == "waiting" and letter.get_payload()
    assert Tip.objects.count() == 0
    event = AuditEvent.objects.get(action="intake.retry", object_id=str(letter.public_id))
    assert event.actor == users["admin"] and event.changes["result"] == "failed"


def test_discard_deletes_the_content_and_only_an_administrator_may(users, client_for):
    letter = _refused_sms()
    denied = client_for("ahtu_n24p").post(reverse("intake:dead-letter-discard", args=[letter.public_id]))
    assert denied.status_code == 404
    letter.refresh_from_db()
    assert letter.state == "waiting"
    with pytest.raises(PermissionDenied):
        retry_dead_letter(actor=users["ahtu_n24p"], letter=letter)

    response = client_for("admin").post(reverse("intake:dead-letter-discard", args=[letter.public_id]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == "discarded" and letter.payload_enc == ""
    assert AuditEvent.objects.filter(action="intake.discard", object_id=str(letter.public_id),
                                     actor=users["admin"]).exists()
    # A discarded message cannot come back.
    again = client_for("admin").post(reverse("intake:dead-letter-retry", args=[letter.public_id]), follow=True)
    assert "already handled" in again.content.decode()
    assert Tip.objects.count() == 0


def test_dead_letter_actions_are_post_only(client_for):
    letter = _refused_sms()
    assert client_for("admin").get(reverse("intake:dead-letter-retry", args=[letter.public_id])).status_code == 405
