"""The care plan, services delivered, the HTCDS profile, ending a share and the survivor's
export: each checked, versioned where people edit concurrently, and audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.care import services
from safetynet.care.models import CareGoal, CarePlan, CarePlanReview, ServiceRecord, Survivor
from safetynet.core.models import StaleEdit

from .helpers import agency, consent, days_ago, events, place, today

pytestmark = pytest.mark.django_db

IN_A_MONTH = datetime.timedelta(days=30)


def test_care_plan_with_goals(ngo, adult):
    plan = services.create_plan(actor=ngo, survivor=adult, review_every_days=30,
                                goals=[("health", " Treatment for anaemia ", today() + IN_A_MONTH),
                                       ("livelihood", "Tailoring course", None)])
    assert plan.next_review_on == today() + IN_A_MONTH
    assert sorted(g.goal for g in plan.goals.all()) == ["Tailoring course", "Treatment for anaemia"]
    assert events("care.plan", adult)[0].changes == {"goals": 2, "review_every_days": 30}
    with pytest.raises(ValidationError) as exc:  # one plan: review it instead
        services.create_plan(actor=ngo, survivor=adult, review_every_days=30, goals=[("health", "Again", None)])
    assert "review it instead" in str(exc.value)


@pytest.mark.parametrize(("every", "goals"), [
    (3, [("health", "Check-up", None)]),
    (400, [("health", "Check-up", None)]),
    (30, []),
    (30, [("wealth", "Check-up", None)]),
    (30, [("health", "Check-up", datetime.date(2020, 1, 1))]),
])
def test_bad_care_plans_are_refused(ngo, adult, every, goals):
    with pytest.raises(ValidationError):
        services.create_plan(actor=ngo, survivor=adult, review_every_days=every, goals=goals)
    assert not CarePlan.objects.exists() and not CareGoal.objects.exists()


def test_a_goal_needs_a_text(ngo, adult):
    with pytest.raises(ValidationError):
        services.create_plan(actor=ngo, survivor=adult, review_every_days=30, goals=[("health", "   ", None)])
    assert not CareGoal.objects.exists()


def test_review_sets_the_next_date_and_goal_statuses(ngo, adult):
    plan = services.create_plan(actor=ngo, survivor=adult, review_every_days=30,
                                goals=[("health", "Treatment for anaemia", None)])
    [goal] = plan.goals.all()
    plan = services.review_plan(actor=ngo, plan=plan, expected_version=plan.version, reviewed_on=today(),
                                summary="Anaemia treated.", goal_status={goal.pk: "achieved"},
                                new_goals=[("education", "Open schooling, class 8", None)])
    assert CarePlan.objects.get(pk=plan.pk).next_review_on == today() + IN_A_MONTH
    assert CareGoal.objects.get(pk=goal.pk).status == "achieved"
    assert plan.goals.count() == 2 and CarePlanReview.objects.filter(plan=plan).count() == 1
    with pytest.raises(StaleEdit):  # someone else reviewed in the meantime
        services.review_plan(actor=ngo, plan=plan, expected_version=plan.version - 1, reviewed_on=today(),
                             summary="Second look.")
    with pytest.raises(ValidationError):
        services.review_plan(actor=ngo, plan=plan, expected_version=plan.version, reviewed_on=today(), summary=" ",
                             goal_status={goal.pk: "forgotten"}, new_goals=[("education", "  ", None)])
    assert CarePlanReview.objects.filter(plan=plan).count() == 1


def test_shelter_and_counsellor_record_services_for_residents(users, ngo, adult):
    with pytest.raises(PermissionDenied):  # not (yet) living there
        services.add_service(actor=users["shelter"], survivor=adult, kind="health", provider="District Hospital",
                             delivered_on=today())
    place(ngo, adult)
    service = services.add_service(actor=users["shelter"], survivor=adult, kind="life_skills",
                                   provider=" SH-KOLK trainer ", delivered_on=days_ago(1))
    assert service.provider == "SH-KOLK trainer" and service.by == users["shelter"]
    services.add_service(actor=users["counsellor"], survivor=adult, kind="counselling", provider="Debjani",
                         delivered_on=days_ago(1))
    assert ServiceRecord.objects.filter(survivor=adult).count() == 2
    assert events("care.service", adult)[0].changes["kind"] == "life_skills"
    with pytest.raises(PermissionDenied):  # the CWC decides; it does not deliver services
        services.add_service(actor=users["cwc_n24p"], survivor=adult, kind="health", provider="PHC",
                             delivered_on=today())


def test_a_job_placement_names_the_job(ngo, adult):
    with pytest.raises(ValidationError) as exc:
        services.add_service(actor=ngo, survivor=adult, kind="job_placement", provider="G4S", delivered_on=today())
    assert "job_role" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_service(actor=ngo, survivor=adult, kind="health", provider="  ",
                             delivered_on=today() + datetime.timedelta(days=1))
    assert not ServiceRecord.objects.exists()
    service = services.add_service(actor=ngo, survivor=adult, kind="job_placement", provider="G4S",
                                   delivered_on=today(), job_role="Security guard")
    assert service.job_role == "Security guard"


def test_profile_update_is_versioned_and_lists_what_changed(users, ngo, adult, jurisdictions):
    profile = services.Profile(trafficking_status="ActualVictimOfTrafficking", exploitation_types=["ForcedLabour"],
                               recruited_from=jurisdictions["IN-WB-MURS"])
    survivor = services.update_profile(actor=ngo, survivor=adult, expected_version=adult.version, profile=profile,
                                       language="hi")
    saved = Survivor.objects.get(pk=adult.pk)
    assert saved.exploitation_types == ["ForcedLabour"] and saved.language == "hi"
    assert saved.recruited_from.code == "IN-WB-MURS"
    assert events("care.profile", adult)[0].changes == {
        "fields": ["exploitation_types", "recruited_from", "trafficking_status"]}
    stale = Survivor.objects.get(pk=adult.pk)
    stale.version = survivor.version - 1
    with pytest.raises(StaleEdit):
        services.update_profile(actor=ngo, survivor=stale, expected_version=stale.version,
                                profile=services.Profile(), language="bn")
    with pytest.raises(ValidationError):
        services.update_profile(actor=ngo, survivor=saved, expected_version=saved.version,
                                profile=services.Profile(exploitation_types=["Kidnapping"]), language="bn")
    assert Survivor.objects.get(pk=adult.pk).exploitation_types == ["ForcedLabour"]
    with pytest.raises(PermissionDenied):
        services.update_profile(actor=users["ngo_kish"], survivor=saved, expected_version=saved.version,
                                profile=services.Profile(), language="bn")


def test_ending_a_share(users, ngo, adult):
    kish = agency("NGO-KISH")
    consent(ngo, adult, "sharing", agency=kish)
    share = services.share_record(actor=ngo, survivor=adult, agency=kish)
    assert Survivor.objects.visible_to(users["ngo_kish"]).filter(pk=adult.pk).exists()
    services.end_share(actor=ngo, share=share)
    assert not Survivor.objects.visible_to(users["ngo_kish"]).filter(pk=adult.pk).exists()
    with pytest.raises(ValidationError):
        services.end_share(actor=ngo, share=share)
    assert events("care.share_end", adult)[0].changes == {"agency": "NGO-KISH"}


def test_export_for_the_survivor_is_audited(users, ngo, adult):
    services.record_export(actor=ngo, survivor=adult)
    assert events("care.export_for_survivor", adult)[0].actor == ngo
    with pytest.raises(PermissionDenied):
        services.record_export(actor=users["shelter"], survivor=adult)
