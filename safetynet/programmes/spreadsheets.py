"""Bulk import of records from spreadsheets (CSV or XLSX), generic over record types.

Programme officers keep their figures in spreadsheets; this module turns a file into records
through the same forms and services as the web pages, so a row is checked exactly like the
form a person fills in. It knows nothing of programmes: another app (trainee lists, for
example) reuses it by writing one ``ImportSpec`` per record type.

An ``ImportSpec`` is

- ``form``: a Django form whose field names are the file's column names. Its fields say what
  a cell may hold (``DateField`` -> a date, ``ChoiceField`` -> one of the codes, ...), and the
  template's Help sheet is written from them (label, help text, required, allowed values);
- ``save(form, actor)``: the service call for one valid row. It raises ``ValidationError``
  whose ``error_dict`` keys are the form's field names (other keys are reported for the row);
- ``form_kwargs(actor)``: keyword arguments for every row's form, built once per file (the
  lookups a row needs: places, committees...), and ``example``: one example row;
- ``capability``: the capability the importer must hold (the audit event names its agency).

The flow (``import_file``), which never raises for a bad file:

1. ``read_table``: only ``.csv`` (UTF-8, with or without a byte-order mark; comma, semicolon
   or tab) and ``.xlsx`` (the sheet named "Data", else the first), at most ``MAX_BYTES`` and
   ``MAX_ROWS`` data rows; anything else is one clear message;
2. the header row: an unknown, missing (required) or repeated column is reported before any
   row is read;
3. every row, in one transaction: cells normalised (yes/no, codes or labels, "1,200"), the
   form validated, the service called; each problem is a ``RowError`` (spreadsheet row number,
   the header being row 1; column; message);
4. any problem: the transaction is rolled back, **nothing is imported**, and the report lists
   every problem (up to ``MAX_ERRORS``). Otherwise all rows are saved.

Either way one audit event (``spec.audit_action``) records the counts. Messages never quote a
cell's value (the file may hold text nobody should see in a log); they may quote the header.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
# Every row goes through its service and writes its audit event (about 9 ms a row on SQLite on a
# shared 2-core machine): 2,000 rows answer in under 20 seconds, inside a web request's timeout.
MAX_ROWS = 2_000
MAX_COLUMNS = 60
MAX_ERRORS = 1_000
MAX_XLSX_UNPACKED = 60 * 1024 * 1024  # a 2 MB .xlsx that unpacks to more is a zip bomb, not a spreadsheet
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
YES = {"yes", "y", "true", "1", "active", "हाँ", "হ্যাঁ", "हो"}
NO = {"no", "n", "false", "0", "inactive", "नहीं", "না", "होइन"}


class BadFile(ValueError):
    """The file cannot be read as a table. The message is for the person who sent it."""


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: 1 is the header row
    column: str  # the column's name, "" for the row as a whole
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    truncated: bool = False  # stopped after MAX_ERRORS problems

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportSpec:
    key: str
    title: str | Promise
    form: type[forms.Form]
    save: Callable[[forms.Form, Any], Any]
    capability: str
    audit_action: str
    form_kwargs: Callable[[Any], dict] = lambda actor: {}
    example: dict[str, str] = field(default_factory=dict)
    notes: tuple[str | Promise, ...] = ()  # extra lines for the Help sheet


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool
    allowed: str
    help: str
    example: str


# --------------------------------------------------------------------------- columns


def _allowed(f: forms.Field) -> str:
    if isinstance(f, forms.BooleanField):
        return _("yes or no (empty: yes)") if f.initial else _("yes or no (empty: no)")
    if isinstance(f, forms.DateField):
        return _("a date: YYYY-MM-DD (2026-11-28) or DD/MM/YYYY (28/11/2026)")
    if isinstance(f, forms.IntegerField):
        low = f.min_value if f.min_value is not None else 0
        return _("a whole number, %(n)s or more") % {"n": low}
    if getattr(f, "accepts_names", False):
        return str(getattr(f, "allowed", "") or _("text"))
    if isinstance(f, forms.ChoiceField):
        return "; ".join(f"{value} ({label})" for value, label in _flat_choices(f) if value)
    return str(getattr(f, "allowed", "") or _("text"))


def _flat_choices(f: forms.ChoiceField) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for value, label in f.choices:  # type: ignore[union-attr, misc]  # a list once the form is built
        if isinstance(label, list | tuple):
            out.extend((str(v), str(lab)) for v, lab in label)
        else:
            out.append((str(value), str(label)))
    return out


def columns(spec: ImportSpec, form: forms.Form | None = None) -> list[Column]:
    """The file's columns, in order, with what each may hold (the template's Help sheet)."""
    form = form or spec.form()
    return [Column(name=name, label=str(f.label or name), required=f.required and not isinstance(
        f, forms.BooleanField), allowed=_allowed(f), help=str(f.help_text or ""),
        example=str(spec.example.get(name, ""))) for name, f in form.fields.items()]


def header_key(heading: str) -> str:
    """A header cell as a column name: "Formed on" -> formed_on."""
    return heading.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


# --------------------------------------------------------------------------- reading


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(raw: bytes) -> list[list[str]]:
    if b"\0" in raw[:4096]:
        raise BadFile(_("This is not a CSV file (it holds binary data). Save the sheet as CSV UTF-8 or XLSX."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(_("This CSV file is not in UTF-8. In your spreadsheet, save it as \"CSV UTF-8\" and "
                        "upload it again.")) from exc
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", ";", "\t") if d in first), ",")
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                ][: MAX_ROWS + 2]
    except csv.Error as exc:
        raise BadFile(_("This CSV file cannot be read (%(error)s).") % {"error": exc}) from exc


def _read_xlsx(raw: bytes) -> list[list[str]]:
    import openpyxl  # reads XML through defusedxml when it is installed (it is)

    unreadable = _("This XLSX file cannot be read. Open it in your spreadsheet, save it again as .xlsx and "
                   "upload it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise BadFile(_("This XLSX file is too large once unpacked; split it."))
            if "xl/workbook.xml" not in archive.namelist():
                raise BadFile(unreadable)
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except BadFile:
        raise
    except Exception as exc:  # noqa: BLE001 -- any failure of a third-party parser is "cannot be read"
        raise BadFile(unreadable) from exc
    try:
        sheet = book["Data"] if "Data" in book.sheetnames else book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in values[: MAX_COLUMNS + 1]])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except Exception as exc:  # noqa: BLE001
        raise BadFile(unreadable) from exc
    finally:
        book.close()


def read_table(name: str, raw: bytes) -> list[list[str]]:
    """The file's rows (header first) as text cells; BadFile for anything that is not a
    CSV or XLSX table within the limits."""
    lowered = (name or "").lower()
    if len(raw) > MAX_BYTES:
        raise BadFile(_("The file is larger than %(mb)s MB; split it into smaller files.") % {
            "mb": MAX_BYTES // (1024 * 1024)})
    if lowered.endswith(".xls"):
        raise BadFile(_("This is the old Excel format (.xls). Save it as .xlsx or as CSV UTF-8."))
    if lowered.endswith(".csv"):
        rows = _read_csv(raw)
    elif lowered.endswith(".xlsx"):
        if not raw.startswith(b"PK"):
            raise BadFile(_("This file is named .xlsx but is not an XLSX file."))
        rows = _read_xlsx(raw)
    else:
        raise BadFile(_("Only .csv and .xlsx files can be imported."))
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise BadFile(_("The file is empty: the first row must name the columns."))
    if len(rows) - 1 > MAX_ROWS:
        raise BadFile(_("The file has more than %(n)s rows; split it into smaller files.") % {
            "n": f"{MAX_ROWS:,}"})
    if len(rows) == 1:
        raise BadFile(_("The file has a header row but no rows below it."))
    return rows


# --------------------------------------------------------------------------- checking


def check_header(spec: ImportSpec, header: list[str], form: forms.Form) -> tuple[list[str | None], list[RowError]]:
    """The column name of each position (None: an empty, unused column) and the header's problems."""
    known = {c.name: c for c in columns(spec, form)}
    names: list[str | None] = []
    errors = []
    seen: set[str] = set()
    for _position, heading in enumerate(header, start=1):
        key = header_key(heading)
        if not key:
            names.append(None)
            continue
        if key not in known:
            errors.append(RowError(1, heading.strip(), _("Unknown column “%(column)s”. The columns are: "
                                                          "%(known)s.") % {"column": heading.strip(),
                                                                           "known": ", ".join(known)}))
        elif key in seen:
            errors.append(RowError(1, key, _("The column “%(column)s” appears twice.") % {"column": key}))
        seen.add(key)
        names.append(key if key in known else None)
    for name, column in known.items():
        if column.required and name not in seen:
            errors.append(RowError(1, name, _("The column “%(column)s” is missing.") % {"column": name}))
    return names, errors


def _normalise(f: forms.Field, value: str) -> str:
    """A cell as the form field expects it. Raises ValidationError with a cell-level message."""
    if isinstance(f, forms.BooleanField):
        if not value:
            return "on" if f.initial else ""
        low = value.strip().lower()
        if low in YES:
            return "on"
        if low in NO:
            return ""
        raise ValidationError(_("Write yes or no."))
    if isinstance(f, forms.IntegerField) and value:
        return value.replace(",", "").replace(" ", "").removesuffix(".0")
    if getattr(f, "accepts_names", False):
        return value  # the form resolves codes, ids and names itself (and refuses an ambiguous name)
    if isinstance(f, forms.ChoiceField) and value:
        choices = _flat_choices(f)
        low = value.strip().lower()
        for code, _label in choices:
            if code and low == code.lower():
                return code
        with translation.override("en"):
            english = [(c, str(lab).lower()) for c, lab in _flat_choices(f)]
        for (code, label), (_c, en_label) in zip(choices, english, strict=True):
            if code and low in (label.lower(), en_label):
                return code
        raise ValidationError(_("Not an allowed value: write one of %(codes)s.") % {
            "codes": ", ".join(code for code, _label in choices if code)})
    return value


def _form_errors(number: int, form: forms.Form) -> list[RowError]:
    out: list[RowError] = []
    for name, messages in form.errors.items():
        column = "" if name == NON_FIELD_ERRORS or name not in form.fields else name
        out.extend(RowError(number, column, str(m)) for m in messages)
    return out


def _service_errors(number: int, form: forms.Form, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [RowError(number, name if name in form.fields else "", str(m))
                for name, messages in exc.message_dict.items() for m in messages]
    return [RowError(number, "", str(m)) for m in exc.messages]


def _rows(spec: ImportSpec, actor, table: list[list[str]], result: ImportResult) -> None:
    kwargs = spec.form_kwargs(actor)
    blank = spec.form(**kwargs)
    names, header_errors = check_header(spec, table[0], blank)
    if header_errors:
        result.errors.extend(header_errors)
        return
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue  # a blank line
        result.rows += 1
        data: dict[str, str] = {}
        problems: list[RowError] = []
        extra = [v for v in cells[len(names):] if v]
        if extra:
            problems.append(RowError(number, "", _("This row has values beyond the last named column.")))
        for position, name in enumerate(names):
            if name is None:
                if position < len(cells) and cells[position]:
                    problems.append(RowError(number, "", _("This row has a value in a column without a name.")))
                continue
            value = cells[position] if position < len(cells) else ""
            try:
                data[name] = _normalise(blank.fields[name], value)
            except ValidationError as exc:
                problems.extend(RowError(number, name, str(m)) for m in exc.messages)
        for name, f in blank.fields.items():
            if name not in data and isinstance(f, forms.BooleanField) and f.initial:
                data[name] = "on"  # an optional yes/no column left out keeps its default
        if not problems:
            form = spec.form(data=data, **kwargs)
            if not form.is_valid():
                problems = _form_errors(number, form)
            else:
                try:
                    with transaction.atomic():  # a savepoint: a failed row leaves the transaction usable
                        spec.save(form, actor)
                except ValidationError as exc:
                    problems = _service_errors(number, form, exc)
                except PermissionDenied as exc:
                    problems = [RowError(number, "", str(exc) or _("Your role does not allow this."))]
                else:
                    result.imported += 1
        result.errors.extend(problems)
        if len(result.errors) >= MAX_ERRORS:
            result.truncated = True
            return


def import_file(*, actor, spec: ImportSpec, name: str, raw: bytes) -> ImportResult:
    """Import a file's rows through ``spec``: all of them, or none when anything is wrong.
    Returns the result (counts and the row-by-row problems); never raises for a bad file.
    Raises PermissionDenied when ``actor`` does not hold ``spec.capability``."""
    from safetynet.audit.services import record
    from safetynet.core.services import acting_membership

    membership = acting_membership(actor, spec.capability)
    result = ImportResult()
    file_type = "xlsx" if (name or "").lower().endswith(".xlsx") else "csv"

    def audit() -> None:
        record(actor=actor, action=spec.audit_action, object_type="import", object_id=spec.key,
               agency=membership.agency,
               changes={"kind": spec.key, "file_type": file_type, "bytes": len(raw), "rows": result.rows,
                        "imported": result.imported, "problems": len(result.errors),
                        "refused": bool(result.errors)})

    try:
        table = read_table(name, raw)
    except BadFile as exc:
        result.errors.append(RowError(0, "", str(exc)))
    else:
        with transaction.atomic():
            _rows(spec, actor, table, result)
            if result.errors:
                transaction.set_rollback(True)
            else:
                audit()  # in the transaction of the records it counts
    if result.errors:
        result.imported = 0
        with transaction.atomic():
            audit()  # the refusal is recorded too, after the rows were rolled back
    return result


# --------------------------------------------------------------------------- templates and reports


def csv_template(spec: ImportSpec) -> bytes:
    """The header row, as CSV UTF-8 with a byte-order mark (so that a spreadsheet opens
    Bengali and Devanagari text correctly)."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow([c.name for c in columns(spec)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_template(spec: ImportSpec, actor=None, extra_sheets: Iterable[tuple[str, list[str], list[list[Any]]]] = ()
                  ) -> bytes:
    """Sheet "Data": the header row (each heading carries a comment saying what to write);
    sheet "Help": the rules, then one line per column (required, what, allowed values,
    example); then any ``extra_sheets`` (title, header, rows), e.g. the codes of places."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    form = spec.form(**spec.form_kwargs(actor)) if actor is not None else spec.form()
    cols = columns(spec, form)
    book = Workbook()
    data = book.active
    data.title = "Data"
    bold = Font(bold=True)
    for position, column in enumerate(cols, start=1):
        cell = data.cell(row=1, column=position, value=column.name)
        cell.font = bold
        text = f"{column.label}. {column.allowed}." + (f" {column.help}" if column.help else "")
        text += " " + (_("Required.") if column.required else _("Optional."))
        cell.comment = Comment(text, "SafetyNet", width=320, height=140)
        data.column_dimensions[cell.column_letter].width = max(14, len(column.name) + 4)
    data.freeze_panes = "A2"
    help_sheet = book.create_sheet("Help")
    lines = [
        [str(spec.title)],
        [_("Write one record per row in the sheet “Data”, below the header row. Keep the header row "
           "as it is; a column you do not need may be left out unless it is required.")],
        [_("Dates: YYYY-MM-DD (2026-11-28) or DD/MM/YYYY (28/11/2026), or a date cell.")],
        [_("If any row has a problem, nothing is imported: the page lists each problem with its row and column; "
           "correct the file and upload it again.")],
        [_("At most %(rows)s rows and %(mb)s MB per file; .xlsx or CSV UTF-8.") % {
            "rows": f"{MAX_ROWS:,}", "mb": MAX_BYTES // (1024 * 1024)}],
        *[[str(note)] for note in spec.notes],
        [],
        [_("Column"), _("Required"), _("What"), _("Allowed values"), _("Example")],
    ]
    for line in lines:
        help_sheet.append(line)
    header_row = help_sheet.max_row
    for cell in help_sheet[header_row]:
        cell.font = bold
    help_sheet["A1"].font = Font(bold=True, size=13)
    for column in cols:
        help_sheet.append([column.name, _("yes") if column.required else _("no"),
                           column.label + (f". {column.help}" if column.help else ""), column.allowed,
                           column.example])
    for letter, width in zip("ABCDE", (22, 10, 50, 60, 24), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for title, header, rows in extra_sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        for position in range(1, len(header) + 1):
            sheet.column_dimensions[sheet.cell(row=1, column=position).column_letter].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_csv(errors: Iterable[RowError]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["row", "column", "problem"])
    for e in errors:
        writer.writerow([e.row or "", e.column, e.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
