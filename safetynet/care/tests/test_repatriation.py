"""Repatriation to Bangladesh or Nepal: four steps in order, the handover at a named border
post, and then the survivor is home: out of the shelter, with follow-ups planned."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safetynet.care import services
from safetynet.care.models import FollowUp, Placement, Repatriation, RepatriationStep, Survivor

from .helpers import agency, days_ago, events, place, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def bangladeshi(ngo, bongaon):
    return register(ngo, bongaon, name="Shirin Akter", nationality="BD", age_band="18-25")


@pytest.fixture
def repatriation(ngo, bangladeshi):
    place(ngo, bangladeshi, started=60)
    return services.start_repatriation(actor=ngo, survivor=bangladeshi, country="BD", counterpart=agency("BGB-JASH"),
                                       started_on=days_ago(50))


def step(rep, kind: int) -> RepatriationStep:
    return RepatriationStep.objects.select_related("repatriation__survivor__person").get(repatriation=rep, kind=kind)


def done(actor, rep, kind: int, ago: int, **kwargs) -> RepatriationStep:
    s = step(rep, kind)
    return services.complete_step(actor=actor, step=s, expected_version=s.version, done_on=days_ago(ago), **kwargs)


def test_repatriation_starts_with_four_steps_due(repatriation):
    due = {s.kind: s.due_on for s in repatriation.steps.all()}
    assert due == {1: days_ago(20), 2: days_ago(-10), 3: days_ago(-25), 4: days_ago(-40)}
    assert events("care.repatriation", repatriation.survivor)[0].changes == {"country": "BD",
                                                                             "counterpart": "BGB-JASH"}


def test_steps_out_of_order_are_refused_and_nothing_saved(ngo, repatriation):
    with pytest.raises(ValidationError) as exc:
        done(ngo, repatriation, 3, ago=10)
    assert "“Counterpart agency accepted” cannot be done before “Nationality verified”" in str(exc.value)
    done(ngo, repatriation, 1, ago=30)
    with pytest.raises(ValidationError) as exc:
        done(ngo, repatriation, 4, ago=5, border_post="Petrapole–Benapole")
    assert "cannot be done before “Travel documents issued”" in str(exc.value)
    assert [s.done_on for s in repatriation.steps.order_by("kind")] == [days_ago(30), None, None, None]
    assert len(events("care.repatriation_step", repatriation.survivor)) == 1
    assert Repatriation.objects.get(pk=repatriation.pk).completed_on is None


def test_a_step_cannot_be_dated_before_the_previous_one_or_done_twice(ngo, repatriation):
    done(ngo, repatriation, 1, ago=30)
    with pytest.raises(ValidationError) as exc:
        done(ngo, repatriation, 2, ago=31)
    assert "before the previous one" in str(exc.value.message_dict["done_on"])
    with pytest.raises(ValidationError):
        done(ngo, repatriation, 1, ago=29)
    assert step(repatriation, 1).done_on == days_ago(30) and step(repatriation, 2).done_on is None


def test_handover_needs_a_border_post(ngo, repatriation):
    for kind, ago in ((1, 30), (2, 20), (3, 10)):
        done(ngo, repatriation, kind, ago)
    with pytest.raises(ValidationError) as exc:
        done(ngo, repatriation, 4, ago=5, border_post="   ")
    assert "border_post" in exc.value.message_dict
    assert step(repatriation, 4).done_on is None
    assert Survivor.objects.get(pk=repatriation.survivor_id).status == "in_care"


def test_handover_completes_the_repatriation(users, ngo, repatriation):
    survivor = repatriation.survivor
    for kind, ago in ((1, 30), (2, 20), (3, 10)):
        done(ngo, repatriation, kind, ago)
    done(ngo, repatriation, 4, ago=5, border_post=" Petrapole–Benapole ", note="Received by BGB and the NGO.")
    repatriation.refresh_from_db()
    assert repatriation.completed_on == days_ago(5) and repatriation.border_post == "Petrapole–Benapole"
    survivor = Survivor.objects.get(pk=survivor.pk)
    assert survivor.status == "repatriated" and survivor.left_care_on == days_ago(5)
    [placement] = Placement.objects.filter(survivor=survivor)
    assert placement.ended_on == days_ago(5) and placement.exit_reason == "repatriated"
    assert not Survivor.objects.visible_to(users["shelter"]).filter(pk=survivor.pk).exists()
    follow_ups = [(f.months, f.due_on) for f in FollowUp.objects.filter(survivor=survivor)]
    assert follow_ups == [(m, services.add_months(days_ago(5), m)) for m in (3, 6, 12)]
    assert len(events("care.repatriation_step", survivor)) == 4


def test_border_post_named_at_the_start_is_enough(ngo, bangladeshi):
    rep = services.start_repatriation(actor=ngo, survivor=bangladeshi, country="BD", border_post="Petrapole–Benapole",
                                      started_on=days_ago(40))
    for kind, ago in ((1, 30), (2, 20), (3, 10), (4, 5)):
        done(ngo, rep, kind, ago)
    assert Survivor.objects.get(pk=bangladeshi.pk).status == "repatriated"


def test_one_repatriation_at_a_time_to_the_survivors_country(ngo, repatriation, bangladeshi):
    with pytest.raises(ValidationError) as exc:
        services.start_repatriation(actor=ngo, survivor=bangladeshi, country="BD")
    assert "already under way" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.start_repatriation(actor=ngo, survivor=bangladeshi, country="NP")
    assert "Bangladesh" in str(exc.value.message_dict["country"])
    assert Repatriation.objects.count() == 1
