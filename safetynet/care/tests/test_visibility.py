"""Who sees a survivor's care record (and who she is): the NGO that runs it, the shelter she
lives in, agencies she agreed to share with, her assigned workers, and for children the
district's CWC. Not an NGO of another district, not researchers, not administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.access.lookups import get_identity_for
from safetynet.care import services
from safetynet.care.models import Survivor

from .helpers import register

pytestmark = pytest.mark.django_db


def visible(user, action: str = "care.view") -> set[int]:
    return set(Survivor.objects.visible_to(user, action).values_list("pk", flat=True))


def test_the_ngo_that_runs_the_record_sees_it(ngo, adult, child):
    assert visible(ngo) == {adult.pk, child.pk}
    assert get_identity_for(ngo, adult.person, purpose="care")["name_latin"] == "Sabina Yasmin"


def test_ngo_of_another_district_does_not_see(users, adult, child, jurisdictions):
    kish = users["ngo_kish"]
    own = register(kish, jurisdictions["IN-BR-KISH"], name="Nasreen Khatun")
    assert visible(kish) == {own.pk}
    assert own.pk not in visible(users["ngo_n24p"])
    with pytest.raises(PermissionDenied):
        get_identity_for(kish, adult.person, purpose="care")
    with pytest.raises(PermissionDenied):
        services.add_service(actor=kish, survivor=adult, kind="health", provider="PHC",
                             delivered_on=adult.registered_on)


def test_cwc_sees_the_children_of_its_district_only(users, adult, child, ngo, bongaon, jurisdictions):
    cwc = users["cwc_n24p"]
    unknown_age = register(ngo, bongaon, age_band="unknown", name="Rupali Bibi")
    kish_child = register(users["ngo_kish"], jurisdictions["IN-BR-KISH"], age_band="0-11", name="Amit Kumar")
    assert visible(cwc) == {child.pk, unknown_age.pk}
    assert adult.pk not in visible(cwc) and kish_child.pk not in visible(cwc)
    assert get_identity_for(cwc, child.person, purpose="cwc")["name_latin"] == "Mousumi Das"
    with pytest.raises(PermissionDenied):
        get_identity_for(cwc, adult.person, purpose="cwc")


@pytest.mark.parametrize("persona", ["researcher", "admin", "me_officer", "outsider", "reporter"])
def test_roles_without_records_see_no_survivor(users, adult, child, persona):
    user = users[persona]
    for action in ("care.view", "care.edit", "care.clinical", "shelter.manage", "cwc.decide"):
        assert visible(user, action) == set()
    with pytest.raises(PermissionDenied):
        get_identity_for(user, adult.person, purpose="care")


@pytest.mark.parametrize("persona", ["ahtu_n24p", "head_n24p", "police_bongaon", "prosecutor"])
def test_police_and_prosecution_do_not_see_care_records(users, adult, child, persona):
    assert visible(users[persona]) == set()


def test_shelter_and_counsellor_see_residents_only(users, ngo, adult, child):
    from .helpers import place

    place(ngo, adult)
    assert visible(users["shelter"]) == {adult.pk}
    assert visible(users["counsellor"]) == {adult.pk}
    # The shelter places and serves; it does not edit the record the NGO runs.
    assert visible(users["shelter"], "shelter.manage") == {adult.pk}
    assert visible(users["shelter"], "care.edit") == set()


def test_assignment_reaches_only_agencies_that_serve_the_survivor(users, ngo, adult):
    from safetynet.care.models import CareAssignment

    from .helpers import agency, consent

    kish = users["ngo_kish"]
    with pytest.raises(ValidationError) as exc:  # assigning would let an outside agency see her
        services.assign(actor=ngo, survivor=adult, user=kish, kind="caseworker")
    assert "does not serve this survivor" in str(exc.value)
    assert not CareAssignment.objects.exists() and adult.pk not in visible(kish)
    consent(ngo, adult, "sharing", agency=agency("NGO-KISH"))
    services.share_record(actor=ngo, survivor=adult, agency=agency("NGO-KISH"))
    assignment = services.assign(actor=ngo, survivor=adult, user=kish, kind="caseworker")
    assert assignment.active and adult.pk in visible(kish)


def test_cwc_does_not_learn_who_an_adult_is(users, ngo, bongaon):
    cwc = users["cwc_n24p"]
    survivor = register(ngo, bongaon, age_band="unknown", name="Rupali Bibi")
    assert get_identity_for(cwc, survivor.person, purpose="cwc")["name_latin"] == "Rupali Bibi"  # may be a child
    services.record_cwc_order(actor=cwc, survivor=survivor, kind="age_determination", number="CWC/N24P/11/2026",
                              ordered_on=survivor.registered_on, age_band="26-40")
    survivor.person.refresh_from_db()
    assert survivor.pk in visible(cwc)  # the committee keeps the record it made an order on ...
    with pytest.raises(PermissionDenied):  # ... but an adult's name is not the CWC's (IDENTITY_AGE_BANDS)
        get_identity_for(cwc, survivor.person, purpose="cwc")


def test_an_agency_the_record_is_shared_with_sees_but_does_not_edit(users, ngo, adult):
    from safetynet.care.models import CareShare

    from .helpers import agency, consent

    kish_agency, kish = agency("NGO-KISH"), users["ngo_kish"]
    consent(ngo, adult, "sharing", agency=kish_agency)
    services.share_record(actor=ngo, survivor=adult, agency=kish_agency)
    assert adult.pk in visible(kish)
    assert adult.pk not in visible(kish, "care.edit")
    with pytest.raises(PermissionDenied):
        services.share_record(actor=kish, survivor=adult, agency=agency("SH-N24P"),
                              override_reason="We think the Barasat shelter should know her story.")
    with pytest.raises(PermissionDenied):
        services.erase_survivor(actor=kish, survivor=adult, reason="survivor_request")
    assert CareShare.objects.count() == 1
