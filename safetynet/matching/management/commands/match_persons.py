"""Run nightly: link every open missing-person report with every traceable found person, and
de-duplicate the reports and the found persons each among themselves; keep decisions, replace
the open candidates and pairs. A failed run leaves the previous ones."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safetynet.matching import services
from safetynet.matching.models import MatchRun


class Command(BaseCommand):
    help = "Match missing-person reports with rescued persons and survivors whose tracing has a basis."

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")

    def handle(self, *args, backend="duckdb", **options):
        run = services.run_matching(backend=backend)
        if run.status == MatchRun.Status.FAILED:
            raise CommandError(f"Matching run {run.pk} failed ({run.error}); the previous candidates are kept.")
        self.stdout.write(f"{run.reports} reports × {run.found} found persons: {run.comparisons:,} comparisons, "
                          f"{run.candidates} candidates to review, {len(run.skipped)} records skipped.")
        for item in run.skipped:
            self.stderr.write(f"  skipped {item['record']}: {item['reason']}")
        self.stdout.write(f"Duplicates to review: {run.duplicate_reports} pairs of reports, "
                          f"{run.duplicate_persons} pairs of found persons.")
        for item in run.dedupe_skipped:
            self.stderr.write(f"  not de-duplicated ({item['kind']}) {item['record']}: {item['reason']}")
        if run.dedupe_error:
            raise CommandError(f"De-duplication in run {run.pk} failed ({run.dedupe_error}); "
                               "the previous duplicate pairs are kept.")
