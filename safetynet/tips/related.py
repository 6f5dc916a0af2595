"""Tips that are probably about the same thing: the same phone or vehicle number (any
time), or the same district and kind of sighting within a few hours."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count

from .models import Tip, TipIndicator

WINDOW = datetime.timedelta(hours=6)


def _district_key(tip: Tip) -> str:
    parts = tip.jurisdiction.path.split("/")
    return "/".join(parts[:3])  # country/state/district


def related_groups(tips: list[Tip], visible) -> dict[int, list[tuple[Tip, str]]]:
    """For each tip in ``tips``: the other tips in ``visible`` (a queryset the user may see)
    that look related, with the reason. Hashes are compared, never numbers."""
    ids = [t.pk for t in tips]
    out: dict[int, list[tuple[Tip, str]]] = defaultdict(list)
    if not ids:
        return out
    mine = TipIndicator.objects.filter(tip_id__in=ids)
    shared = (TipIndicator.objects.filter(digest__in=mine.values("digest"), tip__in=visible)
              .values("kind", "digest").annotate(n=Count("tip", distinct=True)).filter(n__gt=1))
    digests = {row["digest"]: row["kind"] for row in shared}
    if digests:
        by_digest: dict[str, set[int]] = defaultdict(set)
        for tip_id, digest in TipIndicator.objects.filter(digest__in=digests, tip__in=visible) \
                .values_list("tip_id", "digest"):
            by_digest[digest].add(tip_id)
        others = {t.pk: t for t in Tip.objects.filter(pk__in={i for s in by_digest.values() for i in s})
                  .select_related("jurisdiction")}
        for digest, members in by_digest.items():
            reason = "same vehicle number" if digests[digest] == TipIndicator.Kind.VEHICLE else "same phone number"
            for tip_id in members & set(ids):
                for other in members - {tip_id}:
                    out[tip_id].append((others[other], reason))
    for tip in tips:
        near = visible.filter(category=tip.category, jurisdiction__path__startswith=_district_key(tip) + "/",
                              seen_at__gte=tip.seen_at - WINDOW, seen_at__lte=tip.seen_at + WINDOW) \
            .exclude(pk=tip.pk).select_related("jurisdiction")[:10]
        known = {o.pk for o, _r in out[tip.pk]}
        for other in near:
            if other.pk not in known:
                out[tip.pk].append((other, "same district and kind, within 6 hours"))
    return out
