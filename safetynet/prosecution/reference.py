"""The table of offences (data/law_sections.csv): loaded by migration 0002 on every
installation, and again by ``load_law_sections`` where a database was emptied after migrating
(the test suite's transactional tests flush every table, reference data included)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "law_sections.csv"


def rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [{"code": r["code"], "country": r["country"], "act": r["act"], "section": r["section"],
                 "title": r["title"], "max_punishment": r["max_punishment"],
                 "charge_sheet_days": int(r["charge_sheet_days"]) if r["charge_sheet_days"] else None}
                for r in csv.DictReader(f)]


def load_law_sections(model=None) -> int:
    """Add the sections the table lacks; never changes one an administrator edited."""
    if model is None:
        from .models import LawSection as model
    known = set(model.objects.values_list("code", flat=True))
    new = [model(**r) for r in rows() if r["code"] not in known]
    model.objects.bulk_create(new)
    return len(new)
