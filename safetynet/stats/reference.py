"""Loading published reference tables. Each table's columns are renamed to canonical keys
(the transcriptions spell headers differently: "states/UT", "trails", a column named "x"),
numbers become ints or floats, and an empty cell stays None — never 0, because "not
published" and "zero" differ. Loading a dataset again replaces its rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import ReferenceDataset, ReferenceRow

NCRB_SOURCE = ("NCRB, Crime in India 2018, Human Trafficking chapter (MHA, Government of India), as transcribed in "
               "github.com/bsnandhini/unmasking-human-trafficking-tableau; see ../shared/data/ncrb/SOURCE.md")


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    filename: str
    region: str  # the column holding the state or UT
    region_type: str
    group: str  # the column splitting a state's rows ("" for none)
    columns: dict[str, str]  # published header -> canonical key


NCRB_2018 = [
    Table("ncrb-2018-police-disposal", "Police and court disposal of human trafficking cases, 2018", "police.csv",
          "states/UT", "region type", "", {
              "Total number of cases": "cases_total",
              "cases chargesheeted by police": "chargesheeted",
              "cases with final reports by police": "final_reports",
              "chargesheeting rate": "chargesheeting_rate",
              "cases convicted by court": "convicted",
              "cases acquitted/discharged by court": "acquitted",
              "cases in which trails were completed": "trials_completed",
              "cases conviction rate": "conviction_rate"}),
    Table("ncrb-2018-persons-disposal", "Disposal of persons arrested for human trafficking, 2018",
          "culprits_disposal_2018.csv", "State/UT", "region type", "", {
              "Persons Arrested": "arrested", "Persons Chargesheeted": "chargesheeted",
              "Persons Convicted": "convicted", "Persons Acquitted/ discharged by the Court": "acquitted"}),
    Table("ncrb-2018-victims-trafficked", "Victims of human trafficking by age group and sex, 2018",
          "victims_trafficked.csv", "State/UT", "x", "Age Group", {
              "Male": "male", "Female": "female", "Total_victims_trafficked": "total"}),
]


def _number(text: str):
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    return float(text) if "." in text else int(text)


def load_table(directory: Path, table: Table, year: int, source: str) -> int:
    path = Path(directory) / table.filename
    with path.open(encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        headers = {h.strip(): h for h in reader.fieldnames or []}
        missing = [h for h in [table.region, *table.columns] if h not in headers]
        if missing:
            raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows = []
        for raw in reader:
            region = raw[headers[table.region]].strip()
            if not region:
                continue
            rows.append(ReferenceRow(
                region=region, region_type=(raw.get(headers.get(table.region_type, ""), "") or "").strip(),
                group=(raw.get(headers.get(table.group, ""), "") or "").strip() if table.group else "",
                values={key: _number(raw[headers[h]]) for h, key in table.columns.items()}))
    with transaction.atomic():
        dataset, _created = ReferenceDataset.objects.update_or_create(code=table.code, defaults={
            "title": table.title, "source": source, "year": year, "loaded_at": timezone.now()})
        dataset.rows.all().delete()
        for row in rows:
            row.dataset = dataset
        ReferenceRow.objects.bulk_create(rows)
    return len(rows)


def load_ncrb_2018(directory: Path) -> dict[str, int]:
    return {t.code: load_table(directory, t, 2018, NCRB_SOURCE) for t in NCRB_2018}
