"""Recompute the keyed hashes of phone and vehicle numbers in tips (and nothing else).

The hash key is derived from SECRET_KEY (people/vault.py, blind_index). After SECRET_KEY
changes, old hashes no longer meet new ones: run this once so related tips group again.
Receipt codes cannot be recomputed (they are never stored): receipts issued before the
change stop working on the status page, which is why rotating SECRET_KEY is rare.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from safetynet.audit.services import record
from safetynet.people import vault
from safetynet.tips import indicators
from safetynet.tips.models import Tip, TipIndicator


class Command(BaseCommand):
    help = "Recompute tip indicator hashes after SECRET_KEY changed."

    def handle(self, *args, **options):
        count = 0
        for tip in Tip.objects.iterator(chunk_size=500):
            content = tip.content()
            found = [(TipIndicator.Kind.PHONE, p) for p in indicators.phones_in(
                f"{content['phones']}\n{content['description']}")]
            found += [(TipIndicator.Kind.VEHICLE, v) for v in indicators.vehicles_in(
                f"{content['vehicles']}\n{content['description']}")]
            with transaction.atomic():
                TipIndicator.objects.filter(tip=tip).delete()
                TipIndicator.objects.bulk_create(
                    [TipIndicator(tip=tip, kind=k, digest=vault.blind_index(k, v)) for k, v in found])
            count += 1
        record(actor=None, action="tips.rebuild_indicators", object_type="tips.tipindicator", object_id="all",
               changes={"tips": count})
        self.stdout.write(f"indicators rebuilt for {count} tips")
