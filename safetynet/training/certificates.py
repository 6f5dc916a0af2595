"""Completion certificates as PDF, drawn with reportlab like the case summary
(docs/decisions/0003-case-summary-pdf.md: pure Python, nothing from the operating system).

A certificate is printed in English, and reportlab's built-in fonts print Latin letters only
(no shaping of Bengali or Devanagari, decision 0003). A trainee whose name, organisation or
programme is written in another script is refused with a message asking for the Latin
spelling, rather than printed as boxes. Issuing (numbers, audit) is services.issue_certificate.
"""

from __future__ import annotations

import io
from html import escape

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Trainee, programme_days


def en(text: str) -> str:
    """The certificate's own words are printed in English (decision 0003), not translated."""
    return text


def _printed_texts(trainee: Trainee) -> list[str]:
    p = trainee.programme
    return [trainee.full_name, trainee.organisation, trainee.designation, p.title, p.venue,
            p.centre.name if p.centre else "", p.owning_agency.name]


def _printable(text: str) -> bool:
    try:
        text.encode("cp1252")  # what the standard PDF fonts (WinAnsiEncoding) can show
    except UnicodeEncodeError:
        return False
    return True


def check_printable(trainees: list[Trainee]) -> None:
    """ValidationError (naming nobody) when a certificate would have to print letters the PDF
    fonts do not have."""
    bad = [t for t in trainees if not all(_printable(s) for s in _printed_texts(t))]
    if not bad:
        return
    if len(bad) == 1 and len(trainees) == 1:
        raise ValidationError(_("The certificate is printed in Latin letters, and this trainee's name, organisation "
                                "or the programme's details are written in another script. Write them in Latin "
                                "letters on the trainee's record (and the programme's), then print again."))
    raise ValidationError(_("%(n)s of the trainees have a name or organisation written in a script the certificate "
                            "cannot print (it is printed in Latin letters). Write them in Latin letters on their "
                            "records, then print again.") % {"n": len(bad)})


def _d(value) -> str:
    return date_format(value, "j F Y")


def render(trainees: list[Trainee]) -> bytes:
    """One landscape A4 page per trainee. Call inside the issuing transaction (numbers set)."""
    with translation.override("en"):
        return _render(trainees)


def _render(trainees: list[Trainee]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    out = io.BytesIO()
    size = landscape(A4)
    first = trainees[0].programme
    title = en("Certificate of completion") if len(trainees) == 1 else en("Certificates of completion")
    doc = SimpleDocTemplate(out, pagesize=size, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=f"{title} — {first.title}", author="SafetyNet")

    def frame(canvas, _doc):
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#102a43"))
        canvas.setLineWidth(3)
        canvas.rect(10 * mm, 10 * mm, size[0] - 20 * mm, size[1] - 20 * mm)
        canvas.setLineWidth(0.8)
        canvas.rect(13 * mm, 13 * mm, size[0] - 26 * mm, size[1] - 26 * mm)
        canvas.restoreState()

    center = ParagraphStyle("center", fontName="Helvetica", fontSize=13, leading=18, alignment=TA_CENTER)
    heading = ParagraphStyle("heading", parent=center, fontName="Helvetica-Bold", fontSize=28, leading=34,
                             textColor=colors.HexColor("#102a43"))
    name = ParagraphStyle("name", parent=center, fontName="Times-BoldItalic", fontSize=30, leading=36)
    programme = ParagraphStyle("programme", parent=center, fontName="Helvetica-Bold", fontSize=17, leading=22)
    small = ParagraphStyle("small", parent=center, fontSize=10, leading=13, textColor=colors.HexColor("#444444"))

    story: list = []
    for i, t in enumerate(trainees):
        p = t.programme
        days = programme_days(p)
        who = ", ".join(escape(s) for s in (t.designation, t.organisation) if s)
        when = (_d(p.starts_on) if days == 1 else en("from %(start)s to %(end)s (%(days)s days)") % {
            "start": _d(p.starts_on), "end": _d(p.ends_on), "days": days})
        where = escape(p.venue) + (f" — {escape(p.centre.name)}" if p.centre else "")
        story += [
            Paragraph(escape(p.owning_agency.name), small), Spacer(1, 6 * mm),
            Paragraph(en("Certificate of completion"), heading), Spacer(1, 8 * mm),
            Paragraph(en("This is to certify that"), center), Spacer(1, 4 * mm),
            Paragraph(escape(t.full_name), name), Spacer(1, 2 * mm),
            Paragraph(who, center), Spacer(1, 6 * mm),
            Paragraph(en("attended every day of the training programme"), center), Spacer(1, 3 * mm),
            Paragraph(escape(p.title), programme), Spacer(1, 3 * mm),
            Paragraph(f"{en('held at')} {where}, {when}.", center), Spacer(1, 14 * mm),
            Paragraph(en("Issued by %(agency)s on %(date)s.") % {
                "agency": escape(p.owning_agency.name), "date": _d(t.certificate_issued_on)}, center),
            Spacer(1, 6 * mm),
            Paragraph(en("Certificate number: %(number)s · Verification code: %(code)s") % {
                "number": t.certificate_number, "code": t.verification_code}, small),
            Paragraph(en("To verify this certificate, ask the issuing agency, giving both."), small),
        ]
        if i < len(trainees) - 1:
            story.append(PageBreak())
    doc.build(story, onFirstPage=frame, onLaterPages=frame)
    return out.getvalue()
