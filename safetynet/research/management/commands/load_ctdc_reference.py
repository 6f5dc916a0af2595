"""Load CTDC's victim-perpetrator synthetic dataset as a reference dataset (and, with
``--ncrb-2018``, NCRB's 2018 "persons trafficked by purpose" table beside the three tables
``load_reference_data`` loads):

    .venv/bin/python manage.py load_ctdc_reference [--file ../shared/data/ctdc/CTDC_VPsynthetic_condensed.csv]
                                                   [--ncrb-2018 ../shared/data/ncrb/ncrb2018_bsnandhini]

Nothing is downloaded. Loading again replaces the rows (idempotent).
Source: Counter-Trafficking Data Collaborative (CTDC); see ../shared/data/ctdc/SOURCE.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safetynet.research.reference import CTDC_FILE, load_ctdc, load_ncrb_purpose


class Command(BaseCommand):
    help = "Load the CTDC synthetic dataset (and optionally NCRB 2018's purpose table) as reference data."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CTDC_FILE, help="the CTDC CSV (default: %(default)s)")
        parser.add_argument("--ncrb-2018", type=Path, default=None,
                            help="directory with NCRB 2018's human_trafficking_purpose.csv")

    def handle(self, *args, file: Path, ncrb_2018: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        try:
            loaded = load_ctdc(file)
            purpose = load_ncrb_purpose(ncrb_2018) if ncrb_2018 else None
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"ctdc-vp-synthetic: {loaded['rows']} rows ({loaded['distinct']} distinct)")
        if not loaded["sha256_matches"]:
            self.stderr.write("warning: the file's sha256 differs from the one in ../shared/data/ctdc/SOURCE.md")
        if purpose is not None:
            self.stdout.write(f"ncrb-2018-purpose: {purpose} rows")
        self.stdout.write("Source: Counter-Trafficking Data Collaborative (CTDC)")
