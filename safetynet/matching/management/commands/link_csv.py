"""Link two spreadsheets of people, or find the duplicates in one (docs/matching.md)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

HELP = """Link two CSV files of people (LEFT and RIGHT), or find the duplicates in one (LEFT only),
and write every candidate pair at or above --threshold to --out.

Input columns (first row; names are case-insensitive; any column may be missing except name):
  id           the record's id (default: its row number, 1 for the first data row)
  name         the name, in Latin, Bengali or Devanagari script; honorifics are fine
  other_names  other names or spellings, separated by ";"
  sex          F/female, M/male (anything else: not known)
  age          age in years ("14", "about 14")
  birth_year   year of birth (used instead of age when both are given)
  age_year     the year the age was taken (default: this year)
  district     district name or jurisdiction code (e.g. North 24 Parganas, IN-WB-N24P)
  father_name  father's or husband's name

Output columns: left_id, right_id, match_weight (log2 Bayes factor), match_probability,
left_name, right_name, then weight_<field> and level_<field> for each field compared
(name, given, family, sex, birth_year, district). When de-duplicating, left and right are
two records of the same file.

Records that cannot be used (empty name, unsupported script, impossible age) are skipped and
listed on stderr with the reason; the number of pairs compared is printed."""

COLUMNS = ("id", "name", "other_names", "sex", "age", "birth_year", "age_year", "district", "father_name")


def read_people(path: Path) -> list[dict]:
    """The rows of a CSV file with its header normalised to the documented column names."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    raw = path.read_bytes()
    if b"\0" in raw[:4096]:
        raise CommandError(f"{path}: not a CSV file (it holds binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not a UTF-8 CSV file (byte {exc.start} cannot be read)") from exc
    if not text.strip():
        raise CommandError(f"{path}: the file is empty")
    first = text.splitlines()[0]
    delimiter = next((d for d in (",", "\t", ";") if d in first), ",")  # from the header: names hold no commas
    try:
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error as exc:
        raise CommandError(f"{path}: not a readable CSV file ({exc})") from exc
    header = [_column(h) for h in rows[0]]
    if "name" not in header:
        found = ", ".join(h for h in rows[0] if h.strip()) or "none"
        raise CommandError(f"{path}: no 'name' column (columns found: {found}). See --help for the columns.")
    people = []
    for values in rows[1:]:
        if not any(v.strip() for v in values):
            continue  # a blank line
        people.append({key: value for key, value in zip(header, values, strict=False) if key in COLUMNS})
    return people


def _column(heading: str) -> str:
    key = heading.strip().lower().replace(" ", "_").replace("-", "_")
    return {"other_name": "other_names", "aliases": "other_names", "father": "father_name",
            "fathers_name": "father_name", "father's_name": "father_name", "husband_name": "father_name",
            "year_of_birth": "birth_year"}.get(key, key)


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
        if right is None:
            result = linkage.dedupe(left, **kwargs)
            names = {"": {_id(row, n): row.get("name", "") for n, row in enumerate(left, start=1)}}
        else:
            result = linkage.link(left, right, **kwargs)
            names = {"left": {_id(row, n): row.get("name", "") for n, row in enumerate(left, start=1)},
                     "right": {_id(row, n): row.get("name", "") for n, row in enumerate(right, start=1)}}

        self._write(out, result, names, linkage.FIELDS)
        self._report_skipped(result.skipped)
        self.stdout.write(f"{result.comparisons} pairs compared; {len(result.pairs)} at or above probability "
                          f"{threshold:g} written to {out}")

    def _write(self, out: Path, result, names: dict, fields) -> None:
        header = ["left_id", "right_id", "match_weight", "match_probability", "left_name", "right_name"]
        header += [f"weight_{f}" for f in fields] + [f"level_{f}" for f in fields]
        left_names = names["left"] if "left" in names else names[""]
        right_names = names["right"] if "right" in names else names[""]
        # written beside the target, then moved over it: a failure leaves no half-written file
        fd, tmp = tempfile.mkstemp(prefix=".pairs-", suffix=".csv", dir=out.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                for pair in result.pairs:
                    writer.writerow([pair.left_id, pair.right_id, f"{pair.match_weight:.4f}",
                                     f"{pair.match_probability:.6f}", left_names.get(pair.left_id, ""),
                                     right_names.get(pair.right_id, "")]
                                    + [f"{pair.fields.get(f, 0.0):.4f}" for f in fields]
                                    + [pair.levels.get(f, "") for f in fields])
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _report_skipped(self, skipped) -> None:
        if not skipped:
            self.stderr.write("0 records skipped")
            return
        by_reason = Counter(s.reason.split(" (")[0] for s in skipped)
        summary = ", ".join(f"{reason}: {count}" for reason, count in by_reason.most_common())
        self.stderr.write(f"{len(skipped)} records skipped ({summary})")
        for s in skipped:
            where = f"{s.side} " if s.side else ""
            self.stderr.write(f"  skipped {where}record {s.id}: {s.reason}")


def _id(row: dict, number: int) -> str:
    return (row.get("id") or "").strip() or str(number)

