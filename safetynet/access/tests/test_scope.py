"""Scope semantics per persona, through the ORM entry points of the access layer:
``Case.objects.visible_to``, ``Person.objects.visible_to``, ``get_case_for`` and
``get_identity_for`` — and, where the brief names a page, the page too."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from safetynet.access import policy
from safetynet.access.lookups import can_view_identity, get_case_for, get_identity_for, get_person_for
from safetynet.access.models import AccessGrant
from safetynet.access.services import MIN_REASON, break_glass, grant_referral
from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.cases import services as case_services
from safetynet.cases.models import Case
from safetynet.conftest import signed_in
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db

REASON = "Girl called the hotline from a hotel in Siliguri, owner unreachable"


def _fresh(user):
    """The same user without the per-request membership cache."""
    from safetynet.accounts.models import User

    return User.objects.get(pk=user.pk)


def _sees_case(user, case, action=policy.Cap.CASE_VIEW) -> bool:
    return Case.objects.visible_to(_fresh(user), action).filter(pk=case.pk).exists()


def _sees_person(user, person, action=policy.Cap.PERSON_VIEW) -> bool:
    return Person.objects.visible_to(_fresh(user), action).filter(pk=person.pk).exists()


def _kish_victim(kish_case) -> Person:
    return Person.objects.get(case_parties__case=kish_case, case_parties__role="victim")


def _assert_no_access(user, case, victim):
    user = _fresh(user)
    assert not Case.objects.visible_to(user).filter(pk=case.pk).exists()
    assert not Person.objects.visible_to(user).filter(pk=victim.pk).exists()
    assert not Person.objects.visible_to(user, policy.Cap.IDENTITY_VIEW).filter(pk=victim.pk).exists()
    with pytest.raises(Http404):
        get_case_for(user, case.public_id)
    with pytest.raises(Http404):
        get_person_for(user, victim.public_id)
    with pytest.raises(PermissionDenied):
        get_identity_for(user, victim, purpose="scope test")


def _assert_access(user, case, victim, name_latin):
    user = _fresh(user)
    assert get_case_for(user, case.public_id) == case
    assert get_person_for(user, victim.public_id) == victim
    before = AccessEvent.objects.filter(actor=user, person_code=victim.code).count()
    identity = get_identity_for(user, victim, purpose="scope test")
    assert identity["name_latin"] == name_latin
    assert AccessEvent.objects.filter(actor=user, person_code=victim.code).count() == before + 1


# --------------------------------------------------------------------------- AHTU districts


@pytest.fixture
def station_case(users, jurisdictions):
    """A case opened by Bongaon police station, at police-station level under North 24 Parganas."""
    return case_services.open_case(actor=users["police_bongaon"], title="Station case", kind="forced_labour",
                                   jurisdiction=jurisdictions["IN-WB-N24P-BONG"])


def test_ahtu_n24p_sees_its_district_down_to_police_stations(users, n24p_case, kish_case, station_case,
                                                             jurisdictions):
    officer = users["ahtu_n24p"]
    assert n24p_case.jurisdiction.level != "district"  # the fixture case sits below the district
    district_case = case_services.open_case(actor=officer, title="District case", kind="other",
                                            jurisdiction=jurisdictions["IN-WB-N24P"])
    visible = set(Case.objects.visible_to(_fresh(officer)).values_list("pk", flat=True))
    assert {n24p_case.pk, station_case.pk, district_case.pk} <= visible
    assert kish_case.pk not in visible
    assert station_case.owning_agency.short_code == "PS-BONG"  # reached by jurisdiction, not ownership
    _assert_access(officer, n24p_case, n24p_case.victim, "Rahima Khatun")
    _assert_no_access(officer, kish_case, _kish_victim(kish_case))


def test_ahtu_kish_sees_kishanganj_and_not_n24p(users, n24p_case, kish_case, station_case):
    officer = users["ahtu_kish"]
    visible = set(Case.objects.visible_to(_fresh(officer)).values_list("pk", flat=True))
    assert kish_case.pk in visible
    assert not visible & {n24p_case.pk, station_case.pk}
    _assert_access(officer, kish_case, _kish_victim(kish_case), "Amit Kumar")
    _assert_no_access(officer, n24p_case, n24p_case.victim)


def test_police_station_sees_only_what_it_owns(users, n24p_case, station_case):
    police = users["police_bongaon"]
    assert _sees_case(police, station_case)
    assert not _sees_case(police, n24p_case)  # same place, owned by the AHTU
    _assert_no_access(police, n24p_case, n24p_case.victim)


def test_visible_but_not_allowed_is_403_and_outside_scope_is_404(users, n24p_case):
    with pytest.raises(PermissionDenied):
        get_case_for(_fresh(users["cwc_n24p"]), n24p_case.public_id, policy.Cap.CASE_EDIT)
    with pytest.raises(Http404):
        get_case_for(_fresh(users["ahtu_kish"]), n24p_case.public_id, policy.Cap.CASE_EDIT)


def test_inactive_membership_gives_nothing(users, n24p_case):
    from safetynet.agencies.models import Membership

    Membership.objects.filter(user=users["ahtu_n24p"]).update(is_active=False)
    _assert_no_access(users["ahtu_n24p"], n24p_case, n24p_case.victim)


# --------------------------------------------------------------------------- grants


@pytest.mark.parametrize("persona", ["ngo_n24p", "ngo_kish", "prosecutor"])
def test_ngo_and_prosecutor_see_nothing_without_a_grant(users, n24p_case, kish_case, persona):
    user = _fresh(users[persona])
    assert not Case.objects.visible_to(user).exists()
    assert not Person.objects.visible_to(user).exists()
    _assert_no_access(user, n24p_case, n24p_case.victim)


def test_case_team_grant_opens_the_case_and_the_victims_identity(users, n24p_case, kish_case):
    ngo = users["ngo_n24p"]
    _assert_no_access(ngo, n24p_case, n24p_case.victim)
    grant = case_services.add_team_member(actor=users["head_n24p"], case=n24p_case, user=ngo)
    assert grant.kind == AccessGrant.Kind.CASE_TEAM
    _assert_access(ngo, n24p_case, n24p_case.victim, "Rahima Khatun")
    assert _sees_case(ngo, n24p_case, policy.Cap.CASE_ADD_NOTE)  # the NGO may write notes ...
    assert not _sees_case(ngo, n24p_case, policy.Cap.CASE_EDIT)  # ... but not edit the case
    _assert_no_access(ngo, kish_case, _kish_victim(kish_case))  # one case, not the district


def test_only_the_head_manages_the_team(users, n24p_case):
    with pytest.raises(PermissionDenied):
        case_services.add_team_member(actor=users["ahtu_n24p"], case=n24p_case, user=users["ngo_n24p"])
    with pytest.raises(PermissionDenied):
        case_services.add_team_member(actor=users["ahtu_kish"], case=n24p_case, user=users["ngo_kish"])


def test_referral_grant_opens_the_case_to_another_districts_ngo(users, n24p_case):
    ngo = users["ngo_kish"]
    _assert_no_access(ngo, n24p_case, n24p_case.victim)
    grant = grant_referral(actor=users["ahtu_n24p"], case=n24p_case, user=ngo)
    assert grant.kind == AccessGrant.Kind.REFERRAL
    _assert_access(ngo, n24p_case, n24p_case.victim, "Rahima Khatun")
    assert AuditEvent.objects.filter(action="access.referral", object_id=str(n24p_case.public_id),
                                     agency=n24p_case.owning_agency).exists()


def test_referral_needs_edit_rights_on_the_case(users, n24p_case):
    for persona in ("ahtu_kish", "cwc_n24p", "ngo_n24p"):
        with pytest.raises(PermissionDenied):
            grant_referral(actor=_fresh(users[persona]), case=n24p_case, user=users["ngo_kish"])


def _make_grant(kind, users, case, user):
    if kind == "case_team":
        return case_services.add_team_member(actor=users["head_n24p"], case=case, user=user)
    return grant_referral(actor=users["ahtu_n24p"], case=case, user=user)


@pytest.mark.parametrize("kind", ["case_team", "referral"])
@pytest.mark.parametrize("ending", ["revoked", "expired"])
def test_revoked_or_expired_grant_gives_nothing(users, n24p_case, kind, ending):
    ngo = users["ngo_n24p"]
    grant = _make_grant(kind, users, n24p_case, ngo)
    assert _sees_case(ngo, n24p_case)
    now = timezone.now()
    if ending == "revoked":
        AccessGrant.objects.filter(pk=grant.pk).update(revoked_at=now)
    else:
        AccessGrant.objects.filter(pk=grant.pk).update(expires_at=now - datetime.timedelta(seconds=1))
    _assert_no_access(ngo, n24p_case, n24p_case.victim)
    assert signed_in(ngo).get(f"/cases/{n24p_case.public_id}/").status_code == 404


def test_removing_a_team_member_ends_access(users, n24p_case):
    ngo = users["ngo_n24p"]
    grant = case_services.add_team_member(actor=users["head_n24p"], case=n24p_case, user=ngo)
    case_services.remove_team_member(actor=users["head_n24p"], case=n24p_case, grant=grant)
    _assert_no_access(ngo, n24p_case, n24p_case.victim)


# --------------------------------------------------------------------------- break-glass


@pytest.mark.parametrize("reason", ["", "urgent", "x" * (MIN_REASON - 1), " " * 40,
                                    "  " + "y" * (MIN_REASON - 1) + "   "])
def test_break_glass_needs_a_reason_of_twenty_characters(users, n24p_case, reason):
    with pytest.raises(ValidationError):
        break_glass(actor=_fresh(users["ahtu_kish"]), case_reference=n24p_case.reference, reason=reason)
    assert not AccessGrant.objects.filter(user=users["ahtu_kish"]).exists()
    assert not AuditEvent.objects.filter(action="access.break_glass").exists()


def test_break_glass_grants_expiring_access_and_tells_the_owning_agency(users, n24p_case, client_for):
    officer = users["ahtu_kish"]
    _assert_no_access(officer, n24p_case, n24p_case.victim)
    assert MIN_REASON == 20
    grant = break_glass(actor=_fresh(officer), case_reference=n24p_case.reference.lower(), reason=REASON)
    assert grant.kind == AccessGrant.Kind.BREAK_GLASS and grant.case == n24p_case
    assert timezone.now() < grant.expires_at <= timezone.now() + datetime.timedelta(hours=24)
    _assert_access(officer, n24p_case, n24p_case.victim, "Rahima Khatun")

    event = AuditEvent.objects.get(action="access.break_glass", object_id=str(n24p_case.public_id))
    assert event.agency == n24p_case.owning_agency  # the owning agency, not the officer's own
    assert event.actor == officer and event.changes["reason"] == REASON
    page = client_for("head_n24p").get("/audit/?kind=changes&action=access.break_glass").content.decode()
    assert "access.break_glass" in page and "ahtu.kish" in page and REASON in page
    assert client_for("ahtu_kish").get("/audit/").status_code == 404  # the officer cannot read it

    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    _assert_no_access(officer, n24p_case, n24p_case.victim)
    assert signed_in(officer).get(f"/cases/{n24p_case.public_id}/").status_code == 404


def test_break_glass_reason_of_exactly_twenty_characters_is_enough(users, n24p_case):
    grant = break_glass(actor=_fresh(users["ahtu_kish"]), case_reference=n24p_case.reference, reason="z" * 20)
    assert grant.pk


@pytest.mark.parametrize("persona", ["ngo_n24p", "cwc_n24p", "police_bongaon", "researcher", "me_officer",
                                     "admin", "outsider"])
def test_break_glass_is_for_ahtu_only(users, n24p_case, persona):
    with pytest.raises(PermissionDenied):
        break_glass(actor=_fresh(users[persona]), case_reference=n24p_case.reference, reason=REASON)
    assert not AccessGrant.objects.filter(user=users[persona]).exists()


def test_break_glass_on_unknown_reference_is_refused(users, world):
    with pytest.raises(ValidationError):
        break_glass(actor=_fresh(users["ahtu_kish"]), case_reference="AHTU-N24P-1999-9999", reason=REASON)


# --------------------------------------------------------------------------- never record access


NO_RECORD_ROLES = ["researcher", "me_officer", "admin"]


@pytest.mark.parametrize("persona", NO_RECORD_ROLES)
def test_aggregate_and_admin_roles_never_reach_records_even_as_superuser(users, n24p_case, kish_case, persona):
    from safetynet.accounts.models import User

    User.objects.filter(pk=users[persona].pk).update(is_superuser=True, is_staff=True)
    user = _fresh(users[persona])
    assert user.is_superuser
    assert not Case.objects.visible_to(user).exists()
    assert not Person.objects.visible_to(user).exists()
    assert not Person.objects.visible_to(user, policy.Cap.IDENTITY_VIEW).exists()
    for case, victim in ((n24p_case, n24p_case.victim), (kish_case, _kish_victim(kish_case))):
        _assert_no_access(user, case, victim)
        assert not can_view_identity(user, victim)
    # Not through a grant either: the case team refuses them, and a grant row made behind the
    # services' back still opens nothing (their scope is "none").
    with pytest.raises(ValidationError):
        case_services.add_team_member(actor=users["head_n24p"], case=n24p_case, user=user)
    AccessGrant.objects.create(user=user, case=n24p_case, kind=AccessGrant.Kind.REFERRAL,
                               granted_by=users["head_n24p"])
    _assert_no_access(user, n24p_case, n24p_case.victim)
    client = signed_in(user)
    assert client.get(f"/cases/{n24p_case.public_id}/").status_code == 404
    assert client.post(f"/people/{n24p_case.victim.public_id}/identity/").status_code == 404
    assert client.get(f"/api/v1/cases/{n24p_case.public_id}/").status_code == 404
    assert client.get(f"/api/v1/persons/{n24p_case.victim.public_id}/").status_code == 404


@pytest.mark.parametrize("persona", ["researcher", "me_officer"])
def test_superuser_flag_does_not_open_the_admin_site(users, persona):
    from safetynet.accounts.models import User

    User.objects.filter(pk=users[persona].pk).update(is_superuser=True, is_staff=True)
    response = signed_in(_fresh(users[persona])).get("/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --------------------------------------------------------------------------- figures


def _open_cases(users, jurisdictions, n, kind="forced_labour"):
    for i in range(n):
        case_services.open_case(actor=users["ahtu_n24p"], title=f"Figure case {i}", kind=kind,
                                jurisdiction=jurisdictions["IN-WB-N24P"])


def test_researcher_stats_show_counts_and_hide_small_ones(users, jurisdictions, n24p_case, kish_case, client_for):
    _open_cases(users, jurisdictions, 6)  # forced labour: 6, sexual exploitation: 1, child labour: 1
    response = client_for("researcher").get("/stats/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-label="Forced labour: 6"' in page
    assert 'aria-label="Sexual exploitation: &lt;5"' in page
    assert 'aria-label="Child labour: &lt;5"' in page
    assert not re.search(r'aria-label="[^"]*: [1-4]"', page), "a count between 1 and 4 is shown"
    for secret in (n24p_case.reference, kish_case.reference, n24p_case.victim.code, "Rahima", "Amit"):
        assert secret not in page
    api = client_for("researcher").get("/api/v1/stats/").json()
    kinds = {row["kind"]: row for row in api["by_kind"]}
    assert kinds["forced_labour"]["n"] == 6
    assert kinds["child_labour"]["n"] is None and kinds["child_labour"]["display"] == "<5"
    assert n24p_case.reference not in json.dumps(api)


def _recoverable_cells(total, rows, truth) -> list[str]:
    """Hidden cells a reader can work out exactly by subtracting the shown cells from the shown total."""
    hidden = [r for r in rows if r["n"] is None]
    if total is None or len(hidden) != 1:
        return []
    guess = total - sum(r["n"] for r in rows if r["n"] is not None)
    return [f"{hidden[0]['label']} = {guess}"] if truth.get(hidden[0]["label"]) == guess else []


def test_suppressed_cells_cannot_be_recovered_from_the_totals(users, jurisdictions, n24p_case, kish_case):
    from safetynet.stats.services import platform_counts

    for i in range(5):  # five more female victims: female 6 (shown), male 1 (hidden as "<5")
        case_services.add_party(actor=users["ahtu_n24p"], case=n24p_case, role="victim", sex="female",
                                age_band="18-25", identity={"name_latin": f"Figure victim {i}"})
    stats = platform_counts(_fresh(users["researcher"]))
    from django.db.models import Count

    from safetynet.cases.models import Case, CaseParty

    sex_truth = {str(dict(Person.Sex.choices)[r["person__sex"]]): r["n"] for r in CaseParty.objects.filter(
        role="victim").values("person__sex").annotate(n=Count("person", distinct=True))}
    status_truth = {str(dict(Case.Status.choices)[r["status"]]): r["n"] for r in
                    Case.objects.values("status").annotate(n=Count("id"))}
    recoverable = _recoverable_cells(stats["total_victims"]["n"], stats["victims_by_sex"], sex_truth)
    recoverable += _recoverable_cells(stats["total_cases"]["n"], stats["by_status"], status_truth)
    # Secondary suppression: a breakdown of several cells never hides exactly one of them.
    for breakdown in ("victims_by_sex", "by_status", "by_kind", "by_state", "victims_by_age"):
        rows = stats[breakdown]
        assert len(rows) == 1 or sum(r["n"] is None for r in rows) != 1, breakdown
    assert not recoverable, f"hidden counts recoverable from the totals: {recoverable}"


def test_case_team_ngo_sees_the_victims_identity_but_not_the_suspects(users, n24p_case):
    from safetynet.access.lookups import can_view_identity
    from safetynet.cases.models import CaseParty

    ngo = users["ngo_n24p"]
    case_services.add_team_member(actor=users["head_n24p"], case=n24p_case, user=ngo)
    ngo = _fresh(ngo)
    suspect = CaseParty.objects.get(case=n24p_case, role="suspect").person
    assert can_view_identity(ngo, n24p_case.victim)
    assert not can_view_identity(ngo, suspect)
    # The suspect's pseudonymous record is still part of the case they work on.
    assert Person.objects.visible_to(ngo).filter(pk=suspect.pk).exists()


def test_identity_views_are_filed_under_the_owning_agency(users, n24p_case, client_for):
    from safetynet.access.services import break_glass
    from safetynet.audit.models import AccessEvent

    kish = users["ahtu_kish"]
    break_glass(actor=kish, case_reference=n24p_case.reference, reason="Girl found at Galgalia, checking her case now")
    signed = client_for("ahtu_kish")
    signed.post(f"/people/{n24p_case.victim.public_id}/identity/", {"purpose": "break-glass"})
    event = AccessEvent.objects.order_by("-seq").first()
    assert event.actor_label == "ahtu.kish" and event.agency.short_code == "AHTU-N24P"
    page = client_for("head_n24p").get("/audit/?kind=access").content.decode()
    assert n24p_case.victim.code in page and "ahtu.kish" in page


# --------------------------------------------------------------------------- Child Welfare Committee


def test_cwc_member_learns_who_the_children_are_and_nobody_else(users, n24p_case):
    """CWC N24P sees the district's cases, but identities only of child (or not yet aged) victims."""
    officer, cwc = users["ahtu_n24p"], _fresh(users["cwc_n24p"])
    adult = case_services.add_party(actor=officer, case=n24p_case, role="victim", sex="female", age_band="18-25",
                                    identity={"name_latin": "Adult Victim"}).person
    unaged = case_services.add_party(actor=officer, case=n24p_case, role="victim", sex="female",
                                     age_band="unknown", identity={"name_latin": "Age Not Known"}).person
    parties = {p.role: p.person for p in n24p_case.parties.select_related("person")}
    assert _sees_case(cwc, n24p_case)
    assert can_view_identity(cwc, n24p_case.victim)  # 12–17
    assert can_view_identity(cwc, unaged)  # age determination is the CWC's task
    assert not can_view_identity(cwc, adult)
    assert not can_view_identity(cwc, parties["suspect"])
    assert not can_view_identity(cwc, parties["witness"])
    client = signed_in(cwc)
    page = client.post(f"/people/{adult.public_id}/identity/").content.decode()
    assert "Adult Victim" not in page
    suspect_page = client.post(f"/people/{parties['suspect'].public_id}/identity/")
    assert suspect_page.status_code == 404 and "Rafiq" not in suspect_page.content.decode()
    assert "Rahima Khatun" in client.post(f"/people/{n24p_case.victim.public_id}/identity/").content.decode()
