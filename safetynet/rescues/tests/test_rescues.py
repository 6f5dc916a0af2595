"""Rescue operations: the plan is the team's secret until the operation ends, the SOP team
check, the outcome that registers victims and suspects, and the CWC's 24 hours."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.agencies.models import Jurisdiction
from safetynet.audit.models import AuditEvent
from safetynet.cases.models import CaseParty
from safetynet.conftest import signed_in
from safetynet.notifications.models import Notification
from safetynet.prosecution.models import Accused
from safetynet.rescues import services
from safetynet.rescues.models import ChildProduction, RescueOperation

pytestmark = pytest.mark.django_db

TARGET = "Second floor above the Sonali hotel, Petrapole road"


@pytest.fixture
def rescue(users):
    officer = users["ahtu_n24p"]
    rescue = services.request_rescue(actor=officer, jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P-BONG"),
                                     reason="Three girls held, seen by the BSF post.")
    return services.save_plan(actor=officer, rescue=rescue, expected_version=rescue.version,
                              planned_for=timezone.now() + datetime.timedelta(hours=6), target=TARGET,
                              information="Three girls, one about 14, brought from Satkhira last week.",
                              verification="Decoy customer on 27 Nov; BSF informer.",
                              warrant="SW 12/2026, ACJM Bongaon",
                              vehicles="2 jeeps", contingency="Ambulance on call; shelter bed at Barasat.")


def _ready_team(users, rescue):
    officer = users["ahtu_n24p"]
    services.add_team_member(actor=officer, rescue=rescue, kind="police", woman=True, label="SI Rina Das")
    services.add_team_member(actor=officer, rescue=rescue, kind="police", woman=True, label="ASI Mita Roy")
    services.add_team_member(actor=officer, rescue=rescue, kind="ngo", user=users["ngo_n24p"])
    rescue.refresh_from_db()
    return services.mark_ready(actor=officer, rescue=rescue, expected_version=rescue.version)


def test_the_plan_is_visible_only_to_the_team_until_the_end(users, rescue):
    head = signed_in(users["head_n24p"])  # same unit, not on the team
    page = head.get(f"/rescues/{rescue.public_id}/").content.decode()
    assert "visible only to the team" in page and TARGET not in page and "SW 12/2026" not in page
    assert head.post(f"/rescues/{rescue.public_id}/plan/", {"version": rescue.version}).status_code == 404
    assert TARGET not in head.get("/rescues/").content.decode()
    with pytest.raises(PermissionDenied):
        services.add_team_member(actor=users["head_n24p"], rescue=rescue, kind="police", label="x")
    officer_page = signed_in(users["ahtu_n24p"]).get(f"/rescues/{rescue.public_id}/").content.decode()
    assert TARGET in officer_page and "SW 12/2026" in officer_page
    # The NGO caseworker put on the team reads the plan; after the operation, the unit does too.
    rescue = _ready_team(users, rescue)
    assert services.can_see_plan(users["ngo_n24p"], rescue)
    ngo_page = signed_in(users["ngo_n24p"]).get(f"/rescues/{rescue.public_id}/")
    assert ngo_page.status_code == 200 and TARGET in ngo_page.content.decode()
    assert "Save plan" not in ngo_page.content.decode()  # on the team to read it, not to plan
    ready = signed_in(users["ahtu_n24p"]).post(f"/rescues/{rescue.public_id}/ready/", {"version": "x"})
    assert ready.status_code == 400 and "out of date" in ready.content.decode()
    services.record_outcome(actor=users["ahtu_n24p"], rescue=rescue, expected_version=rescue.version,
                            ended_at=timezone.now(), rescued=[], suspects=[])
    assert TARGET in head.get(f"/rescues/{rescue.public_id}/").content.decode()
    # The audit trail says the plan changed, never where.
    for event in AuditEvent.objects.filter(action__startswith="rescue."):
        assert "Sonali" not in str(event.changes) and "Satkhira" not in str(event.changes)


def test_the_team_check_of_the_sop(users, rescue):
    officer = users["ahtu_n24p"]
    with pytest.raises(ValidationError) as exc:
        services.mark_ready(actor=officer, rescue=rescue, expected_version=rescue.version)
    text = " ".join(exc.value.messages)
    assert "two women officials" in text and "NGO representative" in text
    services.add_team_member(actor=officer, rescue=rescue, kind="police", woman=True, label="SI Rina Das")
    services.add_team_member(actor=officer, rescue=rescue, kind="ngo", label="Nari Suraksha Samiti")
    assert [p for p in services.team_problems(rescue)] == [
        "Women or children are expected: at least two women officials must be on the team (now 1)."]
    services.add_team_member(actor=officer, rescue=rescue, kind="police", woman=True, label="ASI Mita Roy")
    rescue.refresh_from_db()
    assert services.mark_ready(actor=officer, rescue=rescue, expected_version=rescue.version).status == "planned"
    # When neither women nor children are expected, a police official is enough.
    other = services.request_rescue(actor=officer, jurisdiction=rescue.jurisdiction, reason="Bonded men at a kiln.")
    other = services.save_plan(actor=officer, rescue=other, expected_version=other.version,
                               planned_for=timezone.now(), target="Kiln 4", information="12 men",
                               verification="Labour inspector", expects_women_or_children=False)
    assert services.team_problems(other) == []


def test_outcome_registers_victims_suspects_and_starts_the_cwc_clock(users, rescue):
    rescue = _ready_team(users, rescue)
    ended = timezone.now() - datetime.timedelta(minutes=5)
    with pytest.raises(ValidationError):  # before the planned start: out of order, nothing saved
        services.record_outcome(actor=users["ahtu_n24p"], rescue=rescue, expected_version=rescue.version,
                                ended_at=rescue.planned_for - datetime.timedelta(days=2), rescued=[], suspects=[])
    with pytest.raises(ValidationError):  # an impossible age band: the whole outcome is refused
        services.record_outcome(actor=users["ahtu_n24p"], rescue=rescue, expected_version=rescue.version,
                                ended_at=ended, suspects=[],
                                rescued=[{"sex": "female", "age_band": "12-17", "name": "Rohima"},
                                         {"sex": "female", "age_band": "ninety"}])
    assert RescueOperation.objects.get(pk=rescue.pk).case is None and not ChildProduction.objects.exists()
    rescue = services.record_outcome(
        actor=users["ahtu_n24p"], rescue=rescue, expected_version=rescue.version, ended_at=ended,
        places_searched=2, items_seized="3 phones, a ledger", outcome="Three girls rescued.",
        rescued=[{"sex": "female", "age_band": "12-17", "nationality": "BD", "name": "Rohima Khatoon"},
                 {"sex": "female", "age_band": "18-25", "nationality": "BD"}],
        suspects=[{"sex": "male", "age_band": "26-40", "name": "Md. Rafiq"}])
    assert rescue.status == "done" and rescue.case is not None
    victims = CaseParty.objects.filter(case=rescue.case, role="victim")
    assert victims.count() == 2
    assert Accused.objects.get(case=rescue.case).code == "A1"
    [child] = ChildProduction.objects.all()
    assert child.person.age_band == "12-17" and child.due_at == ended + datetime.timedelta(hours=24)
    alert = Notification.objects.get(user=users["cwc_n24p"])
    assert alert.urgent and "Child Welfare Committee" in alert.message and "Rohima" not in alert.message
    late = ended + datetime.timedelta(hours=30)
    services.record_production(actor=users["ahtu_n24p"], production=child, produced_at=late,
                               now=late + datetime.timedelta(minutes=1))
    assert AuditEvent.objects.filter(action="rescue.cwc_production").get().changes["late"] is True
