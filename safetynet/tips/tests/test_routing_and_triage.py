"""Tips: routing for each kind of place, idempotent intake, triage actions, escalation."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.notifications.models import Notification, SmsOutbox
from safetynet.tips import services
from safetynet.tips.models import RoutingRule, Tip, TipReporter
from safetynet.tips.services import TipInput

pytestmark = pytest.mark.django_db


def _tip(place="IN-WB-N24P", category="recruitment", now=None, key=None, actor=None, **extra):
    data = TipInput(category=category, jurisdiction_code=place,
                    description=extra.pop("description", "A man offering jobs in Mumbai to girls at the tea stall."),
                    **extra)
    tip, receipt, _created = services.submit_tip(actor=actor, channel="web", data=data, idempotency_key=key, now=now)
    return tip, receipt


def _routed(tip) -> set[str]:
    return set(tip.routings.values_list("agency__short_code", flat=True))


def test_routing_for_each_kind_of_place(world):
    assert _routed(_tip("IN-WB-N24P")[0]) == {"AHTU-N24P"}  # district with an AHTU
    assert _routed(_tip("IN-WB-N24P-BONG")[0]) == {"AHTU-N24P"}  # a police station below it
    assert _routed(_tip("IN-WB-N24P-PTRP", "border")[0]) == {"AHTU-N24P", "BSF-PTRP"}  # border sector
    assert _routed(_tip("IN-BR-KISH-GLGL", "border")[0]) == {"AHTU-KISH", "SSB-GLGL"}  # India–Nepal sector
    # A district without its own AHTU goes to the state's AHTUs.
    assert _routed(_tip("IN-WB-NADI")[0]) == {"AHTU-N24P", "AHTU-S24P", "AHTU-MURS", "AHTU-KOLK", "AHTU-DARJ"}
    # A routing rule replaces the default for that place and below.
    from safetynet.agencies.models import Agency, Jurisdiction

    RoutingRule.objects.create(jurisdiction=Jurisdiction.objects.get(code="IN-WB-NADI"),
                               agency=Agency.objects.get(short_code="AHTU-MURS"))
    assert _routed(_tip("IN-WB-NADI")[0]) == {"AHTU-MURS"}
    # Bangladesh has no AHTU in the demo: kept, unrouted, for an administrator to see.
    tip, _receipt = _tip("BD-KHU-SATK") if Jurisdiction.objects.filter(code="BD-KHU-SATK").exists() else (None, None)
    if tip is not None:
        assert _routed(tip) == set()


def test_urgency_sets_the_acknowledgement_deadline(world):
    now = timezone.now()
    moving, _r = _tip("IN-WB-N24P-PTRP", "border", now=now, happening_now=True)
    assert moving.urgency == "immediate" and moving.ack_due_at == now + datetime.timedelta(minutes=30)
    routine, _r = _tip(now=now)
    assert routine.urgency == "routine" and routine.ack_due_at == now + datetime.timedelta(hours=24)


def test_content_is_encrypted_and_retries_do_not_duplicate(world):
    tip, receipt = _tip(key="device-key-1", phones="+91 98300 12345", reporter={"name": "Anita", "phone": "9830011111"})
    again, receipt_again, created = services.submit_tip(
        actor=None, channel="offline", data=TipInput(category="recruitment", jurisdiction_code="IN-WB-N24P",
                                                     description="the same report, sent again"),
        idempotency_key="device-key-1")
    assert again.pk == tip.pk and receipt_again == receipt and created is False
    assert Tip.objects.count() == 1
    raw = Tip.objects.filter(pk=tip.pk).values_list("description_enc", "phones_enc").get()
    assert "Mumbai" not in raw[0] and "98300" not in raw[1]
    assert tip.get_text("description").startswith("A man offering jobs")
    assert "Anita" not in TipReporter.objects.values_list("name_enc", flat=True).get()


def test_bad_input_changes_nothing(world):
    before = (Tip.objects.count(), AuditEvent.objects.count())
    for data in (TipInput(category="aliens", jurisdiction_code="IN-WB-N24P", description="x"),
                 TipInput(category="other", jurisdiction_code="XX-NOWHERE", description="x"),
                 TipInput(category="other", jurisdiction_code="IN-WB", description="x"),
                 TipInput(category="other", jurisdiction_code="IN-WB-N24P", description=""),
                 TipInput(category="other", jurisdiction_code="IN-WB-N24P", description="x" * 5000),
                 TipInput(category="other", jurisdiction_code="IN-WB-N24P", description="x", latitude="91"),
                 TipInput(category="other", jurisdiction_code="IN-WB-N24P", description="x",
                          seen_at=timezone.now() + datetime.timedelta(days=2))):
        with pytest.raises(ValidationError):
            services.submit_tip(actor=None, channel="web", data=data)
    assert (Tip.objects.count(), AuditEvent.objects.count()) == before


def test_triage_actions_and_access(users):
    tip, _r = _tip("IN-WB-N24P-PTRP", "border", reporter={"phone": "+91 98300 22222", "may_contact": True})
    officer = users["ahtu_n24p"]
    for outsider in ("ahtu_kish", "researcher", "ngo_n24p", "admin", "reporter"):
        assert not Tip.objects.visible_to(users[outsider]).filter(pk=tip.pk).exists(), outsider
        with pytest.raises(PermissionDenied):
            services.acknowledge(actor=users[outsider], tip=tip, expected_version=tip.version)
    assert Tip.objects.visible_to(users["bsf_petrapole"]).filter(pk=tip.pk).exists()  # routed to the post
    tip = services.acknowledge(actor=officer, tip=tip, expected_version=tip.version)
    assert tip.status == "acknowledged" and tip.acknowledged_at is not None
    from safetynet.core.models import StaleEdit

    with pytest.raises(StaleEdit):
        services.verify(actor=users["bsf_petrapole"], tip=tip, expected_version=tip.version - 1)
    before = AccessEvent.objects.count()
    contact = services.reveal_reporter(actor=officer, tip=tip)
    assert contact["phone"] == "+91 98300 22222" and AccessEvent.objects.count() == before + 1
    case = services.convert_to_case(actor=officer, tip=tip, expected_version=tip.version, title="Border movement")
    tip.refresh_from_db()
    assert tip.status == "converted" and tip.case == case and case.owning_agency.short_code == "AHTU-N24P"
    assert AuditEvent.objects.filter(action="tip.convert", object_id=str(tip.public_id)).exists()


def test_merge_and_close(users):
    officer = users["ahtu_n24p"]
    first, _r = _tip(vehicles="WB 02 AB 1234")
    second, _r = _tip(vehicles="wb02ab1234")
    second = services.merge(actor=officer, tip=second, expected_version=second.version, into=first)
    assert second.status == "merged" and second.merged_into == first
    with pytest.raises(ValidationError):
        services.close(actor=officer, tip=second, expected_version=second.version, reason="not_trafficking")
    first = services.close(actor=officer, tip=first, expected_version=first.version, reason="not_enough")
    assert first.status == "closed" and first.close_reason == "not_enough"


def test_unacknowledged_tip_escalates_to_the_head(users, django_capture_on_commit_callbacks):
    users["head_n24p"].email = "head@ahtu-n24p.example"
    users["head_n24p"].mobile = "+91 90000 00001"
    users["head_n24p"].save()
    start = timezone.now()
    tip, _r = _tip("IN-WB-N24P-PTRP", "border", now=start, happening_now=True)
    officers_told = Notification.objects.filter(user=users["ahtu_n24p"], link__contains=str(tip.public_id))
    assert officers_told.exists() and officers_told.get().urgent
    assert services.escalate_overdue(now=start + datetime.timedelta(minutes=29)) == []
    with django_capture_on_commit_callbacks(execute=True):  # email and SMS go out after commit
        escalated = services.escalate_overdue(now=start + datetime.timedelta(minutes=31))
    assert escalated == [tip]
    note = Notification.objects.get(user=users["head_n24p"], link__contains=str(tip.public_id),
                                    message__contains="not been acknowledged")
    assert note.urgent and note.emailed_at and note.texted_at
    assert any(tip.reference in m.body for m in mail.outbox if "head@ahtu-n24p.example" in m.to)
    sms = SmsOutbox.objects.get(to="+91 90000 00001", body__contains="not been acknowledged")
    assert tip.reference in sms.body
    assert services.escalate_overdue(now=start + datetime.timedelta(minutes=45)) == []  # only once


def test_tip_becomes_a_rescue_request_or_a_missing_person_report(users, client_for):
    from safetynet.access.lookups import get_tip_for  # noqa: F401  (the pages use it; here the services)
    from safetynet.missing.models import MissingPersonReport
    from safetynet.rescues.models import RescueOperation

    officer = users["ahtu_n24p"]
    held, _r = _tip("IN-WB-N24P-BONG", "held", description="Girls locked in a house behind the bus stand.")
    with pytest.raises(ValidationError):
        services.convert_to_rescue(actor=officer, tip=held, expected_version=held.version, reason="  ")
    rescue = services.convert_to_rescue(actor=officer, tip=held, expected_version=held.version,
                                        reason="Verified by the beat constable: three girls inside.")
    held.refresh_from_db()
    assert held.status == "converted" and held.converted_to == "rescue" and rescue.source_tip == held
    assert rescue.owning_agency.short_code == "AHTU-N24P" and rescue.reference.startswith("RESC-AHTU-N24P-")
    page = client_for("ahtu_n24p").get(f"/tips/{held.public_id}/").content.decode()
    assert rescue.reference in page

    missing_tip, _r = _tip("IN-WB-N24P", "missing", people="Girl of 14, green salwar, speaks Bengali",
                           description="Not seen since the fair.")
    report = services.convert_to_missing(actor=officer, tip=missing_tip, expected_version=missing_tip.version)
    assert report.source_tip == missing_tip and "green salwar" in report.get_text("description")
    assert "green salwar" not in MissingPersonReport.objects.values_list("description_enc", flat=True).get()
    before = AccessEvent.objects.count()
    page = client_for("ahtu_n24p").get(f"/missing/{report.public_id}/").content.decode()
    assert "green salwar" in page and AccessEvent.objects.count() == before + 1
    for persona in ("ahtu_kish", "ngo_n24p", "researcher", "admin"):
        assert client_for(persona).get(f"/missing/{report.public_id}/").status_code == 404
        assert client_for(persona).get(f"/rescues/{rescue.public_id}/").status_code == 404
    assert RescueOperation.objects.visible_to(users["ahtu_kish"]).count() == 0


def test_alert_count_is_hidden_until_the_second_factor(users):
    from django.test import Client

    from safetynet.core.demo import DEMO_PASSWORD

    _tip("IN-WB-N24P-PTRP", "border", happening_now=True)  # alerts the N24P officers
    client = Client()
    client.post("/accounts/login/", {"username": "ahtu.n24p", "password": DEMO_PASSWORD})
    page = client.get("/accounts/verify/").content.decode()
    assert 'class="count"' not in page and "Alerts" not in page
