"""The tip pages over HTTP: the public form and receipt, the status check, the vigilance
form, the triage queue and its actions; who may see what."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.tips.models import Tip

pytestmark = pytest.mark.django_db

FORM = {"category": "border", "happening_now": "on", "jurisdiction": "IN-WB-N24P-PTRP",
        "place": "Petrapole bus stand", "description": "Two girls crying in a white Bolero going to the border.",
        "people": "Two girls about 15, one man in a red shirt", "vehicles": "WB 26 K 4321",
        "phones": "98300 55555", "reporter_name": "", "reporter_phone": "", "idempotency_key": "form:test-1"}


def _receipt(html: str) -> str:
    return re.search(r'id="receipt-code">([A-Z0-9-]+)<', html).group(1)


def test_public_report_gives_a_receipt_and_stores_no_address(world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    page = client.get("/report/").content.decode()
    assert 'name="idempotency_key"' in page and "Petrapole border sector — North 24 Parganas" in page
    r = client.post("/report/", FORM)
    assert r.status_code == 201
    receipt = _receipt(r.content.decode())
    tip = Tip.objects.get()
    assert tip.channel == "web" and tip.urgency == "immediate" and tip.submitted_by is None
    assert not hasattr(tip, "reporter") or tip.reporter is None
    # Pressing "Send" twice (same rendered form) gives the same receipt and no second tip.
    again = client.post("/report/", FORM)
    assert again.status_code == 200 and _receipt(again.content.decode()) == receipt and Tip.objects.count() == 1
    # Nothing about the sender's address or device anywhere in the tip or its audit event.
    event = AuditEvent.objects.get(action="tip.submit")
    stored = " ".join(str(v) for v in Tip.objects.values().get().values()) + str(event.changes)
    assert "203.0.113.9" not in stored and "Bolero" not in stored


def test_form_errors_are_clear_and_store_nothing(world):
    client = Client()
    r = client.post("/report/", {**FORM, "jurisdiction": "", "description": "", "people": "", "vehicles": "",
                                 "phones": "", "category": ""})
    assert r.status_code == 400
    page = r.content.decode()
    assert "This field is required." in page or "Choose" in page
    assert Tip.objects.count() == 0


def test_honeypot_gets_a_receipt_but_nothing_is_stored(world):
    r = Client().post("/report/", {**FORM, "website": "http://spam.example", "idempotency_key": "form:bot"})
    assert r.status_code == 201 and _receipt(r.content.decode())
    assert Tip.objects.count() == 0


def test_public_form_is_rate_limited_per_client(world, settings):
    settings.SAFETYNET_TIP_RATE = "2/h"
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(2):
        assert client.post("/report/", {**FORM, "idempotency_key": f"form:rl-{i}"}).status_code == 201
    r = client.post("/report/", {**FORM, "idempotency_key": "form:rl-3"})
    assert r.status_code == 429 and "112" in r.content.decode()
    assert Tip.objects.count() == 2
    # Another connection is not affected.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post("/report/", {**FORM, "idempotency_key": "form:rl-4"}).status_code == 201


def test_status_page_shows_the_state_and_nothing_else(users):
    client = Client()
    receipt = _receipt(client.post("/report/", FORM).content.decode())
    tip = Tip.objects.get()
    page = client.post("/report/status/", {"receipt": receipt.lower().replace("-", " ")}).content.decode()
    assert "waiting to be looked at" in page
    for secret in ("Bolero", "WB 26", "98300", "Petrapole", tip.reference, "AHTU", str(tip.public_id)):
        assert secret not in page, secret
    from safetynet.tips import services

    services.acknowledge(actor=users["ahtu_n24p"], tip=tip, expected_version=tip.version)
    assert "The police are looking into it." in client.post("/report/status/", {"receipt": receipt}).content.decode()
    wrong = client.post("/report/status/", {"receipt": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "No report has this code" in wrong.content.decode()
    assert client.get(f"/report/status/?receipt={receipt}").content.decode().count("looking into") == 0


def test_status_checks_are_limited_per_receipt(world, settings):
    receipt = _receipt(Client().post("/report/", FORM).content.decode())
    statuses = [Client(REMOTE_ADDR=f"192.0.2.{i}").post("/report/status/", {"receipt": receipt}).status_code
                for i in range(22)]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429, 429]


def test_vigilance_member_reports_with_committee_and_sees_own_status(client_for, users):
    client = client_for("reporter")
    r = client.post("/report/vigilance/", {**FORM, "jurisdiction": "IN-BR-KISH", "category": "marriage",
                                           "happening_now": "", "idempotency_key": "form:vig-1"})
    assert r.status_code == 302
    tip = Tip.objects.get()
    assert tip.channel == "vigilance" and tip.submitted_by == users["reporter"]
    assert tip.committee.short_code == "NGO-KISH"
    page = client.get("/report/vigilance/").content.decode()
    assert tip.reference in page and "waiting to be looked at" in page
    assert client_for("researcher").get("/report/vigilance/").status_code == 404


def test_triage_queue_detail_and_actions(client_for, users):
    Client().post("/report/", {**FORM, "reporter_phone": "+91 98300 44444", "may_contact": "on"})
    Client().post("/report/", {**FORM, "idempotency_key": "form:test-2", "vehicles": "wb26k4321",
                               "happening_now": ""})
    first, second = Tip.objects.order_by("received_at", "id")
    officer = client_for("ahtu_n24p")
    queue = officer.get("/tips/").content.decode()
    assert first.reference in queue and second.reference in queue
    assert queue.index(first.reference) < queue.index(second.reference)  # immediate first
    assert "Related:" in queue  # same vehicle
    page = officer.get(f"/tips/{first.public_id}/").content.decode()
    assert "Two girls crying" in page and "98300 44444" not in page and "Show reporter" in page
    before = AccessEvent.objects.count()
    shown = officer.post(f"/tips/{first.public_id}/reporter/", HTTP_HX_REQUEST="true").content.decode()
    assert "98300 44444" in shown and AccessEvent.objects.count() == before + 1
    r = officer.post(f"/tips/{first.public_id}/acknowledge/", {"version": first.version})
    assert r.status_code == 302
    stale = officer.post(f"/tips/{first.public_id}/verify/", {"version": first.version}, follow=True)
    assert "Someone else changed this record" in stale.content.decode()
    r = officer.post(f"/tips/{second.public_id}/merge/", {"version": second.version, "into": first.public_id})
    assert r.status_code == 302
    first.refresh_from_db()
    r = officer.post(f"/tips/{first.public_id}/convert/", {"version": first.version, "title": "Border interception",
                                                            "kind": "sexual_exploitation"})
    first.refresh_from_db()
    assert first.status == "converted" and r.url == f"/cases/{first.case.public_id}/"
    # The border post it was routed to sees it too; other districts and non-triage roles do not.
    assert client_for("bsf_petrapole").get(f"/tips/{first.public_id}/").status_code == 200
    for persona in ("ahtu_kish", "ngo_n24p", "researcher", "admin", "reporter", "police_bongaon"):
        assert client_for(persona).get(f"/tips/{first.public_id}/").status_code == 404, persona
        assert first.reference not in client_for(persona).get("/tips/").content.decode()
