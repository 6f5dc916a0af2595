"""Our HTCDS codes are the standard's own: every code in htcds.py is a value name of the named
list in IOM's HTCDS 2.0 XLSForm (../shared/data/htcds/htcds_xlsform.xlsx), and every HTCDS
field we map is a question of that form, asked with that list."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from safetynet.care import htcds

SHARED = Path(settings.BASE_DIR).parent / "shared" / "data" / "htcds" / "htcds_xlsform.xlsx"
# The same file (same checksum), kept with the tips tests for checkouts without ../shared.
COPY = Path(settings.BASE_DIR) / "safetynet" / "tips" / "tests" / "data" / "htcds_xlsform.xlsx"


def _rows(sheet) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows)]
    return [dict(zip(header, row, strict=False)) for row in rows]


@cache
def xlsform() -> tuple[dict[str, set[str]], dict[str, str]]:
    """(list name -> value names, survey field name -> type), values stripped of stray spaces."""
    path = SHARED if SHARED.exists() else COPY
    assert path.exists(), f"The HTCDS XLSForm is missing: {SHARED}"
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        choices: dict[str, set[str]] = {}
        for row in _rows(book["choices"]):
            if row.get("list_name") and row.get("name") is not None:
                choices.setdefault(str(row["list_name"]).strip(), set()).add(str(row["name"]).strip())
        survey = {str(row["name"]).strip(): " ".join(str(row["type"]).split())
                  for row in _rows(book["survey"]) if row.get("name") and row.get("type")}
    finally:
        book.close()
    return choices, survey


def test_the_form_was_read():
    choices, survey = xlsform()
    assert len(choices) > 10 and len(survey) > 20
    assert "DebtBondage" in choices["methodsofcontrol"]  # 'DebtBondage ' in the file: the space is stripped


@pytest.mark.parametrize("field", sorted(htcds.MULTI_FIELDS))
def test_multi_field_codes_are_htcds_values(field):
    choices, _survey = xlsform()
    _htcds_field, list_name, codes = htcds.MULTI_FIELDS[field]
    assert list_name in choices, f"no list {list_name!r} in the XLSForm's choices sheet"
    unknown = sorted({code for code, _label in codes} - choices[list_name])
    assert not unknown, f"{field}: not HTCDS values of {list_name}: {unknown}"


@pytest.mark.parametrize("field", sorted(htcds.MULTI_FIELDS))
def test_multi_fields_are_questions_of_the_form_with_that_list(field):
    _choices, survey = xlsform()
    htcds_field, list_name, _codes = htcds.MULTI_FIELDS[field]
    assert htcds_field in survey, f"no field {htcds_field!r} in the XLSForm's survey sheet"
    assert survey[htcds_field] == f"select_multiple {list_name}"


def test_codes_are_unique_within_each_field():
    for field, (_name, _list, codes) in htcds.MULTI_FIELDS.items():
        values = [code for code, _label in codes]
        assert len(values) == len(set(values)), field


def test_trafficking_status_codes_are_htcds_values():
    choices, survey = xlsform()
    assert set(htcds.TraffickingStatus.values) <= choices["traffickingstatus"]
    assert survey["vic_TraffickingStatus"] == "select_one traffickingstatus"
