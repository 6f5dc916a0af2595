"""Load the jurisdiction tree shipped in data/jurisdictions.csv (built by
scripts/build_geography.py from ../shared/data/geo). Idempotent: codes are stable keys."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from safetynet.audit.services import record

from .models import Jurisdiction

DATA = Path(__file__).resolve().parent / "data" / "jurisdictions.csv"


def load_geography(path: Path = DATA) -> tuple[int, int]:
    created = updated = 0
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_code: dict[str, Jurisdiction] = {j.code: j for j in Jurisdiction.objects.all()}
    with transaction.atomic():
        for row in rows:  # parents come before children in the file
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            values = {"name": row["name"], "name_local": row["name_local"], "level": row["level"],
                      "parent": parent, "short_code": row["short_code"], "census_code": row["census_code"]}
            node = by_code.get(row["code"])
            if node is None:
                node = Jurisdiction(code=row["code"], **values)
                node.save()
                created += 1
            elif any(getattr(node, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(node, k, v)
                node.save()
                updated += 1
            by_code[node.code] = node
        if created or updated:
            record(actor=None, action="geography.load", object_type="agencies.jurisdiction",
                   object_id=path.name, changes={"created": created, "updated": updated})
    return created, updated
