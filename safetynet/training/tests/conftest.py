import datetime

import pytest

DAY = datetime.date(2026, 3, 9)


@pytest.fixture
def programme(users, jurisdictions):
    """A three-day programme of NGO North 24 Parganas (ngo_n24p's agency): 2 police, 1 teacher counted."""
    from safetynet.programmes import services

    return services.record_training(
        actor=users["ngo_n24p"], title="Identifying victims of trafficking", jurisdiction=jurisdictions["IN-WB"],
        starts_on=DAY, ends_on=DAY + datetime.timedelta(days=2), venue="Barasat Police Lines", language="Bengali",
        participants={"police": 2, "teachers": 1})
