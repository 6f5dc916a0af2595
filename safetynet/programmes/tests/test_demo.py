"""The demo data (bulk-inserted) shows the same figures as the records entered through the
services, and seeding twice adds nothing."""

import pytest

from safetynet.core.demo import SeedResult, seed_programmes
from safetynet.programmes.indicators import programme_figures
from safetynet.programmes.models import AwarenessEvent

pytestmark = pytest.mark.django_db


def test_demo_programmes_show_the_seed_figures_once(users, jurisdictions):
    first = SeedResult()
    seed_programmes({}, first)
    events = AwarenessEvent.objects.count()
    second = SeedResult()
    seed_programmes({}, second)
    assert first.programme_records > 1000 and second.programme_records == 0
    assert AwarenessEvent.objects.count() == events
    kish = programme_figures(jurisdiction=jurisdictions["IN-BR-KISH"])
    assert (kish["committees"], kish["self_help_groups"], kish["fake_marriages"], kish["child_marriages"],
            kish["child_labour"], kish["counselled"], kish["sent_home"], kish["reached"]) == (
        102, 55, 233, 108, 222, 209, 15, 65_000)
    everything = programme_figures()
    assert (everything["trained"], everything["training_programmes"], everything["training_states"],
            everything["training_centres"]) == (13_490, 390, 5, 8)
