"""Run every hour: children not produced before the CWC within 24 hours, and follow-ups
missed by more than two weeks, are escalated (each once)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from safetynet.care import services


class Command(BaseCommand):
    help = "Escalate missed CWC productions (24 h) and missed survivor follow-ups."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Pretend it is this time (ISO 8601), for drills and tests.")

    def handle(self, *args, **options):
        now = datetime.datetime.fromisoformat(options["now"]) if options["now"] else timezone.now()
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        productions = services.escalate_productions(now=now)
        follow_ups = services.escalate_follow_ups(today=timezone.localdate(now))
        self.stdout.write(f"Escalated {productions} CWC production(s) and {follow_ups} follow-up(s).")
