"""Delete the uploaded files and results of /matching/link-files/ jobs older than 7 days
(linkfiles.KEEP). Run daily (e.g. from cron or a systemd timer); the upload page also purges
whenever it is opened."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        from safetynet.matching.linkfiles import purge_expired

        self.stdout.write(f"{purge_expired()} link-files jobs purged")
