"""Counselling notes are the survivor's assigned counsellors' alone: not shelter staff, not
another counsellor of the same shelter, not the police, not administrators — and they are
encrypted in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.audit.models import AuditEvent
from safetynet.care import services
from safetynet.care.models import ClinicalNote

from .helpers import days_ago, events, place

pytestmark = pytest.mark.django_db

BODY = "Nightmares about the Pune house are less frequent; she spoke about her brother for the first time."


@pytest.fixture
def counselled(users, ngo, adult):
    """The adult survivor lives at SH-KOLK; its counsellor (Debjani) is assigned to her."""
    place(ngo, adult)
    services.assign(actor=ngo, survivor=adult, user=users["counsellor"], kind="counsellor")
    return adult


def write(actor, survivor, body=BODY):
    return services.write_clinical_note(actor=actor, survivor=survivor, body=body, written_on=days_ago(1))


def test_assigned_counsellor_writes_and_reads(users, counselled):
    counsellor = users["counsellor"]
    note = write(counsellor, counselled)
    assert [n.get_body() for n in services.clinical_notes_for(counsellor, counselled)] == [BODY]
    assert note.author == counsellor
    [event] = events("care.clinical_note", counselled)
    assert event.changes == {}  # the trail says a note was written, nothing of what it says


def test_note_body_is_not_stored_in_clear(users, counselled):
    note = write(users["counsellor"], counselled)
    stored = ClinicalNote.objects.get(pk=note.pk).body_enc
    assert stored and BODY not in stored and "Nightmares" not in stored and "Pune" not in stored
    assert not AuditEvent.objects.filter(changes__icontains="Nightmares").exists()


@pytest.mark.parametrize("persona", ["shelter", "counsellor2", "head_n24p", "admin", "ngo_n24p", "cwc_n24p",
                                     "researcher"])
def test_nobody_else_writes_or_reads_notes(users, counsellor2, counselled, persona):
    write(users["counsellor"], counselled)
    other = counsellor2 if persona == "counsellor2" else users[persona]
    with pytest.raises(PermissionDenied):
        write(other, counselled, body="Another note")
    assert list(services.clinical_notes_for(other, counselled)) == []
    assert not services.is_counsellor_of(other, counselled)
    assert ClinicalNote.objects.count() == 1


def test_unassigned_counsellor_of_the_shelter_sees_the_resident_but_not_her_notes(counsellor2, users, counselled):
    from safetynet.care.models import Survivor

    write(users["counsellor"], counselled)
    assert Survivor.objects.visible_to(counsellor2).filter(pk=counselled.pk).exists()
    assert list(services.clinical_notes_for(counsellor2, counselled)) == []
    # Once assigned, the second counsellor reads the notes too.
    services.assign(actor=users["shelter"], survivor=counselled, user=counsellor2, kind="counsellor")
    assert [n.get_body() for n in services.clinical_notes_for(counsellor2, counselled)] == [BODY]


def test_only_counsellors_are_assigned_as_counsellors(users, ngo, counselled):
    with pytest.raises(ValidationError):
        services.assign(actor=ngo, survivor=counselled, user=users["shelter"], kind="counsellor")
    with pytest.raises(ValidationError):  # once
        services.assign(actor=ngo, survivor=counselled, user=users["counsellor"], kind="counsellor")
    assert not services.is_counsellor_of(users["shelter"], counselled)


def test_a_counsellor_cannot_assign_themselves(counsellor2, counselled):
    with pytest.raises(PermissionDenied):
        services.assign(actor=counsellor2, survivor=counselled, user=counsellor2, kind="counsellor")
    assert list(services.clinical_notes_for(counsellor2, counselled)) == []


def test_empty_or_future_note_is_refused(users, counselled):
    with pytest.raises(ValidationError):
        write(users["counsellor"], counselled, body="   ")
    with pytest.raises(ValidationError):
        services.write_clinical_note(actor=users["counsellor"], survivor=counselled, body=BODY,
                                     written_on=days_ago(-1))
    assert not ClinicalNote.objects.exists()
