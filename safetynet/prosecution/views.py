"""The legal file of a case, the charge-sheet deadline list and the prosecution indicators.
Thin: every write is a services.py call; a refused write shows the page again with the
message beside the field and nothing saved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import (
    get_accused_for,
    get_court_case_for,
    get_hearing_for,
    get_legal_case_for,
    get_measure_for,
    get_suspect_record_for,
)
from safetynet.access.querysets import has_capability
from safetynet.cases.models import Case
from safetynet.core.models import StaleEdit
from safetynet.core.views_helpers import add_service_errors
from safetynet.stats.models import ReferenceRow

from . import indicators, services
from .forms import (
    AccusedForm,
    ArrestForm,
    AwardForm,
    CompensationForm,
    CourtCaseForm,
    CustodyForm,
    EndMeasureForm,
    FirForm,
    HearingForm,
    IncidentForm,
    MeasureForm,
    ReportForm,
    RiskForm,
    SuspectRecordForm,
    VerdictForm,
)
from .models import Accused


def _page(request, case: Case, status: int = 200, **bound):
    """The legal file, with any form that failed re-shown bound (``bound`` by name)."""
    today = timezone.localdate()
    user = request.user
    can_edit = Case.objects.visible_to(user, policy.Cap.LEGAL_EDIT).filter(pk=case.pk).exists()
    can_court = Case.objects.visible_to(user, policy.Cap.COURT_EDIT).filter(pk=case.pk).exists()
    accused = list(case.accused.select_related("party__person"))
    failed_accused = bound.pop("accused_pk", None)
    revealed = bound.pop("revealed", {})
    rows = []
    for a in accused:
        left = a.days_left(today)
        can = {"arrest": can_edit and not a.arrested_on, "custody": can_edit and bool(a.arrested_on),
               "report": can_edit and not a.report,
               "verdict": can_court and a.report == Accused.Report.CHARGE_SHEET and not a.verdict}
        rows.append({"can": can, "any_action": any(can.values()),
            "a": a, "days_left": left, "overdue_by": -left if left is not None and left < 0 else 0,
            "arrest_form": bound.get("arrest") if failed_accused == a.pk and "arrest" in bound else ArrestForm(
                initial={"version": a.version, "arrested_on": today}, prefix=f"arrest-{a.pk}"),
            "custody_form": CustodyForm(initial={"version": a.version, "custody": a.custody}, prefix=f"custody-{a.pk}"),
            "report_form": bound.get("report") if failed_accused == a.pk and "report" in bound else ReportForm(
                initial={"version": a.version, "report_on": today}, prefix=f"report-{a.pk}"),
            "verdict_form": bound.get("verdict") if failed_accused == a.pk and "verdict" in bound else VerdictForm(
                initial={"version": a.version, "verdict_on": today}, prefix=f"verdict-{a.pk}"),
            "failed": failed_accused == a.pk,
            "on_file": services.check_on_file(actor=user, party=a.party, notify=False) if a.party else None,
            "vehicles_on_record": _on_record(a), "revealed": revealed.get(a.pk),
            "suspect_form": bound.get("suspect") if failed_accused == a.pk and "suspect" in bound else
            SuspectRecordForm(prefix=f"suspect-{a.pk}"),
        })
    can_protect = Case.objects.visible_to(user, policy.Cap.PROTECTION_EDIT).filter(pk=case.pk).exists()
    court_cases = list(case.court_cases.prefetch_related("hearings__attendance__party__person"))
    failed_court = bound.pop("court_pk", None)
    courts = [{"c": c, "hearings": list(c.hearings.all()), "next": _next_hearing(c, today, case),
               "form": bound.get("hearing") if failed_court == c.pk else HearingForm(
                   case=case, prefix=f"hearing-{c.pk}", initial={"held_on": today})} for c in court_cases]
    return render(request, "prosecution/legal_file.html", {
        "case": case, "firs": case.firs.select_related("police_station").prefetch_related("sections"),
        "rows": rows, "courts": courts, "can_edit": can_edit, "can_court": can_court, "today": today,
        "fir_form": bound.get("fir") or FirForm(case=case, initial={"registered_on": today}),
        "accused_form": bound.get("accused") or AccusedForm(case=case),
        "court_form": bound.get("court") or CourtCaseForm(initial={"filed_on": today}),
        "deadline_days": services.charge_sheet_days(case), "can_protect": can_protect,
        "compensations": list(case.compensations.select_related("party__person")),
        "compensation_form": bound.get("compensation") or CompensationForm(case=case, prefix="comp",
                                                                           initial={"applied_on": today}),
        "award_form": AwardForm(prefix="award", initial={"awarded_on": today}),
        "protection": services.protection_needs(case, today),
        "risk_form": bound.get("risk") or RiskForm(case=case, prefix="risk", initial={"assessed_on": today}),
        "measure_form": bound.get("measure") or MeasureForm(case=case, prefix="measure", initial={"starts_on": today}),
        "incident_form": bound.get("incident") or IncidentForm(case=case, prefix="incident",
                                                               initial={"occurred_on": today}),
        "summary": indicators.case_indicators(Case.objects.visible_to(user, policy.Cap.LEGAL_VIEW).filter(pk=case.pk)),
    }, status=status)


def _on_record(accused) -> int | None:
    """How many vehicles the suspect's record holds (the numbers themselves are not shown here)."""
    record = getattr(accused.party.person, "suspect_record", None) if accused.party else None
    return len(record.get_list("vehicles")) + len(record.get_list("bank_accounts")) if record else None


def _next_hearing(court_case, today, case) -> dict | None:
    """The next date set in this court, and who needs protection that day."""
    hearings = list(court_case.hearings.all())
    if not hearings or not hearings[-1].next_date or hearings[-1].next_date < today:
        return None
    day = hearings[-1].next_date
    return {"date": day, "needs": [r for r in services.protection_needs(case, day) if r.needs_protection]}


@login_required
def legal_file(request, public_id):
    return _page(request, get_legal_case_for(request.user, public_id))


@login_required
@require_POST
def add_fir(request, public_id):
    case = get_legal_case_for(request.user, public_id, policy.Cap.LEGAL_EDIT)
    form = FirForm(request.POST, case=case)
    if form.is_valid():
        d = form.cleaned_data
        try:
            fir = services.record_fir(actor=request.user, case=case, police_station=d["police_station"],
                                      number=d["number"], registered_on=d["registered_on"], section_codes=d["sections"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("FIR %(number)s recorded.") % {"number": fir.number})
            return redirect("prosecution:file", public_id=case.public_id)
    return _page(request, case, status=400, fir=form)


@login_required
@require_POST
def add_accused(request, public_id):
    case = get_legal_case_for(request.user, public_id, policy.Cap.LEGAL_EDIT)
    form = AccusedForm(request.POST, case=case)
    if form.is_valid():
        party = case.parties.filter(pk=form.cleaned_data["party"]).first() if form.cleaned_data["party"] else None
        try:
            accused = services.add_accused(actor=request.user, case=case, code=form.cleaned_data["code"], party=party)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Accused %(code)s added.") % {"code": accused.code})
            return redirect("prosecution:file", public_id=case.public_id)
    return _page(request, case, status=400, accused=form)


def _accused_action(request, public_id, capability, form_class, name, act):
    accused = get_accused_for(request.user, public_id, capability)
    form = form_class(request.POST, prefix=f"{name}-{accused.pk}")
    if form.is_valid():
        try:
            act(accused, form.cleaned_data)
        except StaleEdit as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(f"/prosecution/cases/{accused.case.public_id}/#accused-{accused.code}")
    return _page(request, accused.case, status=409 if form.non_field_errors() else 400,
                 accused_pk=accused.pk, **{name: form})


@login_required
@require_POST
def arrest(request, public_id):
    return _accused_action(request, public_id, policy.Cap.LEGAL_EDIT, ArrestForm, "arrest", lambda a, d: (
        services.record_arrest(actor=request.user, accused=a, expected_version=d["version"],
                               arrested_on=d["arrested_on"], custody=d["custody"])))


@login_required
@require_POST
def custody(request, public_id):
    return _accused_action(request, public_id, policy.Cap.LEGAL_EDIT, CustodyForm, "custody", lambda a, d: (
        services.change_custody(actor=request.user, accused=a, expected_version=d["version"], custody=d["custody"])))


@login_required
@require_POST
def police_report(request, public_id):
    return _accused_action(request, public_id, policy.Cap.LEGAL_EDIT, ReportForm, "report", lambda a, d: (
        services.file_police_report(actor=request.user, accused=a, expected_version=d["version"],
                                    report=d["report"], report_on=d["report_on"])))


@login_required
@require_POST
def verdict(request, public_id):
    return _accused_action(request, public_id, policy.Cap.COURT_EDIT, VerdictForm, "verdict", lambda a, d: (
        services.record_verdict(actor=request.user, accused=a, expected_version=d["version"], verdict=d["verdict"],
                                verdict_on=d["verdict_on"], sentence=d["sentence"], appeal=d["appeal"])))


@login_required
@require_POST
def add_court_case(request, public_id):
    case = get_legal_case_for(request.user, public_id, policy.Cap.COURT_EDIT)
    form = CourtCaseForm(request.POST)
    if form.is_valid():
        try:
            services.open_court_case(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Court case recorded."))
            return redirect("prosecution:file", public_id=case.public_id)
    return _page(request, case, status=400, court=form)


@login_required
@require_POST
def add_hearing(request, public_id):
    court_case = get_court_case_for(request.user, public_id, policy.Cap.COURT_EDIT)
    case = court_case.case
    form = HearingForm(request.POST, case=case, prefix=f"hearing-{court_case.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_hearing(actor=request.user, court_case=court_case, held_on=d["held_on"],
                                    outcome=d["outcome"], adjourned_because=d["adjourned_because"],
                                    next_date=d["next_date"], notes=d["notes"], attendance=form.summoned())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Hearing recorded."))
            return redirect("prosecution:file", public_id=case.public_id)
    return _page(request, case, status=400, court_pk=court_case.pk, hearing=form)


@login_required
def edit_hearing(request, public_id):
    hearing = get_hearing_for(request.user, public_id, policy.Cap.COURT_EDIT)
    case = hearing.court_case.case
    summoned = {w.party_id: w for w in hearing.attendance.all()}
    initial = {"held_on": hearing.held_on, "outcome": hearing.outcome, "adjourned_because": hearing.adjourned_because,
               "next_date": hearing.next_date, "notes": hearing.notes, "version": hearing.version}
    for pk, w in summoned.items():
        initial.update({f"summoned_{pk}": True, f"attended_{pk}": w.attended, f"hostile_{pk}": w.turned_hostile})
    form = HearingForm(request.POST or None, case=case, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data.get("version") is not None:
            d = form.cleaned_data
            try:
                services.edit_hearing(actor=request.user, hearing=hearing, expected_version=d["version"],
                                      held_on=d["held_on"], outcome=d["outcome"],
                                      adjourned_because=d["adjourned_because"], next_date=d["next_date"],
                                      notes=d["notes"], attendance=form.summoned())
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Hearing updated."))
                return redirect("prosecution:file", public_id=case.public_id)
        else:
            status = 400
    return render(request, "prosecution/hearing_form.html", {"form": form, "hearing": hearing, "case": case},
                  status=status)


@login_required
def deadlines(request):
    """Charge sheets due within 15 days or overdue, in the cases the user may see."""
    if not has_capability(request.user, policy.Cap.LEGAL_VIEW):
        raise Http404(_("Not found."))
    today = timezone.localdate()
    cases = Case.objects.visible_to(request.user, policy.Cap.LEGAL_VIEW)
    rows = []
    for a in services.deadline_list(cases, today):
        left = a.days_left(today)
        rows.append({"a": a, "days_left": left, "overdue_by": -left if left is not None and left < 0 else 0})
    return render(request, "prosecution/deadlines.html", {
        "overdue": [r for r in rows if r["days_left"] < 0], "soon": [r for r in rows if r["days_left"] >= 0],
        "today": today})


@login_required
def indicator_page(request):
    """The prosecution indicators over the user's cases, beside NCRB's national 2018 figures."""
    if not has_capability(request.user, policy.Cap.LEGAL_VIEW):
        raise Http404(_("Not found."))
    ours = indicators.case_indicators(Case.objects.visible_to(request.user, policy.Cap.LEGAL_VIEW))
    ncrb_rows = list(ReferenceRow.objects.filter(dataset__code="ncrb-2018-police-disposal"))
    national = None
    if ncrb_rows:
        total = {k: sum((r.values.get(k) or 0) for r in ncrb_rows)
                 for k in ("chargesheeted", "final_reports", "convicted", "acquitted")}
        national = {**total, "chargesheeting_rate": indicators.chargesheeting_rate(total["chargesheeted"],
                                                                                   total["final_reports"]),
                    "conviction_rate": indicators.conviction_rate(total["convicted"], total["acquitted"])}
    return render(request, "prosecution/indicators.html", {
        "ours": ours, "national": national,
        "problems": indicators.check_police_disposal(ncrb_rows) if ncrb_rows else []})


def _protection_post(request, public_id, form_class, name, act, message):
    case = get_legal_case_for(request.user, public_id, policy.Cap.PROTECTION_EDIT)
    form = form_class(request.POST, case=case, prefix=name)
    if form.is_valid():
        party = case.parties.filter(pk=form.cleaned_data["party"]).first()
        try:
            act(case, party, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(f"/prosecution/cases/{case.public_id}/#h-protection")
    return _page(request, case, status=400, **{name: form})


@login_required
@require_POST
def assess_risk(request, public_id):
    return _protection_post(request, public_id, RiskForm, "risk", lambda case, party, d: services.assess_risk(
        actor=request.user, case=case, party=party, assessed_on=d["assessed_on"], level=d["level"],
        threats_received=d["threats_received"], pressure_to_withdraw=d["pressure_to_withdraw"],
        accused_influence=d["accused_influence"], notes=d["notes"]), _("Risk assessment saved."))


@login_required
@require_POST
def add_measure(request, public_id):
    return _protection_post(request, public_id, MeasureForm, "measure", lambda case, party, d: services.add_measure(
        actor=request.user, case=case, party=party, kind=d["kind"], starts_on=d["starts_on"], ends_on=d["ends_on"]),
        _("Protection measure added."))


@login_required
@require_POST
def add_incident(request, public_id):
    return _protection_post(request, public_id, IncidentForm, "incident", lambda case, party, d: (
        services.record_incident(actor=request.user, case=case, party=party, occurred_on=d["occurred_on"],
                                 kind=d["kind"], notes=d["notes"])),
        _("Incident recorded. The case team has been told."))


@login_required
@require_POST
def end_measure(request, public_id):
    measure = get_measure_for(request.user, public_id, policy.Cap.PROTECTION_EDIT)
    form = EndMeasureForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.end_measure(actor=request.user, measure=measure, expected_version=form.cleaned_data["version"],
                                 ends_on=form.cleaned_data["ends_on"])
        except StaleEdit as exc:
            messages.error(request, str(exc))
            status = 409
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Protection measure ended."))
            return redirect(f"/prosecution/cases/{measure.case.public_id}/#h-protection")
    else:
        messages.error(request, _("Give the date the measure ended."))
    return _page(request, measure.case, status=status)


@login_required
def hearings(request):
    """The next hearings in the user's cases, with who needs protection at each."""
    if not has_capability(request.user, policy.Cap.LEGAL_VIEW):
        raise Http404(_("Not found."))
    cases = Case.objects.visible_to(request.user, policy.Cap.LEGAL_VIEW)
    return render(request, "prosecution/hearings.html", {
        "rows": services.upcoming_hearings(cases), "today": timezone.localdate()})


@login_required
def summary_pdf(request, public_id):
    """The case summary as a PDF: codes only, or (?version=court) with names for the court."""
    from django.http import HttpResponse

    from .summary import VERSIONS, case_summary_pdf

    case = get_legal_case_for(request.user, public_id)
    version = request.GET.get("version", "standard")
    if version not in VERSIONS:
        raise Http404(_("Not found."))
    # PermissionDenied (a visible case whose court version this user may not print) is a 403.
    pdf = case_summary_pdf(actor=request.user, case=case, version=version)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-{version}.pdf"'
    return response


@login_required
@require_POST
def suspect_record(request, public_id):
    """Add vehicles and bank accounts to the suspect behind an accused."""
    accused = get_accused_for(request.user, public_id, policy.Cap.LEGAL_EDIT)
    if accused.party is None:
        raise Http404(_("Not found."))
    form = SuspectRecordForm(request.POST, prefix=f"suspect-{accused.pk}")
    if form.is_valid():
        try:
            services.add_to_suspect_record(actor=request.user, party=accused.party, vehicles=form.lines("vehicles"),
                                           bank_accounts=form.lines("bank_accounts"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Suspect record updated."))
            return redirect(f"/prosecution/cases/{accused.case.public_id}/#accused-{accused.code}")
    return _page(request, accused.case, status=400, accused_pk=accused.pk, suspect=form)


@login_required
def network_page(request):
    """Suspects linked by shared phones, vehicles, bank accounts or names, in the cases the user may see."""
    from . import network

    if not has_capability(request.user, policy.Cap.LEGAL_VIEW):
        raise Http404(_("Not found."))
    return render(request, "prosecution/network.html", {"groups": network.groups(network.visible_cases(request.user))})


@login_required
@require_POST
def add_compensation(request, public_id):
    case = get_legal_case_for(request.user, public_id, policy.Cap.COURT_EDIT)
    form = CompensationForm(request.POST, case=case, prefix="comp")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_compensation(actor=request.user, case=case, party=case.parties.get(pk=d["party"]),
                                         applied_on=d["applied_on"], awarded_on=d["awarded_on"],
                                         amount_awarded=d["amount_awarded"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Compensation recorded."))
            return redirect(f"/prosecution/cases/{case.public_id}/#h-compensation")
    return _page(request, case, status=400, compensation=form)


@login_required
@require_POST
def award_compensation(request, public_id, compensation_id):
    case = get_legal_case_for(request.user, public_id, policy.Cap.COURT_EDIT)
    compensation = case.compensations.filter(pk=compensation_id).select_related("party__person").first()
    if compensation is None:
        raise Http404(_("Not found."))
    form = AwardForm(request.POST, prefix="award")
    if form.is_valid():
        try:
            services.award_compensation(actor=request.user, compensation=compensation,
                                        awarded_on=form.cleaned_data["awarded_on"],
                                        amount_awarded=form.cleaned_data["amount_awarded"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _page(request, case, status=400)
        messages.success(request, _("Award recorded."))
        return redirect(f"/prosecution/cases/{case.public_id}/#h-compensation")
    messages.error(request, _("Give the date and the amount awarded."))
    return _page(request, case, status=400)


@login_required
@require_POST
def reveal_suspect_record(request, public_id):
    """Show a suspect's vehicles and bank accounts on the legal file (logged like an identity)."""
    accused = get_accused_for(request.user, public_id)
    if accused.party is None:
        raise Http404(_("Not found."))
    values = get_suspect_record_for(request.user, accused.party.person)
    return _page(request, accused.case, revealed={accused.pk: values})
