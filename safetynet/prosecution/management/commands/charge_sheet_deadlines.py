"""Charge-sheet deadline reminders. Run once a day (cron or a systemd timer):

    30 7 * * *  cd /srv/safetynet && .venv/bin/python manage.py charge_sheet_deadlines

Warns the owning agency's investigators 15 and 5 days before an accused's deadline and tells
the AHTU heads once it has passed (in the app; the 5-day and overdue alerts also by email
and SMS). Each reminder is sent once, so running it twice a day is harmless. ``--today``
sets the date (for a test, or to catch up after an outage).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from safetynet.prosecution.services import send_deadline_reminders


class Command(BaseCommand):
    help = "Send charge-sheet deadline reminders (15 and 5 days before, and overdue)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        counts = send_deadline_reminders(today)
        self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
