"""The intake queue: a public report is stored and answered at once, and filed (routed,
numbered, alerted, audited) by the filer, in batches, exactly once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from safetynet.audit.models import AuditEvent
from safetynet.audit.services import verify_chain
from safetynet.core.models import next_serial
from safetynet.notifications.models import Notification
from safetynet.tips import services
from safetynet.tips.models import Tip, TipEvent, TipIndicator
from safetynet.tips.services import TipInput

from .test_pages import FORM, _receipt

pytestmark = pytest.mark.django_db


def _deferred(place: str, key: str, **extra) -> Tip:
    data = TipInput(category=extra.pop("category", "recruitment"), jurisdiction_code=place,
                    description=extra.pop("description", "An agent at the bus stand, phone 98300 11111."), **extra)
    tip, _receipt, created = services.submit_tip(actor=None, channel="web", data=data, idempotency_key=key,
                                                 defer_filing=True)
    assert created
    return tip


def test_a_queued_tip_waits_unseen_until_the_filer_files_it(users, client_for):
    tip = _deferred("IN-WB-N24P", "queue:1", phones="98300 22222")
    tip.refresh_from_db()
    assert tip.filed_at is None and tip.reference is None
    assert not tip.routings.exists() and not TipIndicator.objects.filter(tip=tip).exists()
    assert not AuditEvent.objects.filter(object_id=str(tip.public_id)).exists()
    # Nobody triages a tip that is not yet routed: the queue does not list it, its page is 404.
    officer = client_for("ahtu_n24p")
    assert str(tip.public_id) not in officer.get("/tips/").content.decode()
    assert officer.get(f"/tips/{tip.public_id}/").status_code == 404

    assert services.file_tips() == 1
    tip.refresh_from_db()
    assert tip.filed_at is not None and tip.reference.startswith("TIP-N24P-")
    assert set(tip.routings.values_list("agency__short_code", flat=True)) == {"AHTU-N24P"}
    assert TipIndicator.objects.filter(tip=tip, kind="phone").count() == 2  # the phones field and the description
    assert TipEvent.objects.get(tip=tip).at == tip.received_at  # the timeline keeps the time it arrived
    audit = AuditEvent.objects.get(action="tip.submit", object_id=str(tip.public_id))
    assert audit.changes["routed_to"] == ["AHTU-N24P"] and audit.actor_label == "system"
    assert Notification.objects.filter(user=users["ahtu_n24p"], link=f"/tips/{tip.public_id}/").exists()
    page = officer.get(f"/tips/{tip.public_id}/")
    assert page.status_code == 200 and tip.reference in page.content.decode()
    # Filing twice files nothing twice.
    assert services.file_tips() == 0 and services.file_tips(only=[tip.pk]) == 0
    assert tip.routings.count() == 1 and AuditEvent.objects.filter(action="tip.submit").count() == 1


def test_one_batch_numbers_each_district_in_order_and_keeps_the_audit_chain(users):
    before = AuditEvent.objects.count()
    places = ["IN-WB-N24P", "IN-BR-KISH", "IN-WB-N24P-PTRP", "IN-WB-N24P", "IN-BR-KISH-GLGL", "IN-WB-NADI"]
    tips = [_deferred(place, f"batch:{i}") for i, place in enumerate(places)]
    assert services.file_tips(limit=4) == 4  # oldest first, at most the limit
    assert services.file_tips(limit=4) == 2
    refs = {t.pk: t.reference for t in Tip.objects.filter(pk__in=[t.pk for t in tips])}
    n24p = [refs[t.pk] for t in tips if t.jurisdiction.code.startswith("IN-WB-N24P")]
    year = tips[0].received_at.year
    assert [r.rsplit("-", 1)[0] for r in n24p] == [f"TIP-N24P-{year}"] * 3
    assert [int(r.rsplit("-", 1)[1]) for r in n24p] == sorted(int(r.rsplit("-", 1)[1]) for r in n24p)
    assert len(set(refs.values())) == 6
    # A border-sector tip also reaches the border post; a district without an AHTU, the state's.
    assert {"AHTU-N24P", "BSF-PTRP"} == set(tips[2].routings.values_list("agency__short_code", flat=True))
    assert tips[5].routings.count() == 5
    assert AuditEvent.objects.count() == before + 6
    assert verify_chain(AuditEvent, "audit").ok


def test_public_form_in_worker_mode_answers_before_filing(users, settings):
    settings.SAFETYNET_TIP_FILING = "worker"
    client = Client()
    r = client.post("/report/", FORM)
    assert r.status_code == 201
    receipt = _receipt(r.content.decode())
    tip = Tip.objects.get()
    assert tip.filed_at is None
    # The reporter can check it at once, and a retry of the same form gives the same receipt.
    assert "waiting to be looked at" in client.post("/report/status/", {"receipt": receipt}).content.decode()
    again = client.post("/report/", FORM)
    assert again.status_code == 200 and _receipt(again.content.decode()) == receipt and Tip.objects.count() == 1

    out = io.StringIO()
    call_command("file_tips", stdout=out)
    assert "1 tip(s) filed" in out.getvalue()
    tip.refresh_from_db()
    assert tip.reference and tip.routings.count() == 2
    # "Happening now" at a border sector: an urgent alert for the AHTU and the border post.
    assert Notification.objects.filter(urgent=True, link=f"/tips/{tip.public_id}/").count() >= 2
    again = client.post("/report/", FORM)
    assert again.status_code == 200 and _receipt(again.content.decode()) == receipt


def test_escalate_tips_files_what_the_filer_left(users):
    tip = _deferred("IN-BR-KISH", "straggler:1")
    err = io.StringIO()
    call_command("escalate_tips", stdout=io.StringIO(), stderr=err)
    assert "1 tip(s) were still waiting to be filed" in err.getvalue()
    tip.refresh_from_db()
    assert tip.filed_at is not None and tip.routings.filter(agency__short_code="AHTU-KISH").exists()


def test_serials_are_reserved_in_blocks():
    assert next_serial("TEST-BLOCK", 3) == 1
    assert next_serial("TEST-BLOCK") == 4
    assert next_serial("TEST-BLOCK", 2) == 5
    assert next_serial("TEST-OTHER") == 1
