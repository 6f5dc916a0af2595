"""Link two spreadsheets of people, or find the duplicates in one (docs/matching.md)."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safetynet.matching import csvfiles

HELP = """Link two CSV files of people (LEFT and RIGHT), or find the duplicates in one (LEFT only),
and write every candidate pair at or above --threshold to --out.

Input columns (first row; names are case-insensitive; any column may be missing except name):
  id           the record's id (default: its row number, 1 for the first data row)
  name         the name, in Latin, Bengali or Devanagari script; honorifics are fine
  other_names  other names or spellings, separated by ";"
  sex          F/female, M/male (anything else: not known)
  age          age in years ("14", "about 14")
  birth_year   year of birth (used instead of age when both are given)
  date_of_birth  2008-05-14, 14/05/2008, 14-05-2008 or 2008-05 (used before birth_year and age)
  age_year     the year the record was made and the age taken (default: this year)
  district     district name or jurisdiction code (e.g. North 24 Parganas, IN-WB-N24P)
  father_name  father's or husband's name
  id_number    a document number (Aadhaar, NID, birth certificate, passport); give the same
               kind of number in both files: two different numbers count against a pair
  address      address or village, as written (compared loosely)

Output columns: left_id, right_id, match_weight (log2 Bayes factor), match_probability,
left_name, right_name, then weight_<field> and level_<field> for each field compared
(given, family, sex, birth_year, district, id_number, address). When de-duplicating, left
and right are two records of the same file.

Records that cannot be used (empty name, unsupported script, impossible age or date of birth)
are skipped and listed on stderr with the reason. A date of birth that cannot be read
("14 yrs", "2008-02-31") does not skip the record: it is used without the date (with the year
when that was readable), and listed on stderr too. The number of pairs compared is printed."""

COLUMNS = csvfiles.COLUMNS


def read_people(path: Path) -> list[dict]:
    """The rows of a CSV file with its header normalised to the documented column names."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        return csvfiles.read_people(path.read_bytes())
    except csvfiles.BadFile as exc:
        hint = " See --help for the columns." if isinstance(exc, csvfiles.NoNameColumn) else ""
        raise CommandError(f"{path}: {exc}{hint}") from exc


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        from argparse import RawDescriptionHelpFormatter

        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("left", type=Path, help="CSV file (the reports, or the only file to de-duplicate)")
        parser.add_argument("right", type=Path, nargs="?", help="CSV file to link with LEFT (optional)")
        parser.add_argument("--out", type=Path, required=True, help="where to write the pairs (CSV)")
        parser.add_argument("--threshold", type=float, default=0.5,
                            help="lowest match probability written (0 to 1; default 0.5)")
        parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb",
                            help="duckdb (in process, default) or spark (a local Spark session)")
        parser.add_argument("--reference-year", type=int, default=None,
                            help="the year ages were taken when a row has no age_year (default: this year)")

    def handle(self, *args, **options):
        from safetynet.matching import linkage

        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold is a probability: between 0 and 1")
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such folder for --out")
        left = read_people(options["left"])
        right = read_people(options["right"]) if options["right"] else None
        backend = options["backend"]
        spark = linkage.local_spark() if backend == "spark" else None
        kwargs = {"backend": backend, "threshold": threshold, "spark": spark,
                  "reference_year": options["reference_year"]}
        result, left_names, right_names = csvfiles.link_rows(left, right, **kwargs)

        self._write(out, result, left_names, right_names)
        self._report_skipped(result.skipped)
        self.stdout.write(f"{result.comparisons} pairs compared; {len(result.pairs)} at or above probability "
                          f"{threshold:g} written to {out}")

    def _write(self, out: Path, result, left_names: dict, right_names: dict) -> None:
        # written beside the target, then moved over it: a failure leaves no half-written file
        fd, tmp = tempfile.mkstemp(prefix=".pairs-", suffix=".csv", dir=out.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                csvfiles.write_pairs(fh, result, left_names, right_names)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _report_skipped(self, skipped) -> None:
        # kept: the record was used, without the value named (a date of birth it could not read)
        kept = [s for s in skipped if s.kept]
        skipped = [s for s in skipped if not s.kept]
        if not skipped:
            self.stderr.write("0 records skipped")
        else:
            by_reason = Counter(s.reason.split(" (")[0] for s in skipped)
            summary = ", ".join(f"{reason}: {count}" for reason, count in by_reason.most_common())
            self.stderr.write(f"{len(skipped)} records skipped ({summary})")
        for s in skipped:
            where = f"{s.side} " if s.side else ""
            self.stderr.write(f"  skipped {where}record {s.id}: {s.reason}")
        if kept:
            self.stderr.write(f"{len(kept)} records used without a value that could not be read")
        for s in kept:
            where = f"{s.side} " if s.side else ""
            self.stderr.write(f"  {where}record {s.id}: {s.reason}")

