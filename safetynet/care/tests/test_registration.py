"""Registering a survivor: the name is required for someone who came forward, a child starts
the CWC's 24-hour clock, HTCDS codes are checked, and a victim of a case keeps the link."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.audit.models import AuditEvent
from safetynet.care import services
from safetynet.care.models import Survivor
from safetynet.cases.services import add_team_member
from safetynet.notifications.models import Notification
from safetynet.people.models import Person, PersonIdentity
from safetynet.rescues.models import ChildProduction

from .helpers import events, register

pytestmark = pytest.mark.django_db


def test_adult_who_came_forward_gets_a_person_and_a_care_record(ngo, bongaon):
    profile = services.Profile(trafficking_status="ActualVictimOfTrafficking",
                               methods_of_control=["FalsePromises", "DebtBondage", "DebtBondage"],
                               exploitation_types=["ForcedLabour"], recruiter_relation="FriendAcquaintance",
                               months_in_exploitation=14)
    survivor = services.register_survivor(actor=ngo, came_via="came_forward", jurisdiction=bongaon, language="hi",
                                          profile=profile, sex="female", age_band="18-25", nationality="IN",
                                          identity={"name_native": "সাবিনা ইয়াসমিন"})
    survivor = Survivor.objects.select_related("person", "owning_agency").get(pk=survivor.pk)
    assert survivor.owning_agency.short_code == "NGO-N24P"
    assert survivor.came_via == "came_forward" and survivor.status == "registered"
    assert survivor.registered_on == timezone.localdate()
    assert survivor.person.age_band == "18-25" and survivor.person.registering_agency.short_code == "NGO-N24P"
    assert survivor.methods_of_control == ["DebtBondage", "FalsePromises"]  # de-duplicated, sorted
    assert survivor.trafficking_status == "ActualVictimOfTrafficking" and survivor.months_in_exploitation == 14
    assert survivor.case is None and survivor.rescue is None
    assert PersonIdentity.objects.get(person=survivor.person).get_field("name_native") == "সাবিনা ইয়াসমিন"
    [event] = events("care.register", survivor)
    assert event.actor == ngo and event.changes["person"] == survivor.person.code
    assert "সাবিনা" not in str(event.changes)  # codes only in the audit trail
    # An adult starts no CWC clock.
    assert not ChildProduction.objects.filter(person=survivor.person).exists()


@pytest.mark.parametrize("identity", [None, {}, {"name_latin": "", "name_native": ""}, {"phones": ["9830012345"]}])
def test_someone_who_came_forward_needs_a_name(ngo, bongaon, identity):
    persons = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.register_survivor(actor=ngo, came_via="came_forward", jurisdiction=bongaon, language="bn",
                                   profile=services.Profile(), age_band="26-40", identity=identity)
    assert "name_latin" in exc.value.message_dict
    assert Person.objects.count() == persons and not Survivor.objects.exists()
    assert not AuditEvent.objects.filter(action="care.register").exists()


def test_child_who_came_forward_starts_the_cwc_clock(users, ngo, bongaon):
    now = timezone.now() - datetime.timedelta(hours=2)
    survivor = register(ngo, bongaon, age_band="12-17", name="Mousumi Das", now=now)
    [production] = ChildProduction.objects.filter(person=survivor.person)
    assert production.rescue is None
    assert production.rescued_at == now
    assert production.due_at == now + datetime.timedelta(hours=24)
    assert production.produced_at is None
    [note] = Notification.objects.filter(user=users["cwc_n24p"])
    assert survivor.person.code in note.message and note.urgent and note.link == "/care/cwc/"
    assert "Mousumi" not in note.message  # never a name in a notification
    assert Notification.objects.filter(user=ngo, message=note.message).exists()  # the caseworker too
    # Nobody outside the district hears of the child.
    assert not Notification.objects.filter(user__in=[users["ngo_kish"], users["ahtu_kish"]]).exists()


def test_unknown_htcds_code_is_refused_and_nothing_is_saved(ngo, bongaon):
    persons, events_before, notes = Person.objects.count(), AuditEvent.objects.count(), Notification.objects.count()
    profile = services.Profile(methods_of_control=["DebtBondage", "Kidnapping"], exploitation_types=["Begging"])
    with pytest.raises(ValidationError) as exc:
        register(ngo, bongaon, age_band="12-17", profile=profile)
    errors = exc.value.message_dict
    assert "Kidnapping" in str(errors["methods_of_control"]) and "DebtBondage" not in str(errors["methods_of_control"])
    assert "Begging" in str(errors["exploitation_types"])
    assert Person.objects.count() == persons and not Survivor.objects.exists()
    assert not ChildProduction.objects.exists() and Notification.objects.count() == notes
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("profile", [
    services.Profile(trafficking_status="Trafficked"),
    services.Profile(recruiter_relation="Neighbour"),
    services.Profile(months_in_exploitation=601),
    services.Profile(labour_industries=["Z_Nowhere"]),
])
def test_other_bad_profiles_are_refused(ngo, bongaon, profile):
    with pytest.raises(ValidationError):
        register(ngo, bongaon, profile=profile)
    assert not Survivor.objects.exists()


def test_registration_date_cannot_be_in_the_future(ngo, bongaon):
    with pytest.raises(ValidationError) as exc:
        register(ngo, bongaon, registered_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "registered_on" in exc.value.message_dict
    assert not Survivor.objects.exists()


def test_victim_of_a_case_keeps_the_case_link(users, ngo, bongaon, n24p_case):
    add_team_member(actor=users["head_n24p"], case=n24p_case, user=ngo)
    survivor = services.register_survivor(actor=ngo, came_via="rescue", jurisdiction=bongaon, language="bn",
                                          profile=services.Profile(), person=n24p_case.victim)
    assert survivor.person == n24p_case.victim
    assert Survivor.objects.get(pk=survivor.pk).case_id == n24p_case.pk
    assert events("care.register", survivor)[0].changes["case"] == n24p_case.reference
    # Registered once: a second care record for the same person is refused.
    with pytest.raises(ValidationError) as exc:
        services.register_survivor(actor=ngo, came_via="rescue", jurisdiction=bongaon, language="bn",
                                   profile=services.Profile(), person=n24p_case.victim)
    assert "already has a care record" in str(exc.value)
    assert Survivor.objects.filter(person=n24p_case.victim).count() == 1


def test_a_person_the_caseworker_cannot_see_cannot_be_registered(ngo, bongaon, n24p_case):
    # Not on the case team: NGO-N24P does not see the AHTU's victim.
    with pytest.raises(PermissionDenied):
        services.register_survivor(actor=ngo, came_via="rescue", jurisdiction=bongaon, language="bn",
                                   profile=services.Profile(), person=n24p_case.victim)
    assert not Survivor.objects.exists()


@pytest.mark.parametrize("persona", ["shelter", "counsellor", "cwc_n24p", "ahtu_n24p", "researcher", "admin"])
def test_only_care_editors_register(users, bongaon, persona):
    with pytest.raises(PermissionDenied):
        register(users[persona], bongaon)
    assert not Survivor.objects.exists()
