"""Many victims with random attributes, made with the project's own load-test helper
(core.demo.bulk_persons: persons with encrypted names in the vault, cases, victim parties) and
then given random sexes, ages, nationalities, forms of exploitation, places and years."""

from __future__ import annotations

import datetime
import random

from safetynet.agencies.models import Jurisdiction
from safetynet.cases.models import Case, CaseParty
from safetynet.core.demo import bulk_persons
from safetynet.people.models import Person


def random_victims(n_persons: int, seed: int, skew: float = 0.5) -> int:
    """Add ``n_persons`` persons (about three in four become victims) and randomise them.
    ``skew``: how strongly values cluster on the first choice (0: uniform). Returns the new victims."""
    rng = random.Random(seed)
    before = set(Person.objects.values_list("id", flat=True))
    bulk_persons(n_persons, batch=max(100, n_persons // 4))
    persons = list(Person.objects.exclude(id__in=before))

    def pick(values):
        return values[0] if rng.random() < skew else rng.choice(values)

    for p in persons:
        p.sex = pick(["female", "male", "other", "unknown"])
        p.age_band = pick(["12-17", "0-11", "18-25", "26-40", "41+", "unknown"])
        p.nationality = pick(["IN", "BD", "NP", "other", "unknown"])
    Person.objects.bulk_update(persons, ["sex", "age_band", "nationality"], batch_size=1000)
    case_ids = set(CaseParty.objects.filter(person__in=persons).values_list("case_id", flat=True))
    districts = list(Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT, path__startswith="IN/"))
    today = datetime.date.today()
    cases = list(Case.objects.filter(id__in=case_ids))
    for c in cases:
        c.kind = pick(list(Case.Kind.values))
        c.jurisdiction = pick(districts)
        c.opened_on = today - datetime.timedelta(days=rng.randint(0, 365 * 6))
    Case.objects.bulk_update(cases, ["kind", "jurisdiction", "opened_on"], batch_size=1000)
    return CaseParty.objects.filter(person__in=persons, role=CaseParty.Role.VICTIM).values("person").distinct().count()
