"""The demo register (tourism/demo.py, called by core/demo.py): entered through the services,
every standing shown once or more, deterministic, and entered only once."""

from __future__ import annotations

from collections import Counter

import pytest

from safetynet.core.demo import SeedResult
from safetynet.tourism.demo import SIGNATORIES, seed_tourism
from safetynet.tourism.models import Signatory, Standing

pytestmark = pytest.mark.django_db


def test_seed_tourism_shows_every_standing_and_runs_once(users):
    result = SeedResult()
    assert seed_tourism(result) == len(SIGNATORIES)
    standings = Counter(Signatory.objects.with_standing().values_list("standing", flat=True))
    assert set(standings) == set(Standing.values)
    assert standings[Standing.GOOD] == 5
    by_agency = Counter(Signatory.objects.values_list("owning_agency__short_code", flat=True))
    assert by_agency == {"NGO-N24P": 5, "UNODC": 4}
    assert all(s.focal_points.exists() for s in Signatory.objects.all())
    names = sorted(Signatory.objects.values_list("name", flat=True))
    assert seed_tourism(result) == 0  # already there: nothing added
    assert sorted(Signatory.objects.values_list("name", flat=True)) == names
