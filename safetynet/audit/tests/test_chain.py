"""The audit trail is append-only and any edit or deletion behind the ORM's back is found."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.audit.services import verify_all
from safetynet.cases.models import Case

pytestmark = pytest.mark.django_db


def _verify() -> str:
    try:
        call_command("verify_audit")
    except CommandError:
        return "broken"
    return "intact"


def test_every_write_is_audited_with_before_and_after(n24p_case, users):
    from safetynet.cases import services

    services.update_case(actor=users["ahtu_n24p"], case=n24p_case, expected_version=n24p_case.version,
                         title="Girls moved through Petrapole, Nov")
    event = AuditEvent.objects.filter(action="case.update").order_by("-seq").first()
    assert event.actor_label == "ahtu.n24p"
    assert event.changes["title"] == {"before": "Girls moved through Petrapole",
                                      "after": "Girls moved through Petrapole, Nov"}
    actions = set(AuditEvent.objects.filter(object_id=str(n24p_case.public_id)).values_list("action", flat=True))
    assert {"case.open", "case.add_party", "case.add_note", "case.update"} <= actions
    # Identity values never enter the trail.
    dump = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    assert "Rahima" not in dump and "রহিমা" not in dump


def test_chain_verifies_when_untouched(n24p_case):
    assert all(r.ok for r in verify_all())
    assert _verify() == "intact"


def test_orm_refuses_to_edit_or_delete(n24p_case):
    event = AuditEvent.objects.order_by("-seq").first()
    event.action = "something.else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def _table(model) -> str:
    return model._meta.db_table


def test_edited_row_is_detected(n24p_case):
    target = AuditEvent.objects.filter(action="case.add_note").order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(AuditEvent)} SET actor_label = %s WHERE seq = %s",  # noqa: S608
                       ["someone-else", target.seq])
    report = verify_all()[0]
    assert not report.ok and report.broken_at == target.seq and "edited" in report.reason
    assert _verify() == "broken"


def test_deleted_row_is_detected(n24p_case):
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    victim_seq = events[len(events) // 2]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(AuditEvent)} WHERE seq = %s", [victim_seq])  # noqa: S608
    report = verify_all()[0]
    assert not report.ok and "deleted" in report.reason


def test_truncated_tail_is_detected(n24p_case):
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(AuditEvent)} WHERE seq = %s", [last.seq])  # noqa: S608
    report = verify_all()[0]
    assert not report.ok and "truncated" in report.reason


def test_access_chain_detects_edit(client_for, n24p_case):
    client_for("ahtu_n24p").post(f"/people/{n24p_case.victim.public_id}/identity/", {"purpose": "case work"})
    event = AccessEvent.objects.order_by("-seq").first()
    assert verify_all()[1].ok
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(AccessEvent)} SET purpose = %s WHERE seq = %s",  # noqa: S608
                       ["nothing to see", event.seq])
    assert not verify_all()[1].ok


def test_failed_write_leaves_no_audit_event(n24p_case, users):
    from django.core.exceptions import ValidationError

    from safetynet.cases import services

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.change_status(actor=users["ahtu_n24p"], case=n24p_case, expected_version=n24p_case.version,
                               status="in_trial")  # reported -> in_trial is not allowed
    assert AuditEvent.objects.count() == before
    assert Case.objects.get(pk=n24p_case.pk).status == "reported"


def test_head_sees_own_agency_audit_admin_sees_all(client_for, n24p_case, kish_case):
    head = client_for("head_n24p").get("/audit/?kind=changes").content.decode()
    assert "case.open" in head and "ahtu.n24p" in head
    assert "ahtu.kish" not in head  # Kishanganj's trail is not N24P's business
    admin = client_for("admin").get("/audit/?kind=changes").content.decode()
    assert "ahtu.kish" in admin and "ahtu.n24p" in admin
    assert client_for("ahtu_n24p").get("/audit/").status_code == 404
    assert client_for("researcher").get("/audit/").status_code == 404


def test_admin_audits_who_did_what_but_not_what_was_written(client_for, users, n24p_case):
    """A case title can hold a name ("Rahima's case"): the head reads it, the administrator does not."""
    from safetynet.cases import services

    services.update_case(actor=users["ahtu_n24p"], case=n24p_case, expected_version=n24p_case.version,
                         title="Rahima Khatun — Petrapole")
    head = client_for("head_n24p").get("/audit/?kind=changes").content.decode()
    assert "Rahima Khatun — Petrapole" in head
    admin = client_for("admin")
    changes = admin.get("/audit/?kind=changes").content.decode()
    assert "case.update" in changes and "ahtu.n24p" in changes and "<li>title</li>" in changes
    assert "Rahima" not in changes and "Girls moved through Petrapole" not in changes
    assert "Values hidden" in changes
    # Administrative changes stay readable in full.
    assert "user.save" in changes or "agency.save" in changes or "membership.save" in changes
    client_for("ahtu_n24p").post(f"/people/{n24p_case.victim.public_id}/identity/",
                                 {"purpose": "statement for Rahima"})
    access = admin.get("/audit/?kind=access").content.decode()
    assert n24p_case.victim.code in access and "statement for Rahima" not in access
    assert "statement for Rahima" in client_for("head_n24p").get("/audit/?kind=access").content.decode()
