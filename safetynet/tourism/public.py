"""What the public check may say about a signatory, and nothing more.

The public page never receives a model object: ``search`` returns ``PublicEntry`` values that
hold only the establishment's name, kind, town, district, pledge year, whether it is in good
standing and the date of its last review. Focal points, findings, staff counts, the keeping
agency and the reason of a suspension cannot reach the template because they are not here.

No enumeration: a name query needs at least three letters (forms.CheckForm) and at most
``MAX_RESULTS`` establishments are returned; a certificate or registration number must be
given whole. The view rate-limits per client.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from .models import Signatory, Standing

MAX_RESULTS = 10


@dataclass(frozen=True)
class PublicEntry:
    name: str
    kind: str
    town: str
    district: str
    pledge_year: int
    good_standing: bool
    last_review_on: datetime.date | None


@dataclass(frozen=True)
class PublicAnswer:
    entries: list[PublicEntry]
    more: bool  # more than MAX_RESULTS matched: the visitor should narrow the search


def search(query: str, place: str = "", today: datetime.date | None = None) -> PublicAnswer:
    query, place = query.strip(), place.strip()
    qs = Signatory.objects.with_standing(today).select_related("jurisdiction")
    by_number = qs.filter(Q(certificate__iexact=query) | Q(registration_number__iexact=query))
    matches = by_number if by_number.exists() else qs.filter(name__icontains=query)
    if place:
        matches = matches.filter(Q(town__icontains=place) | Q(jurisdiction__name__icontains=place)
                                 | Q(jurisdiction__name_local__icontains=place))
    rows = list(matches.order_by("name", "town", "pk")[:MAX_RESULTS + 1])
    entries = [PublicEntry(name=s.name, kind=str(Signatory.Kind(s.kind).label), town=s.town,
                           district=s.jurisdiction.name, pledge_year=s.pledged_on.year,
                           good_standing=s.standing == Standing.GOOD, last_review_on=s.last_review_on)
               for s in rows[:MAX_RESULTS]]
    return PublicAnswer(entries=entries, more=len(rows) > MAX_RESULTS)
