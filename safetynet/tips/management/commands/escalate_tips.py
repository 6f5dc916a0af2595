"""Escalate tips nobody acknowledged in time (after filing any tip still waiting in the
intake queue, so a stopped filer delays a tip by a minute at most). Run it every minute
(cron or a systemd timer):

    * * * * *  cd /srv/safetynet && .venv/bin/python manage.py escalate_tips

``--loop`` keeps running and checks every ``--every`` seconds, for a process supervisor.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from safetynet.tips.services import escalate_overdue, file_tips


class Command(BaseCommand):
    help = "Escalate unacknowledged tips past their deadline to the AHTU heads."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=int, default=60)

    def handle(self, *args, loop=False, every=60, **options):
        while True:
            filed = 0
            while batch := file_tips():
                filed += batch
            if filed:
                # Normal with SAFETYNET_TIP_FILING=inline only after a failure; with "worker"
                # it means the filer is not running or not keeping up.
                self.stderr.write(f"{filed} tip(s) were still waiting to be filed; filed them now")
            escalated = escalate_overdue()
            if escalated or not loop:
                self.stdout.write(f"{len(escalated)} tip(s) escalated")
            if not loop:
                return
            time.sleep(max(5, every))
