"""The dashboard as files: CSV (one table, or all of them in long form), XLSX (one sheet per
table) and a printable PDF report for a donor or a ministry.

All three render ``dashboard.Dashboard``, the structure the page renders, so they hold the
page's numbers; a suppressed cell stays "<5" and a rounded total stays "≈ …". A cell that
the page shows as an exact number is written as a number.
"""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .dashboard import Dashboard, Table, cell_value
from .services import ROUND_TO, SMALL_CELL

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START) and value != "—":
        return "'" + value
    return value


def source_line(dash: Dashboard) -> str:
    return _("Source: SafetyNet records, counted on %(when)s. Counts below %(n)s are shown as \"<%(n)s\" (with "
             "another cell hidden when only one would be) and totals are rounded to the nearest %(r)s, so that "
             "nobody can be recognised.") % {"when": date_format(dash.generated_at, "j M Y, H:i"), "n": SMALL_CELL,
                                             "r": ROUND_TO}


def _table_rows(table: Table) -> list[list]:
    if table.chart == "figures":
        return [[r["label"], _safe(cell_value(r)), r.get("definition", "")] for r in table.rows]
    return [[_safe(r["label"]), _safe(cell_value(r))] for r in table.rows]


def _headers(table: Table) -> list[str]:
    head = [table.label_heading, table.value_heading]
    return head + [_("Definition")] if table.chart == "figures" else head


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers(table))
    writer.writerows(_table_rows(table))
    return out.getvalue()


def all_csv(dash: Dashboard) -> str:
    """Every table in long form: table, table title, row, value (one header row, machine-readable)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "title", "row", "value"])
    for table in dash.tables():
        for r in table.rows:
            writer.writerow([table.key, table.title, _safe(r["label"]), _safe(cell_value(r))])
    return out.getvalue()


def xlsx(dash: Dashboard) -> bytes:
    """One sheet per table, after an "About" sheet with the filters, the source and the rules."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    about.append([_("SafetyNet indicator dashboard")])
    about["A1"].font = Font(bold=True, size=14)
    for what, chosen in dash.filters.describe():
        about.append([what, chosen])
    about.append([source_line(dash)])
    about.append([])
    about.append([_("Sheet"), _("Table"), _("What it shows"), _("Definition")])
    for cell in about[about.max_row]:
        cell.font = Font(bold=True)
    tables = dash.tables()
    for table in tables:
        about.append([table.key[:31], table.title, table.description, table.definition])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 40
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([table.description])
        sheet.append([dash.filters.sentence()])
        sheet.append([])
        sheet.append(_headers(table))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in _table_rows(table):
            sheet.append(row)
        sheet.append([])
        sheet.append([_("Definition"), table.definition])
        if table.note:
            sheet.append([_("Note"), table.note])
        sheet.column_dimensions["A"].width = 42
        sheet.column_dimensions["B"].width = 16
        if table.chart == "figures":
            sheet.column_dimensions["C"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- the PDF report


def _latin(text: str) -> str:
    """Helvetica (reportlab's built-in font) has no "≈": the report says "about" instead."""
    return str(text).replace("≈ ", "about ").replace("≈", "about ")


def _pdf_chart(table: Table, width: float, height: float):
    """A column chart of a series for the printed report (reportlab's own graphics; suppressed
    cells are drawn as nothing, the table under it says "<5")."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    values = [r["n"] or 0 for r in table.rows]
    if not any(values):
        return None
    every = max(1, -(-len(values) // 8))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 18, width - 44, height - 26
    chart.data = [values]
    chart.categoryAxis.categoryNames = [r["label"] if i % every == 0 else "" for i, r in enumerate(table.rows)]
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.bars[0].fillColor = colors.HexColor("#0b5cad")
    chart.bars[0].strokeColor = None
    drawing = Drawing(width, height)
    drawing.add(chart)
    return drawing


def pdf(dash: Dashboard) -> bytes:
    """A printable report: the filters, then each section's figures with their definitions and each
    table; English labels (reportlab does not shape Bengali or Devanagari: decision 0003)."""
    with translation.override("en"):
        return _pdf(dash)


def _pdf(dash: Dashboard) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#55606b"))
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5)
    num = ParagraphStyle("num", parent=cell, alignment=2)
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#8c959f")),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTSIZE", (0, 0), (-1, -1), 8.5)])

    def p(text, style=body):
        return Paragraph(escape(_latin(text)), style)

    title = _("SafetyNet indicator report")
    generated = date_format(dash.generated_at, "j M Y, H:i")
    out = io.BytesIO()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 10 * mm, f"{title} · {generated} · " + _latin(dash.filters.sentence())[:140])
        canvas.drawRightString(195 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=title, author="SafetyNet",
                            subject=_latin(dash.filters.sentence()))
    story = [Paragraph(f"<b>{escape(title)}</b>", styles["Title"]),
             Table([[p(what, cell), p(chosen, cell)] for what, chosen in dash.filters.describe()],
                   colWidths=[40 * mm, 140 * mm], style=grid),
             Spacer(1, 3 * mm), p(source_line(dash), small), Spacer(1, 4 * mm)]
    for section in dash.sections:
        story.append(p(section.title, styles["Heading2"]))
        story.append(p(section.intro))
        for note in section.notes:
            story.append(p(note, small))
        if section.figures:
            rows = [[p(_("Figure"), cell), p(_("Value"), cell), p(_("Definition"), cell)]]
            for fig in section.figures:
                definition = fig.definition + (f" {fig.note}" if fig.note else "")
                rows.append([p(fig.label, cell), p(fig.value["display"], num), p(definition, small)])
            story += [Spacer(1, 2 * mm), Table(rows, colWidths=[55 * mm, 25 * mm, 100 * mm], style=grid,
                                               repeatRows=1)]
        for table in section.tables:
            rows = [[p(table.label_heading, cell), p(table.value_heading, cell)]]
            rows += [[p(r["label"], cell), p(r["display"], num)] for r in table.rows] or [
                [p(_("Nothing to count yet."), cell), p("", cell)]]
            block = [p(table.title, styles["Heading4"]), p(table.description, small),
                     p(_("Definition: %(text)s") % {"text": table.definition}, small)]
            if table.note:
                block.append(p(table.note, small))
            if table.chart == "columns":
                drawing = _pdf_chart(table, 180 * mm, 50 * mm)
                if drawing is not None:
                    block.append(drawing)
            if table.chart == "columns" and len(rows) > 8:
                # A long series: period and value side by side, four pairs a line.
                pairs = [cell_pair for r in rows[1:] for cell_pair in r]
                lines = [pairs[i:i + 8] + [""] * max(0, i + 8 - len(pairs)) for i in range(0, len(pairs), 8)]
                block.append(Table(lines, colWidths=[25 * mm, 20 * mm] * 4, style=grid))
            else:
                block.append(Table(rows, colWidths=[120 * mm, 35 * mm], style=grid, repeatRows=1))
            story += [Spacer(1, 3 * mm), KeepTogether(block) if len(rows) <= 30 else block[0]]
            if len(rows) > 30:
                story += block[1:]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
