"""Consent: how it is taken, sharing and family tracing that rest on it (or on a CWC order,
or an audited override with a written reason), and what withdrawing it ends."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.audit.models import AuditEvent
from safetynet.care import services
from safetynet.care.models import CareShare, Consent, ConsentOverride, Survivor
from safetynet.notifications.models import Notification

from .helpers import agency, consent, days_ago, events, today

pytestmark = pytest.mark.django_db

REASON = "She is in danger tonight and the Kishanganj NGO must arrange her escort."


def visible(user, survivor) -> bool:
    return Survivor.objects.visible_to(user).filter(pk=survivor.pk).exists()


# --------------------------------------------------------------------------- taking consent


def test_consent_is_recorded_and_audited(ngo, adult):
    given = consent(ngo, adult, "services", expires_on=today() + datetime.timedelta(days=180))
    assert given.taken_by == ngo and given.given_by == "survivor" and given.is_valid_on(today())
    [event] = events("care.consent", adult)
    assert event.changes["purpose"] == "services"


def test_verbal_consent_needs_a_witness(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        services.record_consent(actor=ngo, survivor=adult, purpose="services", method="verbal_witness",
                                language="bn", taken_on=today(), witness="   ")
    assert "witness" in exc.value.message_dict
    assert not Consent.objects.exists()
    given = services.record_consent(actor=ngo, survivor=adult, purpose="services", method="verbal_witness",
                                    language="bn", taken_on=today(), witness=" Superintendent, SH-KOLK ")
    assert given.witness == "Superintendent, SH-KOLK"


def test_already_expired_consent_is_refused_and_nothing_saved(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        consent(ngo, adult, "sharing", agency=agency("NGO-KISH"), taken=30, expires_on=days_ago(1))
    assert "already expired" in str(exc.value.message_dict["expires_on"])
    with pytest.raises(ValidationError) as exc:  # ends the day it was given
        consent(ngo, adult, "services", taken=0, expires_on=today())
    assert "expires_on" in exc.value.message_dict
    assert not Consent.objects.exists()
    assert not events("care.consent", adult)


def test_consent_cannot_be_dated_in_the_future(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        consent(ngo, adult, "services", taken=-1)
    assert "taken_on" in exc.value.message_dict
    assert not Consent.objects.exists()


def test_a_child_does_not_consent_alone(ngo, child):
    with pytest.raises(ValidationError) as exc:
        consent(ngo, child, "services", given_by="survivor")
    assert "guardian" in str(exc.value.message_dict["given_by"])
    assert not Consent.objects.exists()
    assert consent(ngo, child, "services", given_by="guardian").given_by == "guardian"


def test_consent_to_share_names_the_agency_and_only_then(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        consent(ngo, adult, "sharing")
    assert "agency" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        consent(ngo, adult, "family_tracing", agency=agency("NGO-KISH"))
    assert "agency" in exc.value.message_dict
    assert not Consent.objects.exists()


def test_another_districts_ngo_cannot_record_consent(users, adult):
    with pytest.raises(PermissionDenied):
        consent(users["ngo_kish"], adult, "services")
    assert not Consent.objects.exists()


# --------------------------------------------------------------------------- sharing


def test_sharing_without_consent_is_refused(users, ngo, adult):
    kish = agency("NGO-KISH")
    with pytest.raises(ValidationError) as exc:
        services.share_record(actor=ngo, survivor=adult, agency=kish)
    assert "has not consented to sharing with Seemanchal Jan Vikas Kendra" in str(exc.value)
    assert not CareShare.objects.exists() and not ConsentOverride.objects.exists()
    assert not visible(users["ngo_kish"], adult)


def test_sharing_with_consent_for_that_agency(users, ngo, adult):
    kish = agency("NGO-KISH")
    consent(ngo, adult, "sharing", agency=kish)
    share = services.share_record(actor=ngo, survivor=adult, agency=kish)
    assert share.basis == "consent" and share.ended_on is None
    assert visible(users["ngo_kish"], adult)
    assert events("care.share", adult)[0].changes == {"agency": "NGO-KISH", "basis": "consent"}
    with pytest.raises(ValidationError) as exc:  # once
        services.share_record(actor=ngo, survivor=adult, agency=kish)
    assert "already shared" in str(exc.value)
    assert CareShare.objects.count() == 1


def test_consent_for_another_agency_does_not_allow_sharing(users, ngo, adult):
    consent(ngo, adult, "sharing", agency=agency("SH-N24P"))
    with pytest.raises(ValidationError):
        services.share_record(actor=ngo, survivor=adult, agency=agency("NGO-KISH"))
    assert not CareShare.objects.exists()
    assert not visible(users["ngo_kish"], adult)


def test_withdrawn_consent_does_not_allow_sharing(ngo, adult):
    kish = agency("NGO-KISH")
    given = consent(ngo, adult, "sharing", agency=kish, taken=10)
    services.withdraw_consent(actor=ngo, consent=given, on=days_ago(2))
    with pytest.raises(ValidationError):
        services.share_record(actor=ngo, survivor=adult, agency=kish)
    assert not CareShare.objects.exists()


def test_a_cwc_order_naming_the_agency_allows_sharing(users, ngo, child):
    sh_n24p = agency("SH-N24P")
    services.record_cwc_order(actor=users["cwc_n24p"], survivor=child, kind="placement", number="CWC/N24P/7/2026",
                              ordered_on=today(), agency=sh_n24p)
    share = services.share_record(actor=ngo, survivor=child, agency=sh_n24p)
    assert share.basis == "cwc_order"
    assert not ConsentOverride.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "urgent", "x" * 19, "   short reason here   "])
def test_override_needs_a_written_reason_of_20_characters(users, ngo, adult, reason):
    with pytest.raises(ValidationError):
        services.share_record(actor=ngo, survivor=adult, agency=agency("NGO-KISH"), override_reason=reason)
    assert not CareShare.objects.exists() and not ConsentOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="care.consent_override").exists()
    assert not visible(users["ngo_kish"], adult)


def test_override_with_a_reason_shares_and_is_audited(users, ngo, adult):
    kish = agency("NGO-KISH")
    share = services.share_record(actor=ngo, survivor=adult, agency=kish, override_reason=f"  {REASON}  ")
    assert share.basis == "override"
    [override] = ConsentOverride.objects.all()
    assert (override.survivor, override.agency, override.purpose, override.by) == (adult, kish, "sharing", ngo)
    assert override.reason == REASON
    [event] = events("care.consent_override", adult)
    assert event.changes == {"purpose": "sharing", "agency": "NGO-KISH"}
    assert "danger" not in str(event.changes)  # the reason stays on the record, not in the trail
    assert Notification.objects.filter(user=ngo, message__contains="Consent was overridden").exists()
    assert visible(users["ngo_kish"], adult)


def test_withdrawing_consent_ends_the_share_that_rested_on_it(users, ngo, adult):
    kish = agency("NGO-KISH")
    given = consent(ngo, adult, "sharing", agency=kish, taken=5)
    share = services.share_record(actor=ngo, survivor=adult, agency=kish)
    assert visible(users["ngo_kish"], adult)
    services.withdraw_consent(actor=ngo, consent=given)
    share.refresh_from_db()
    given.refresh_from_db()
    assert share.ended_on == today() and given.withdrawn_on == today() and given.withdrawn_by == ngo
    assert not visible(users["ngo_kish"], adult)
    assert events("care.consent_withdrawn", adult)[0].changes["shares_ended"] == 1
    with pytest.raises(ValidationError):  # once
        services.withdraw_consent(actor=ngo, consent=given)


def test_withdrawing_consent_leaves_an_override_share_alone(users, ngo, adult):
    kish, sh_n24p = agency("NGO-KISH"), agency("SH-N24P")
    given = consent(ngo, adult, "sharing", agency=sh_n24p)
    services.share_record(actor=ngo, survivor=adult, agency=kish, override_reason=REASON)
    services.withdraw_consent(actor=ngo, consent=given)
    assert CareShare.objects.get(agency=kish).ended_on is None


def test_consent_cannot_be_withdrawn_before_it_was_given(ngo, adult):
    given = consent(ngo, adult, "services", taken=3)
    with pytest.raises(ValidationError):
        services.withdraw_consent(actor=ngo, consent=given, on=days_ago(4))
    given.refresh_from_db()
    assert given.withdrawn_on is None


def test_share_ends_when_its_consent_expires(users, ngo, adult):
    kish = agency("NGO-KISH")
    given = consent(ngo, adult, "sharing", agency=kish, taken=20, expires_on=today() + datetime.timedelta(days=1))
    services.share_record(actor=ngo, survivor=adult, agency=kish)
    # Time passes: the consent ran out yesterday (the survivor agreed to share until then).
    Consent.objects.filter(pk=given.pk).update(expires_on=days_ago(1))
    assert services.consent_basis(adult, "sharing", kish) is None
    assert not visible(users["ngo_kish"], adult)


# --------------------------------------------------------------------------- family tracing


def test_tracing_without_consent_order_or_override_is_refused(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        services.start_tracing(actor=ngo, survivor=adult)
    assert "not consented to family tracing" in str(exc.value)
    with pytest.raises(ValidationError):
        services.start_tracing(actor=ngo, survivor=adult, override_reason="too short")
    adult.refresh_from_db()
    assert adult.tracing_started_on is None and adult.tracing_basis == ""
    assert not ConsentOverride.objects.exists()


def test_tracing_with_consent(ngo, adult):
    consent(ngo, adult, "family_tracing")
    survivor = services.start_tracing(actor=ngo, survivor=adult)
    assert survivor.tracing_basis == "consent" and survivor.tracing_started_on == today()
    assert events("care.tracing", adult)[0].changes == {"basis": "consent"}
    with pytest.raises(ValidationError):  # once
        services.start_tracing(actor=ngo, survivor=survivor)


def test_consent_for_something_else_does_not_allow_tracing(ngo, adult):
    consent(ngo, adult, "services")
    with pytest.raises(ValidationError):
        services.start_tracing(actor=ngo, survivor=adult)


def test_tracing_with_a_cwc_order(users, ngo, child):
    services.record_cwc_order(actor=users["cwc_n24p"], survivor=child, kind="restoration", number="CWC/N24P/8/2026",
                              ordered_on=today())
    assert services.start_tracing(actor=ngo, survivor=child).tracing_basis == "cwc_order"


def test_tracing_with_an_override(ngo, adult):
    survivor = services.start_tracing(actor=ngo, survivor=adult, override_reason=REASON)
    assert survivor.tracing_basis == "override"
    [override] = ConsentOverride.objects.all()
    assert override.purpose == "family_tracing" and override.agency is None
    assert events("care.consent_override", adult)
