"""Fixtures of the care tests: the NGO caseworker of North 24 Parganas and the survivors she
registers (an adult woman and a girl of 12–17 who came forward at Bongaon)."""

from __future__ import annotations

import pytest

from .helpers import register


@pytest.fixture
def ngo(users):
    return users["ngo_n24p"]


@pytest.fixture
def bongaon(jurisdictions):
    return jurisdictions["IN-WB-N24P-BONG"]


@pytest.fixture
def adult(ngo, bongaon):
    return register(ngo, bongaon, age_band="26-40", name="Sabina Yasmin")


@pytest.fixture
def child(ngo, bongaon):
    return register(ngo, bongaon, age_band="12-17", name="Mousumi Das")


@pytest.fixture
def counsellor2(world):
    """A second counsellor at SH-KOLK, not assigned to anyone (made as demo.seed_users makes users)."""
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Agency, Membership

    user = User(username="counsellor2.kolk", first_name="Mitali", last_name="(test)")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, agency=Agency.objects.get(short_code="SH-KOLK"), role="counsellor")
    return user
