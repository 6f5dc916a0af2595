"""Reading spreadsheets of people and writing candidate pairs: shared by ``manage.py link_csv``
and the upload page (/matching/link-files/), so both read the same columns the same way
(docs/matching.md, "Input columns" and "Output columns")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TextIO

from django.utils.translation import gettext as _

from .linkage import INPUT_COLUMNS as COLUMNS  # one list: the columns the engine reads

OUTPUT_FIRST = ["left_id", "right_id", "match_weight", "match_probability", "left_name", "right_name"]

_SYNONYMS = {"other_name": "other_names", "aliases": "other_names", "father": "father_name",
             "fathers_name": "father_name", "father's_name": "father_name", "husband_name": "father_name",
             "year_of_birth": "birth_year"}


class BadFile(ValueError):
    """The file cannot be read as a list of people. The message is for the person who sent the
    file; it may quote the file's header row (never a data row), so it is shown, never logged."""


class NoNameColumn(BadFile):
    pass


def column(heading: str) -> str:
    """A header cell as the documented column name ("Father's name" -> father_name)."""
    key = heading.strip().lower().replace(" ", "_").replace("-", "_")
    return _SYNONYMS.get(key, key)


def read_people(raw: bytes, *, max_rows: int | None = None) -> list[dict]:
    """The rows of a CSV file (bytes) with its header normalised to the documented column names.
    Raises BadFile for a file that is binary, not UTF-8, empty, has no ``name`` column, or has
    more than ``max_rows`` data rows."""
    if b"\0" in raw[:4096]:
        raise BadFile(_("not a CSV file (it holds binary data)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(_("not a UTF-8 CSV file (byte %(n)s cannot be read)") % {"n": exc.start}) from exc
    if not text.strip():
        raise BadFile(_("the file is empty"))
    lines = text.splitlines()
    delimiter = next((d for d in (",", "\t", ";") if d in lines[0]), ",")  # from the header: names hold no commas
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as exc:
        raise BadFile(_("not a readable CSV file (%(error)s)") % {"error": exc}) from exc
    header = [column(h) for h in rows[0]]
    if "name" not in header:
        found = ", ".join(h for h in rows[0] if h.strip()) or _("none")
        raise NoNameColumn(_("no 'name' column (columns found: %(found)s).") % {"found": found})
    people = []
    for values in rows[1:]:
        if not any(v.strip() for v in values):
            continue  # a blank line
        people.append({key: value for key, value in zip(header, values, strict=False) if key in COLUMNS})
        if max_rows is not None and len(people) > max_rows:
            raise BadFile(_("more than %(n)s rows; split the file") % {"n": f"{max_rows:,}"})
    return people


def row_id(row: dict, number: int) -> str:
    """A record's id: its ``id`` cell, or its row number (1 = the first row after the header)."""
    return (row.get("id") or "").strip() or str(number)


def names_by_id(rows: Iterable[dict]) -> dict[str, str]:
    return {row_id(row, n): row.get("name", "") for n, row in enumerate(rows, start=1)}


def link_rows(left: list[dict], right: list[dict] | None, **kwargs):
    """Link ``left`` with ``right``, or de-duplicate ``left`` when ``right`` is None. Returns the
    LinkResult and the names by id of each side (for the output's name columns)."""
    from . import linkage

    if right is None:
        result = linkage.dedupe(left, **kwargs)
        names = names_by_id(left)
        return result, names, names
    result = linkage.link(left, right, **kwargs)
    return result, names_by_id(left), names_by_id(right)


def write_pairs(fh: TextIO, result, left_names: dict[str, str], right_names: dict[str, str]) -> None:
    """The pairs as CSV (docs/matching.md, "Output columns"), best first."""
    from .linkage import FIELDS

    writer = csv.writer(fh)
    writer.writerow(OUTPUT_FIRST + [f"weight_{f}" for f in FIELDS] + [f"level_{f}" for f in FIELDS])
    for pair in result.pairs:
        writer.writerow([pair.left_id, pair.right_id, f"{pair.match_weight:.4f}", f"{pair.match_probability:.6f}",
                         left_names.get(pair.left_id, ""), right_names.get(pair.right_id, "")]
                        + [f"{pair.fields.get(f, 0.0):.4f}" for f in FIELDS]
                        + [pair.levels.get(f, "") for f in FIELDS])


def pairs_csv(result, left_names: dict[str, str], right_names: dict[str, str]) -> bytes:
    buffer = io.StringIO(newline="")
    write_pairs(buffer, result, left_names, right_names)
    return buffer.getvalue().encode("utf-8")
