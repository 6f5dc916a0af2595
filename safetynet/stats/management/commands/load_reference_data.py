"""Load published reference tables (NCRB Crime in India 2018) from a directory of CSVs:

    .venv/bin/python manage.py load_reference_data --ncrb-2018 ../shared/data/ncrb/ncrb2018_bsnandhini

Nothing is downloaded: point it at the files. Loading again replaces the dataset's rows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safetynet.stats.reference import load_ncrb_2018


class Command(BaseCommand):
    help = "Load NCRB reference tables from CSV files."

    def add_arguments(self, parser):
        parser.add_argument("--ncrb-2018", type=Path, required=True, help="directory with police.csv, "
                            "culprits_disposal_2018.csv and victims_trafficked.csv")

    def handle(self, *args, ncrb_2018: Path, **options):
        if not ncrb_2018.is_dir():
            raise CommandError(f"{ncrb_2018} is not a directory")
        try:
            loaded = load_ncrb_2018(ncrb_2018)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for code, n in loaded.items():
            self.stdout.write(f"{code}: {n} rows")
