"""File the tips waiting in the intake queue: route, number, alert the triagers, audit.

With SAFETYNET_TIP_FILING=worker the public form only stores a report and answers; run
this beside the web server under a process supervisor:

    .venv/bin/python manage.py file_tips --loop

It polls the queue every ``--every`` seconds (the queue has its own small partial index,
so an idle poll is one cheap query) and files up to ``--batch`` tips per transaction.
Several may run at once: each takes rows no other holds. SIGTERM finishes the batch in hand.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from safetynet.tips.services import file_tips


class Command(BaseCommand):
    help = "File tips waiting in the intake queue (once, or continuously with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running until stopped")
        parser.add_argument("--every", type=float, default=0.2, help="seconds between polls of an empty queue")
        parser.add_argument("--batch", type=int, default=500, help="tips per transaction")

    def handle(self, *args, loop=False, every=0.2, batch=500, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        total = 0
        while not stopping:
            try:
                filed = file_tips(limit=batch)
            except DatabaseError as exc:
                if not loop:
                    raise
                # The database restarted or the connection dropped: reconnect and go on.
                self.stderr.write(f"filing paused: {type(exc).__name__}; retrying in 1 s")
                connection.close()
                close_old_connections()
                time.sleep(1)
                continue
            total += filed
            if filed:
                continue  # more may be waiting: no pause while there is a backlog
            if not loop:
                break
            time.sleep(every)
        self.stdout.write(f"{total} tip(s) filed")
