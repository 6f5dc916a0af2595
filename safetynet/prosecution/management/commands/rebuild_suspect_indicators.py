"""Recompute every suspect's keyed hashes (phones, vehicles, bank accounts, name keys).

Run once after SECRET_KEY changes (the hash key derives from it), and after the name key
changes (issue 6's normaliser replaced decision 0004's skeleton key: stored name hashes made
before it no longer meet new ones until this runs). Nothing is decrypted beyond this process.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from safetynet.audit.services import record
from safetynet.cases.models import CaseParty
from safetynet.prosecution.services import index_suspect


class Command(BaseCommand):
    help = "Recompute suspects' keyed-hash indicators (after SECRET_KEY or the name key changed)."

    def handle(self, *args, **options):
        count = 0
        persons = CaseParty.objects.filter(role=CaseParty.Role.SUSPECT).values_list("person", flat=True).distinct()
        from safetynet.people.models import Person

        for person in Person.objects.filter(pk__in=persons).select_related("identity").iterator(chunk_size=500):
            with transaction.atomic():
                index_suspect(person)
            count += 1
        record(actor=None, action="prosecution.rebuild_suspect_indicators", changes={"suspects": count})
        self.stdout.write(f"Re-indexed {count} suspects.")
