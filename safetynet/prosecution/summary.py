"""The court-ready case summary as a PDF (reportlab: pure Python, no system libraries, BSD
licence; see docs/decisions/0003-case-summary-pdf.md).

Two versions. The **standard** one names every person by their pseudonymous code and can be
printed, emailed to a prosecutor's office or filed anywhere. The **court** version adds the
names of the victims, witnesses and accused — only for a user who may record court matters
and may see each person's identity; every name printed is an AccessEvent, and the document
itself is an AuditEvent, whichever version.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from safetynet.access import policy
from safetynet.access.lookups import can_view_identity, get_identity_for
from safetynet.audit.services import record
from safetynet.cases.models import Case

from . import indicators

VERSIONS = ("standard", "court")


def en(text: str) -> str:
    """The summary is printed in English for the courts (decision 0003), so its own words are
    not in the translation catalogues; choice labels are rendered under English anyway."""
    return text


def _d(value) -> str:
    return date_format(value, "d M Y") if value else "—"


def case_summary_pdf(*, actor, case: Case, version: str = "standard") -> bytes:
    """The PDF bytes, in English whatever the page language (reportlab cannot shape Indic
    scripts: docs/decisions/0003-case-summary-pdf.md). ``version="court"`` needs court.edit
    on the case and identity.view on each person named; otherwise PermissionDenied and
    nothing is logged or produced."""
    with translation.override("en"):
        return _case_summary_pdf(actor, case, version)


def _case_summary_pdf(actor, case: Case, version: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if version not in VERSIONS:
        raise PermissionDenied(en("Unknown version of the summary."))
    if not Case.objects.visible_to(actor, policy.Cap.LEGAL_VIEW).filter(pk=case.pk).exists():
        raise PermissionDenied(en("Your role does not allow this on this case."))
    parties = list(case.parties.select_related("person", "person__identity").order_by("role", "id"))
    court = version == "court"
    if court:
        if not Case.objects.visible_to(actor, policy.Cap.COURT_EDIT).filter(pk=case.pk).exists():
            raise PermissionDenied(en("Only the prosecutor or the AHTU may print the court version."))
        hidden = [p.person.code for p in parties if not can_view_identity(actor, p.person)]
        if hidden:
            raise PermissionDenied(en("You may not see who %(codes)s are, so the court version cannot name them.")
                                   % {"codes": ", ".join(hidden)})

    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Italic"]
    from reportlab.lib.styles import ParagraphStyle

    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)  # table text, like the plain cells
    out = io.BytesIO()
    confidential = en("CONFIDENTIAL — court version: contains names protected by law (BNS s.72, POCSO s.23, "
                     "JJ Act s.74). Do not copy or share.") if court else en(
        "Persons are named by their SafetyNet codes only. Their identities are withheld.")

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 10 * mm, f"{case.reference} · {confidential[:150]}")
        canvas.drawRightString(195 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=f"{case.reference} — {en('Case summary')}",
                            author="SafetyNet")
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                       ("VALIGN", (0, 0), (-1, -1), "TOP")])

    names: dict[int, str] = {}
    if court:
        for p in parties:
            identity = get_identity_for(actor, p.person, purpose="court summary")
            names[p.person_id] = (identity or {}).get("name_latin") or en("(no name recorded)")

    def who(party) -> str:
        return f"{party.person.code} — {names[party.person_id]}" if court and party else (
            party.person.code if party else "—")

    story = [Paragraph(f"<b>{en('Case summary')}: {case.reference}</b>", styles["Title"]),
             Paragraph(f"{case.title} · {case.get_kind_display()} · {case.jurisdiction.name} · "
                       f"{case.owning_agency.name}", body),
             Paragraph(confidential, small), Spacer(1, 4 * mm)]
    firs = list(case.firs.select_related("police_station").prefetch_related("sections"))
    story += [Paragraph(f"<b>{en('First information reports')}</b>", styles["Heading3"]),
              Table([[en("FIR number"), en("Police station"), en("Registered on"), en("Sections of law")]] + [
                  [f.number, f.police_station.name, _d(f.registered_on),
                   Paragraph(", ".join(f"{s.short_act} s.{s.section}" for s in f.sections.all()), cell)]
                  for f in firs], style=grid, repeatRows=1)]
    accused = list(case.accused.select_related("party__person"))
    story += [Paragraph(f"<b>{en('Accused')}</b>", styles["Heading3"]),
              Table([[en("Code"), en("Person"), en("Arrested on"), en("Custody"), en("Police report"),
                      en("Verdict")]] + [
                  [a.code, Paragraph(who(a.party), cell), _d(a.arrested_on), a.get_custody_display(),
                   f"{a.get_report_display()} {_d(a.report_on)}" if a.report else "—",
                   Paragraph(f"{a.get_verdict_display()} {_d(a.verdict_on)} {a.sentence}" if a.verdict else "—", cell)]
                  for a in accused], style=grid, repeatRows=1)]
    witnesses = [p for p in parties if p.role in ("victim", "witness")]
    story += [Paragraph(f"<b>{en('Victims and witnesses')}</b>", styles["Heading3"]),
              Table([[en("Person"), en("Role"), en("Protection now")]] + [
                  [Paragraph(who(p), cell), p.get_role_display(), Paragraph(", ".join(
                      m.get_kind_display() for m in case.protection_measures.filter(party=p)
                      if m.active_on(timezone.localdate())) or "—", cell)] for p in witnesses], style=grid,
                  repeatRows=1)]
    for court_case in case.court_cases.all():
        story += [Paragraph(f"<b>{court_case.court} — {court_case.number}</b> ({en('filed')} "
                            f"{_d(court_case.filed_on)})", styles["Heading3"]),
                  Table([[en("Date"), en("What happened"), en("Next date"), en("Victims and witnesses")]] + [
                      [_d(h.held_on), Paragraph(h.get_outcome_display() + (
                          f": {h.get_adjourned_because_display()}" if h.adjourned_because else ""), cell),
                       _d(h.next_date), Paragraph("; ".join(
                           f"{who(w.party)}: {en('came') if w.attended else en('absent')}"
                           + (f" ({en('turned hostile')})" if w.turned_hostile else "")
                           for w in h.attendance.select_related("party__person")) or "—", cell)]
                      for h in court_case.hearings.all()], style=grid, repeatRows=1)]
    figures = indicators.case_indicators(Case.objects.filter(pk=case.pk))
    story += [Spacer(1, 4 * mm), Paragraph(
        en("Hearings: %(h)s, adjourned: %(a)s. Witness attendance: %(att)s of %(sum)s summoned.") % {
            "h": figures["hearings"], "a": figures["adjournments"], "att": figures["attended"],
            "sum": figures["summoned"]}, body),
        Paragraph(en("Printed by %(user)s on %(when)s from SafetyNet.") % {
            "user": actor.get_username(), "when": date_format(timezone.localtime(), "d M Y H:i")}, small)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    with transaction.atomic():
        record(actor=actor, action="legal.summary_pdf", obj=case, agency=case.owning_agency,
               changes={"version": version, "named": len(names)})
    return out.getvalue()
