"""All writes to the legal file of a case, and the charge-sheet deadline reminders.

Every function takes a keyword-only ``actor``, checks the actor's capability on the case,
validates dates against the rest of the file (nothing is saved when one is out of order),
and writes its audit event in the same transaction. Audit changes hold codes, dates and
section numbers, never names or hearing notes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.agencies.models import Agency, Membership
from safetynet.audit.services import record
from safetynet.cases.models import Case, CaseParty
from safetynet.notifications.services import notify_many

from .models import (
    Accused,
    Compensation,
    CourtCase,
    FirstInformationReport,
    Hearing,
    LawSection,
    ProtectionIncident,
    ProtectionMeasure,
    RiskAssessment,
    SuspectIndicator,
    SuspectLinkNotice,
    SuspectRecord,
    WitnessAttendance,
)

ACCUSED_CODE = re.compile(r"^A[1-9][0-9]{0,3}$")
FIR_STATION_TYPES = (Agency.Type.POLICE_STATION, Agency.Type.AHTU)
# Reminders before the charge-sheet deadline, in days left (BNSS s.187(3) default bail).
WARN_DAYS = (15, 5)


def _check(actor, case: Case, capability: str) -> None:
    if not Case.objects.visible_to(actor, capability).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this case."))


def _agency(actor, case: Case, capability: str):
    from safetynet.access.querysets import memberships_with

    options = memberships_with(actor, capability)
    for m in options:
        if m.agency_id == case.owning_agency_id:
            return m.agency
    return options[0].agency if options else None


def _not_future(value: datetime.date | None, field: str, today: datetime.date, errors: dict) -> None:
    if value is not None and value > today:
        errors.setdefault(field, []).append(_("This date is in the future."))


def _d(value: datetime.date) -> str:
    """A date in a message, written as the pages write it (“11 Sep 2026”)."""
    from django.utils.formats import date_format

    return date_format(value, "d M Y")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def first_fir_date(case: Case) -> datetime.date | None:
    return case.firs.order_by("registered_on").values_list("registered_on", flat=True).first()


def charge_sheet_days(case: Case) -> int | None:
    """The longest period any section on the case's FIRs allows (90 beats 60)."""
    days = [d for d in LawSection.objects.filter(firs__case=case).values_list("charge_sheet_days", flat=True)
            if d is not None]
    return max(days) if days else None


def _refresh_deadlines(case: Case) -> None:
    days = charge_sheet_days(case)
    for accused in case.accused.filter(arrested_on__isnull=False):
        assert accused.arrested_on is not None  # filtered above
        due = accused.arrested_on + datetime.timedelta(days=days) if days else None
        if due != accused.charge_sheet_due:
            Accused.objects.filter(pk=accused.pk).update(charge_sheet_due=due)


def sections_from_codes(codes: Iterable[str]) -> list[LawSection]:
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    found = {s.code: s for s in LawSection.objects.filter(code__in=wanted, is_active=True)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationError({"sections": [
            _("There is no section “%(code)s” in the table of offences.") % {"code": c} for c in missing]})
    if not found:
        raise ValidationError({"sections": [_("Choose at least one section of law.")]})
    return list(found.values())


def save_law_section(*, actor, section: LawSection) -> LawSection:
    """An administrator adds or changes an offence in the reference table (audited)."""
    from safetynet.access.querysets import has_capability

    if not has_capability(actor, policy.Cap.AGENCIES_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))
    section.code = section.code.strip().upper()
    created = section.pk is None
    with transaction.atomic():
        section.save()
        record(actor=actor, action="law_section.add" if created else "law_section.change", obj=section,
               changes={"code": section.code, "days": section.charge_sheet_days, "active": section.is_active})
    return section


# --------------------------------------------------------------------------- investigation


def record_fir(*, actor, case: Case, police_station: Agency, number: str, registered_on: datetime.date,
               section_codes: Iterable[str], today: datetime.date | None = None) -> FirstInformationReport:
    _check(actor, case, policy.Cap.LEGAL_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    number = (number or "").strip()
    if not number:
        errors["number"] = [_("Enter the FIR number.")]
    if police_station.agency_type not in FIR_STATION_TYPES:
        errors["police_station"] = [_("An FIR is registered at a police station or an AHTU police station.")]
    _not_future(registered_on, "registered_on", today, errors)
    try:
        sections = sections_from_codes(section_codes)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        sections = []
    _raise(errors)
    try:
        with transaction.atomic():
            fir = FirstInformationReport.objects.create(case=case, police_station=police_station, number=number,
                                                        registered_on=registered_on, recorded_by=actor)
            fir.sections.set(sections)
            _refresh_deadlines(case)
            record(actor=actor, action="fir.record", obj=fir, agency=_agency(actor, case, policy.Cap.LEGAL_EDIT),
                   changes={"case": case.reference, "number": number, "station": police_station.short_code,
                            "registered_on": registered_on.isoformat(),
                            "sections": sorted(s.code for s in sections)})
    except IntegrityError:
        raise ValidationError({"number": [_("FIR %(number)s is already recorded at this police station.") % {
            "number": number}]}) from None
    return fir


def next_accused_code(case: Case) -> str:
    used = {int(c[1:]) for c in case.accused.values_list("code", flat=True) if ACCUSED_CODE.match(c)}
    return f"A{max(used, default=0) + 1}"


def add_accused(*, actor, case: Case, code: str = "", party: CaseParty | None = None) -> Accused:
    _check(actor, case, policy.Cap.LEGAL_EDIT)
    code = (code or "").strip().upper() or next_accused_code(case)
    errors: dict[str, list[str]] = {}
    if not ACCUSED_CODE.match(code):
        errors["code"] = [_("Accused codes are A1, A2, A3 …")]
    if party is not None and (party.case_id != case.pk or party.role != CaseParty.Role.SUSPECT):
        errors["party"] = [_("Choose a suspect of this case.")]
    if case.accused.filter(code=code).exists():
        errors["code"] = [_("%(code)s is already used in this case.") % {"code": code}]
    _raise(errors)
    try:
        with transaction.atomic():
            accused = Accused.objects.create(case=case, code=code, party=party)
            record(actor=actor, action="accused.add", obj=accused,
                   agency=_agency(actor, case, policy.Cap.LEGAL_EDIT),
                   changes={"case": case.reference, "code": code, "person": party.person.code if party else ""})
    except IntegrityError:  # the same code added from two screens at once
        raise ValidationError({"code": [_("%(code)s is already used in this case.") % {"code": code}]}) from None
    return accused


def _save(actor, accused: Accused, expected_version: int, action: str, capability: str, **fields) -> Accused:
    before = {k: getattr(accused, k) for k in fields}
    for name, value in fields.items():
        setattr(accused, name, value)
    with transaction.atomic():
        accused.save_versioned(expected_version, list(fields))
        record(actor=actor, action=action, obj=accused, agency=_agency(actor, accused.case, capability),
               changes={"case": accused.case.reference, "code": accused.code,
                        **{k: {"before": str(before[k] or ""), "after": str(v or "")} for k, v in fields.items()
                           if before[k] != v}})
    return accused


def record_arrest(*, actor, accused: Accused, expected_version: int, arrested_on: datetime.date,
                  custody: str, today: datetime.date | None = None) -> Accused:
    case = accused.case
    _check(actor, case, policy.Cap.LEGAL_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    fir_on = first_fir_date(case)
    if fir_on is None:
        errors["arrested_on"] = [_("Record the FIR first: the charge-sheet deadline depends on its sections.")]
    elif arrested_on < fir_on:
        errors["arrested_on"] = [_("The arrest cannot be before the FIR (%(date)s).") % {"date": _d(fir_on)}]
    _not_future(arrested_on, "arrested_on", today, errors)
    if custody not in Accused.Custody.values or custody == Accused.Custody.NOT_ARRESTED:
        errors["custody"] = [_("Choose where the accused was sent after arrest.")]
    _raise(errors)
    days = charge_sheet_days(case)
    due = arrested_on + datetime.timedelta(days=days) if days else None
    return _save(actor, accused, expected_version, "accused.arrest", policy.Cap.LEGAL_EDIT,
                 arrested_on=arrested_on, custody=custody, charge_sheet_due=due)


def change_custody(*, actor, accused: Accused, expected_version: int, custody: str) -> Accused:
    _check(actor, accused.case, policy.Cap.LEGAL_EDIT)
    if custody not in Accused.Custody.values:
        raise ValidationError({"custody": [_("Choose a custody status.")]})
    if accused.arrested_on is None and custody not in (Accused.Custody.NOT_ARRESTED, Accused.Custody.ABSCONDING):
        raise ValidationError({"custody": [_("Record the arrest first.")]})
    return _save(actor, accused, expected_version, "accused.custody", policy.Cap.LEGAL_EDIT, custody=custody)


def file_police_report(*, actor, accused: Accused, expected_version: int, report: str, report_on: datetime.date,
                       today: datetime.date | None = None) -> Accused:
    case = accused.case
    _check(actor, case, policy.Cap.LEGAL_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if report not in Accused.Report.values:
        errors["report"] = [_("Choose a charge sheet or a final report.")]
    if accused.report:
        errors["report"] = [_("A police report is already filed for %(code)s.") % {"code": accused.code}]
    fir_on = first_fir_date(case)
    if fir_on is None:
        errors["report_on"] = [_("Record the FIR first.")]
    elif report_on < fir_on:
        errors["report_on"] = [_("The report cannot be before the FIR (%(date)s).") % {"date": _d(fir_on)}]
    if accused.arrested_on and report_on < accused.arrested_on:
        errors["report_on"] = [_("The report cannot be before the arrest (%(date)s).") % {
            "date": _d(accused.arrested_on)}]
    _not_future(report_on, "report_on", today, errors)
    _raise(errors)
    return _save(actor, accused, expected_version, "accused.police_report", policy.Cap.LEGAL_EDIT,
                 report=report, report_on=report_on)


# --------------------------------------------------------------------------- court


def open_court_case(*, actor, case: Case, court: str, number: str, filed_on: datetime.date,
                    today: datetime.date | None = None) -> CourtCase:
    _check(actor, case, policy.Cap.COURT_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    court, number = (court or "").strip(), (number or "").strip()
    if not court:
        errors["court"] = [_("Enter the court.")]
    if not number:
        errors["number"] = [_("Enter the court case number.")]
    first_sheet = case.accused.filter(report=Accused.Report.CHARGE_SHEET).order_by("report_on") \
        .values_list("report_on", flat=True).first()
    if first_sheet is None:
        errors["filed_on"] = [_("A trial starts with a charge sheet: file one for an accused first.")]
    elif filed_on < first_sheet:
        errors["filed_on"] = [_("The court case cannot start before the charge sheet (%(date)s).") % {
            "date": _d(first_sheet)}]
    _not_future(filed_on, "filed_on", today, errors)
    _raise(errors)
    try:
        with transaction.atomic():
            court_case = CourtCase.objects.create(case=case, court=court, number=number, filed_on=filed_on)
            record(actor=actor, action="court_case.open", obj=court_case,
                   agency=_agency(actor, case, policy.Cap.COURT_EDIT),
                   changes={"case": case.reference, "court": court, "number": number,
                            "filed_on": filed_on.isoformat()})
    except IntegrityError:
        raise ValidationError({"number": [_("This court already has a case numbered %(number)s.") % {
            "number": number}]}) from None
    return court_case


def _hearing_errors(court_case: CourtCase, held_on, outcome, adjourned_because, next_date, today) -> dict:
    errors: dict[str, list[str]] = {}
    if held_on < court_case.filed_on:
        errors["held_on"] = [_("A hearing cannot be before the case was filed in court (%(date)s).") % {
            "date": _d(court_case.filed_on)}]
    _not_future(held_on, "held_on", today, errors)
    if outcome not in Hearing.Outcome.values:
        errors["outcome"] = [_("Choose what happened.")]
    if outcome == Hearing.Outcome.ADJOURNED and adjourned_because not in Hearing.AdjournedBecause.values:
        errors["adjourned_because"] = [_("Say why the hearing was adjourned.")]
    if next_date is not None and next_date <= held_on:
        errors["next_date"] = [_("The next date must be after the hearing.")]
    return errors


def _attendance_rows(hearing: Hearing, attendance: dict[int, tuple[bool, bool]]) -> list[WitnessAttendance]:
    case_id = hearing.court_case.case_id
    parties = {p.pk: p for p in CaseParty.objects.filter(
        pk__in=list(attendance), case_id=case_id, role__in=[CaseParty.Role.VICTIM, CaseParty.Role.WITNESS])}
    if len(parties) != len(attendance):
        raise ValidationError({"attendance": [_("Only victims and witnesses of this case can be summoned.")]})
    return [WitnessAttendance(hearing=hearing, party=parties[pk], attended=came, turned_hostile=hostile and came)
            for pk, (came, hostile) in attendance.items()]


def record_hearing(*, actor, court_case: CourtCase, held_on: datetime.date, outcome: str,
                   adjourned_because: str = "", next_date: datetime.date | None = None, notes: str = "",
                   attendance: dict[int, tuple[bool, bool]] | None = None,
                   today: datetime.date | None = None) -> Hearing:
    """``attendance`` maps summoned CaseParty ids to (attended, turned hostile)."""
    case = court_case.case
    _check(actor, case, policy.Cap.COURT_EDIT)
    today = today or timezone.localdate()
    _raise(_hearing_errors(court_case, held_on, outcome, adjourned_because, next_date, today))
    with transaction.atomic():
        hearing = Hearing(court_case=court_case, held_on=held_on, outcome=outcome, next_date=next_date,
                          adjourned_because=adjourned_because if outcome == Hearing.Outcome.ADJOURNED else "",
                          recorded_by=actor)
        hearing.set_notes(notes.strip()[:4000])
        hearing.save()
        rows = _attendance_rows(hearing, attendance or {})
        WitnessAttendance.objects.bulk_create(rows)
        record(actor=actor, action="hearing.record", obj=hearing, agency=_agency(actor, case, policy.Cap.COURT_EDIT),
               changes={"case": case.reference, "court_case": str(court_case), "held_on": held_on.isoformat(),
                        "outcome": outcome, "adjourned_because": hearing.adjourned_because,
                        "next_date": next_date.isoformat() if next_date else "",
                        "summoned": len(rows), "attended": sum(r.attended for r in rows),
                        "hostile": sum(r.turned_hostile for r in rows)})
    return hearing


def edit_hearing(*, actor, hearing: Hearing, expected_version: int, held_on: datetime.date, outcome: str,
                 adjourned_because: str = "", next_date: datetime.date | None = None, notes: str = "",
                 attendance: dict[int, tuple[bool, bool]] | None = None,
                 today: datetime.date | None = None) -> Hearing:
    """Correct a hearing. Two people correcting it at once: the second gets StaleEdit."""
    court_case = hearing.court_case
    _check(actor, court_case.case, policy.Cap.COURT_EDIT)
    today = today or timezone.localdate()
    _raise(_hearing_errors(court_case, held_on, outcome, adjourned_because, next_date, today))
    before = {"held_on": hearing.held_on, "outcome": hearing.outcome, "next_date": hearing.next_date}
    hearing.held_on, hearing.outcome, hearing.next_date = held_on, outcome, next_date
    hearing.adjourned_because = adjourned_because if outcome == Hearing.Outcome.ADJOURNED else ""
    hearing.set_notes(notes.strip()[:4000])
    with transaction.atomic():
        hearing.save_versioned(expected_version, ["held_on", "outcome", "adjourned_because", "next_date",
                                                  "notes_enc"])
        if attendance is not None:
            rows = _attendance_rows(hearing, attendance)
            hearing.attendance.all().delete()
            WitnessAttendance.objects.bulk_create(rows)
        record(actor=actor, action="hearing.edit", obj=hearing,
               agency=_agency(actor, court_case.case, policy.Cap.COURT_EDIT),
               changes={"case": court_case.case.reference,
                        **{k: {"before": str(v or ""), "after": str(getattr(hearing, k) or "")}
                           for k, v in before.items() if v != getattr(hearing, k)}})
    return hearing


def record_verdict(*, actor, accused: Accused, expected_version: int, verdict: str, verdict_on: datetime.date,
                   sentence: str = "", appeal: str = "", today: datetime.date | None = None) -> Accused:
    case = accused.case
    _check(actor, case, policy.Cap.COURT_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if verdict not in Accused.Verdict.values:
        errors["verdict"] = [_("Choose the verdict.")]
    if accused.report != Accused.Report.CHARGE_SHEET:
        errors["verdict"] = [_("Only an accused who was charge-sheeted can be tried.")]
    court_on = case.court_cases.order_by("filed_on").values_list("filed_on", flat=True).first()
    if court_on is None:
        errors["verdict_on"] = [_("Record the court case first.")]
    elif verdict_on < court_on:
        errors["verdict_on"] = [_("The verdict cannot be before the case was filed in court (%(date)s).") % {
            "date": _d(court_on)}]
    fir_on = first_fir_date(case)
    if fir_on and verdict_on < fir_on:
        errors["verdict_on"] = [_("The verdict cannot be before the FIR (%(date)s).") % {"date": _d(fir_on)}]
    _not_future(verdict_on, "verdict_on", today, errors)
    if sentence.strip() and verdict != Accused.Verdict.CONVICTED:
        errors["sentence"] = [_("A sentence follows a conviction only.")]
    if appeal and appeal not in Accused.Appeal.values:
        errors["appeal"] = [_("Choose who appealed.")]
    _raise(errors)
    return _save(actor, accused, expected_version, "accused.verdict", policy.Cap.COURT_EDIT,
                 verdict=verdict, verdict_on=verdict_on, sentence=sentence.strip()[:200], appeal=appeal)


def record_compensation(*, actor, case: Case, party: CaseParty, applied_on: datetime.date,
                        awarded_on: datetime.date | None = None, amount_awarded=None,
                        today: datetime.date | None = None) -> Compensation:
    _check(actor, case, policy.Cap.COURT_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if party.case_id != case.pk or party.role != CaseParty.Role.VICTIM:
        errors["party"] = [_("Compensation is for a victim of this case.")]
    _not_future(applied_on, "applied_on", today, errors)
    _not_future(awarded_on, "awarded_on", today, errors)
    if awarded_on and awarded_on < applied_on:
        errors["awarded_on"] = [_("The award cannot be before the application.")]
    if (amount_awarded is None) != (awarded_on is None):
        errors["amount_awarded"] = [_("Give both the amount and the date it was awarded, or neither.")]
    if amount_awarded is not None and amount_awarded < 0:
        errors["amount_awarded"] = [_("The amount cannot be negative.")]
    _raise(errors)
    with transaction.atomic():
        row = Compensation.objects.create(case=case, party=party, applied_on=applied_on, awarded_on=awarded_on,
                                          amount_awarded=amount_awarded)
        record(actor=actor, action="compensation.record", obj=row, agency=_agency(actor, case, policy.Cap.COURT_EDIT),
               changes={"case": case.reference, "person": party.person.code, "applied_on": applied_on.isoformat(),
                        "awarded": str(amount_awarded or "")})
    return row


def award_compensation(*, actor, compensation: Compensation, awarded_on: datetime.date, amount_awarded,
                       today: datetime.date | None = None) -> Compensation:
    """Record the award on an application made earlier (once: a second award is refused)."""
    case = compensation.case
    _check(actor, case, policy.Cap.COURT_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if compensation.awarded_on is not None:
        errors["awarded_on"] = [_("The award is already recorded.")]
    if awarded_on < compensation.applied_on:
        errors["awarded_on"] = [_("The award cannot be before the application.")]
    _not_future(awarded_on, "awarded_on", today, errors)
    if amount_awarded is None or amount_awarded < 0:
        errors["amount_awarded"] = [_("Give the amount awarded (0 if refused).")]
    _raise(errors)
    with transaction.atomic():
        # Conditional update: two people recording the award at once cannot both succeed.
        updated = Compensation.objects.filter(pk=compensation.pk, awarded_on__isnull=True).update(
            awarded_on=awarded_on, amount_awarded=amount_awarded, updated_at=timezone.now())
        if updated != 1:
            raise ValidationError({"awarded_on": [_("The award is already recorded.")]})
        compensation.awarded_on, compensation.amount_awarded = awarded_on, amount_awarded
        record(actor=actor, action="compensation.award", obj=compensation,
               agency=_agency(actor, case, policy.Cap.COURT_EDIT),
               changes={"case": case.reference, "person": compensation.party.person.code,
                        "awarded": str(amount_awarded), "on": awarded_on.isoformat()})
    return compensation


# --------------------------------------------------------------------------- deadlines


def _investigators(case: Case):
    from safetynet.accounts.models import User

    roles = [r for r in policy.MATRIX if policy.role_has(r, policy.Cap.LEGAL_EDIT)]
    return User.objects.filter(is_active=True, pk__in=Membership.objects.filter(
        agency_id=case.owning_agency_id, role__in=roles, is_active=True).values("user_id"))


def _heads(case: Case):
    """AHTU heads of the owning agency and of every AHTU whose area covers the case."""
    from safetynet.accounts.models import User

    path = case.jurisdiction.path
    covering = [a.pk for a in Agency.objects.filter(agency_type=Agency.Type.AHTU, is_active=True)
                .select_related("jurisdiction") if path.startswith(a.jurisdiction.path)]
    return User.objects.filter(is_active=True, pk__in=Membership.objects.filter(
        agency_id__in=[case.owning_agency_id, *covering], role=policy.Role.AHTU_HEAD, is_active=True)
        .values("user_id"))


def send_deadline_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """Daily: warn the investigators at 15 and 5 days before an accused's charge-sheet
    deadline and tell the AHTU heads when it has passed. Each reminder goes out once."""
    today = today or timezone.localdate()
    counts = {"warned_15": 0, "warned_5": 0, "overdue": 0}
    waiting = Accused.objects.filter(report="", charge_sheet_due__isnull=False,
                                     charge_sheet_due__lte=today + datetime.timedelta(days=max(WARN_DAYS))) \
        .select_related("case", "case__jurisdiction")
    for accused in waiting:
        due = accused.charge_sheet_due
        assert due is not None  # filtered above
        left = (due - today).days
        link = f"/prosecution/cases/{accused.case.public_id}/"
        ref = {"code": accused.code, "case": accused.case.reference, "date": _d(due)}
        if left < 0 and accused.overdue_on is None:
            field, users, urgent = "overdue_on", list(_heads(accused.case)) + list(_investigators(accused.case)), True
            message = _("Charge sheet overdue: %(code)s in %(case)s was due on %(date)s. The accused may now claim "
                        "default bail.") % ref
            counts["overdue"] += 1
        elif 0 <= left <= WARN_DAYS[1] and accused.warned_5_on is None:
            field, users, urgent = "warned_5_on", list(_investigators(accused.case)), True
            message = _("%(left)s days left to file the charge sheet for %(code)s in %(case)s (due %(date)s).") % {
                **ref, "left": left}
            counts["warned_5"] += 1
        elif WARN_DAYS[1] < left <= WARN_DAYS[0] and accused.warned_15_on is None:
            field, users, urgent = "warned_15_on", list(_investigators(accused.case)), False
            message = _("%(left)s days left to file the charge sheet for %(code)s in %(case)s (due %(date)s).") % {
                **ref, "left": left}
            counts["warned_15"] += 1
        else:
            continue
        with transaction.atomic():
            # Marked first, in the same transaction: a rerun after a crash sends nothing twice.
            Accused.objects.filter(pk=accused.pk).update(**{field: today})
            notify_many([(users, message, link, urgent)])
            record(actor=None, action=f"accused.deadline_{field.removesuffix('_on')}", obj=accused,
                   agency=accused.case.owning_agency,
                   changes={"case": accused.case.reference, "code": accused.code, "due": due.isoformat()})
    return counts


def deadline_list(cases, today: datetime.date | None = None, within: int = WARN_DAYS[0]):
    """Accused in ``cases`` without a police report whose deadline is past or within ``within`` days."""
    today = today or timezone.localdate()
    return Accused.objects.filter(case__in=cases, report="", charge_sheet_due__isnull=False,
                                  charge_sheet_due__lte=today + datetime.timedelta(days=within)) \
        .select_related("case", "case__owning_agency", "party__person").order_by("charge_sheet_due", "code")


# --------------------------------------------------------------------------- victim and witness protection

PROTECTED_ROLES = (CaseParty.Role.VICTIM, CaseParty.Role.WITNESS)
URGENT_INCIDENTS = ("threat", "violence", "approached")


def _protected_party(case: Case, party: CaseParty, errors: dict) -> None:
    if party.case_id != case.pk or party.role not in PROTECTED_ROLES:
        errors["party"] = [_("Choose a victim or witness of this case.")]


def assess_risk(*, actor, case: Case, party: CaseParty, assessed_on: datetime.date, level: str,
                threats_received: bool = False, pressure_to_withdraw: bool = False, accused_influence: str = "none",
                notes: str = "", today: datetime.date | None = None) -> RiskAssessment:
    _check(actor, case, policy.Cap.PROTECTION_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _protected_party(case, party, errors)
    _not_future(assessed_on, "assessed_on", today, errors)
    if level not in RiskAssessment.Level.values:
        errors["level"] = [_("Choose the level of risk.")]
    if accused_influence not in RiskAssessment.Influence.values:
        errors["accused_influence"] = [_("Choose the accused's influence.")]
    _raise(errors)
    with transaction.atomic():
        row = RiskAssessment(case=case, party=party, assessed_on=assessed_on, level=level,
                             threats_received=threats_received, pressure_to_withdraw=pressure_to_withdraw,
                             accused_influence=accused_influence, assessed_by=actor)
        row.set_notes(notes.strip()[:4000])
        row.save()
        record(actor=actor, action="protection.assess", obj=row,
               agency=_agency(actor, case, policy.Cap.PROTECTION_EDIT),
               changes={"case": case.reference, "person": party.person.code, "level": level,
                        "threats": threats_received, "pressure": pressure_to_withdraw, "influence": accused_influence})
    return row


def add_measure(*, actor, case: Case, party: CaseParty, kind: str, starts_on: datetime.date,
                ends_on: datetime.date | None = None, today: datetime.date | None = None) -> ProtectionMeasure:
    _check(actor, case, policy.Cap.PROTECTION_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _protected_party(case, party, errors)
    if kind not in ProtectionMeasure.Kind.values:
        errors["kind"] = [_("Choose a protection measure.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("A measure cannot end before it starts.")]
    _raise(errors)
    with transaction.atomic():
        measure = ProtectionMeasure.objects.create(case=case, party=party, kind=kind, starts_on=starts_on,
                                                   ends_on=ends_on, created_by=actor)
        record(actor=actor, action="protection.measure", obj=measure,
               agency=_agency(actor, case, policy.Cap.PROTECTION_EDIT),
               changes={"case": case.reference, "person": party.person.code, "kind": kind,
                        "from": starts_on.isoformat(), "until": ends_on.isoformat() if ends_on else ""})
    return measure


def end_measure(*, actor, measure: ProtectionMeasure, expected_version: int,
                ends_on: datetime.date) -> ProtectionMeasure:
    _check(actor, measure.case, policy.Cap.PROTECTION_EDIT)
    if ends_on < measure.starts_on:
        raise ValidationError({"ends_on": [_("A measure cannot end before it starts.")]})
    measure.ends_on = ends_on
    with transaction.atomic():
        measure.save_versioned(expected_version, ["ends_on"])
        record(actor=actor, action="protection.measure_end", obj=measure,
               agency=_agency(actor, measure.case, policy.Cap.PROTECTION_EDIT),
               changes={"case": measure.case.reference, "kind": measure.kind, "until": ends_on.isoformat()})
    return measure


def record_incident(*, actor, case: Case, party: CaseParty, occurred_on: datetime.date, kind: str,
                    notes: str = "", today: datetime.date | None = None) -> ProtectionIncident:
    """A threat, an approach or pressure to withdraw. The case's investigators (and a
    prosecutor on its team) are told at once: urgently for threats, approaches and violence."""
    _check(actor, case, policy.Cap.PROTECTION_EDIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _protected_party(case, party, errors)
    _not_future(occurred_on, "occurred_on", today, errors)
    if kind not in ProtectionIncident.Kind.values:
        errors["kind"] = [_("Choose what happened.")]
    _raise(errors)
    with transaction.atomic():
        row = ProtectionIncident(case=case, party=party, occurred_on=occurred_on, kind=kind, recorded_by=actor)
        row.set_notes(notes.strip()[:4000])
        row.save()
        record(actor=actor, action="protection.incident", obj=row,
               agency=_agency(actor, case, policy.Cap.PROTECTION_EDIT),
               changes={"case": case.reference, "person": party.person.code, "kind": kind,
                        "on": occurred_on.isoformat()})
        message = _("Protection incident in %(case)s: %(what)s (%(person)s, %(date)s).") % {
            "case": case.reference, "what": row.get_kind_display().lower(), "person": party.person.code,
            "date": _d(occurred_on)}
        users = [u for u in _case_team(case) if u.pk != actor.pk]
        notify_many([(users, message, f"/prosecution/cases/{case.public_id}/#h-protection", kind in URGENT_INCIDENTS)])
    return row


def _case_team(case: Case):
    """The owning agency's investigators and everyone granted onto the case who holds legal.view."""
    from safetynet.access.models import AccessGrant

    granted = [g.user for g in AccessGrant.objects.active().filter(case=case).select_related("user")
               if Case.objects.visible_to(g.user, policy.Cap.LEGAL_VIEW).filter(pk=case.pk).exists()]
    return list({u.pk: u for u in [*_investigators(case), *granted]}.values())


@dataclass
class ProtectionNeed:
    party: CaseParty
    risk: RiskAssessment | None
    measures: list[ProtectionMeasure]
    incidents: list[ProtectionIncident]

    @property
    def needs_protection(self) -> bool:
        return bool(self.measures or self.incidents) or (
            self.risk is not None and self.risk.level != RiskAssessment.Level.LOW)

    @property
    def sort_key(self) -> tuple:
        order = {"high": 0, "medium": 1, "low": 2}
        return (order.get(self.risk.level, 3) if self.risk else 3, -len(self.incidents), self.party.pk)


def protection_needs(case: Case, day: datetime.date) -> list[ProtectionNeed]:
    """Every victim and witness of the case with their current risk, the measures active on
    ``day`` and the incidents so far — the prosecutor's list before a hearing. Most at risk first."""
    parties = list(case.parties.filter(role__in=PROTECTED_ROLES).select_related("person"))
    latest: dict[int, RiskAssessment] = {}
    for row in case.risk_assessments.all():  # newest first
        latest.setdefault(row.party_id, row)
    measures: dict[int, list[ProtectionMeasure]] = {}
    for m in case.protection_measures.all():
        if m.active_on(day):
            measures.setdefault(m.party_id, []).append(m)
    incidents: dict[int, list[ProtectionIncident]] = {}
    for i in case.protection_incidents.all():
        incidents.setdefault(i.party_id, []).append(i)
    out = [ProtectionNeed(p, latest.get(p.pk), measures.get(p.pk, []), incidents.get(p.pk, [])) for p in parties]
    return sorted(out, key=lambda r: r.sort_key)


def upcoming_hearings(cases, today: datetime.date | None = None, within: int = 14) -> list[dict]:
    """Court cases among ``cases`` whose next hearing date falls within ``within`` days,
    soonest first, each with who needs protection that day."""
    today = today or timezone.localdate()
    last: dict[int, Hearing] = {}
    for h in Hearing.objects.filter(court_case__case__in=cases).select_related("court_case", "court_case__case") \
            .order_by("court_case_id", "held_on", "id"):
        last[h.court_case_id] = h  # the most recent hearing carries the next date
    out = []
    for h in last.values():
        if h.next_date and today <= h.next_date <= today + datetime.timedelta(days=within):
            needs = [r for r in protection_needs(h.court_case.case, h.next_date) if r.needs_protection]
            out.append({"date": h.next_date, "court_case": h.court_case, "case": h.court_case.case, "needs": needs})
    return sorted(out, key=lambda r: r["date"])


# --------------------------------------------------------------------------- suspects and their links

def _suspect_values(person) -> dict[str, list[str]]:
    """Normalised phones, vehicles, bank accounts and name keys of a suspect (decrypted here,
    only to be hashed)."""
    from safetynet.people.namekey import name_key
    from safetynet.tips.indicators import normalise_phone, normalise_vehicle

    values: dict[str, list[str]] = {"phone": [], "vehicle": [], "bank": [], "name": []}
    identity = getattr(person, "identity", None) if person.identity_erased_at is None else None
    if identity is not None:
        names = [identity.get_field("name_native"), identity.get_field("name_latin"), *identity.get_field("aliases")]
        values["name"] = [k for k in (name_key(n) for n in names if n) if k]
        values["phone"] = [p for p in (normalise_phone(x) for x in identity.get_field("phones")) if p]
    record_ = SuspectRecord.objects.filter(person=person).first()
    if record_ is not None:
        values["vehicle"] = [v for v in (normalise_vehicle(x) for x in record_.get_list("vehicles")) if v]
        values["bank"] = [re.sub(r"[^0-9A-Z]", "", x.upper()) for x in record_.get_list("bank_accounts")]
        values["bank"] = [b for b in values["bank"] if len(b) >= 6]
    return {k: sorted(set(v)) for k, v in values.items()}


def index_suspect(person) -> list[SuspectIndicator]:
    """(Re)build a suspect's keyed-hash indicators. Called whenever a suspect is added or
    their identity or record changes; part of the caller's transaction."""
    from safetynet.people import vault

    rows = [SuspectIndicator(person=person, kind=kind, digest=vault.blind_index(f"suspect-{kind}", value))
            for kind, found in _suspect_values(person).items() for value in found]
    SuspectIndicator.objects.filter(person=person).delete()
    SuspectIndicator.objects.bulk_create(rows)
    return rows


@dataclass
class Link:
    other: CaseParty  # the other suspect's place in a case
    kinds: list[str]


def suspect_links(person) -> list[Link]:
    """Other suspects (in any case) sharing an indicator with ``person``: not filtered for
    visibility — callers split them by what the user may see."""
    mine = list(SuspectIndicator.objects.filter(person=person).values_list("kind", "digest"))
    if not mine:
        return []
    matches: dict[int, set[str]] = {}
    q = models.Q(pk__in=[])
    for kind, digest in mine:
        q |= models.Q(kind=kind, digest=digest)
    for other_id, kind in SuspectIndicator.objects.filter(q).exclude(person=person).values_list("person_id", "kind"):
        matches.setdefault(other_id, set()).add(kind)
    parties = CaseParty.objects.filter(person_id__in=list(matches), role=CaseParty.Role.SUSPECT) \
        .select_related("person", "case", "case__owning_agency")
    return [Link(p, sorted(matches[p.person_id])) for p in parties]


@dataclass
class OnFile:
    visible: list[Link]
    hidden_cases: int  # cases the user may not see where a link exists (their owners were told)


def check_on_file(*, actor, party: CaseParty, notify: bool = True) -> OnFile:
    """Is this suspect's phone, vehicle, bank account or name already on file? Links in cases
    the actor may see are shown; for the others, their owners are told (once per pair of
    people) that a suspect elsewhere shares something with one of theirs — nothing about
    the case or who entered it."""
    links = suspect_links(party.person)
    # Only the linked cases are checked, not every case the actor may see (a state unit sees many).
    visible_cases = set(Case.objects.visible_to(actor, policy.Cap.LEGAL_VIEW).filter(
        pk__in={link.other.case_id for link in links}).values_list("pk", flat=True))
    visible: list[Link] = []
    hidden: list[Link] = []
    for link in links:
        if link.other.case_id == party.case_id:
            continue
        (visible if link.other.case_id in visible_cases else hidden).append(link)
    result = OnFile(visible=visible, hidden_cases=len({link.other.case_id for link in hidden}))
    if not notify:
        return result
    told = set(SuspectLinkNotice.objects.filter(person=party.person).values_list("other_id", flat=True))
    alerts, notices = [], []
    for link in hidden:
        if link.other.person_id in told:
            continue
        kinds = ", ".join(str(SuspectIndicator.Kind(k).label).lower() for k in link.kinds)
        message = _("Possible link: a suspect in another unit's case shares a %(what)s with suspect %(code)s in your "
                    "case %(case)s. Ask the platform administrators to put the units in touch.") % {
            "what": kinds, "code": link.other.person.code, "case": link.other.case.reference}
        alerts.append((_investigators(link.other.case), message, f"/prosecution/cases/{link.other.case.public_id}/",
                       False))
        notices.append(SuspectLinkNotice(person=party.person, other=link.other.person))
        told.add(link.other.person_id)
    if alerts:
        with transaction.atomic():
            SuspectLinkNotice.objects.bulk_create(notices)
            notify_many(alerts)
            record(actor=actor, action="suspect.link_notice", obj=party.case, agency=party.case.owning_agency,
                   changes={"person": party.person.code, "cases_told": len({n.other_id for n in notices})})
    return result


def add_to_suspect_record(*, actor, party: CaseParty, vehicles: list[str], bank_accounts: list[str]) -> SuspectRecord:
    """Add vehicles and bank accounts to a suspect of a case the actor investigates (write-only
    on the legal file: reading them back is an identity view), re-index, check for links."""
    case = party.case
    _check(actor, case, policy.Cap.LEGAL_EDIT)
    if party.role != CaseParty.Role.SUSPECT:
        raise ValidationError(_("Only a suspect has a suspect record."))
    vehicles = [v.strip() for v in vehicles if v.strip()]
    bank_accounts = [b.strip() for b in bank_accounts if b.strip()]
    if not vehicles and not bank_accounts:
        raise ValidationError({"vehicles": [_("Enter at least one vehicle number or bank account.")]})
    from safetynet.tips.indicators import normalise_vehicle

    bad = [v for v in vehicles if not normalise_vehicle(v)]
    if bad:
        raise ValidationError({"vehicles": [_("Not a vehicle registration number: %(v)s") % {"v": ", ".join(bad)}]})
    with transaction.atomic():
        row, _created = SuspectRecord.objects.get_or_create(person=party.person)
        row.set_list("vehicles", row.get_list("vehicles") + vehicles)
        row.set_list("bank_accounts", row.get_list("bank_accounts") + bank_accounts)
        if len(row.get_list("vehicles")) > 50 or len(row.get_list("bank_accounts")) > 50:
            raise ValidationError(_("At most 50 vehicles and 50 bank accounts per suspect."))
        row.save()
        index_suspect(party.person)
        record(actor=actor, action="suspect.record", obj=case, agency=case.owning_agency,
               changes={"person": party.person.code, "vehicles_added": len(vehicles),
                        "bank_accounts_added": len(bank_accounts)})
    check_on_file(actor=actor, party=party)
    return row


def erasure_blockers(person) -> list[str]:
    """Why a person's identity may not be erased yet: a court case they are part of is still
    open (an accused without a final verdict, or an appeal pending). The court must be able
    to summon its witnesses and victims; erasure waits for the end of the trial."""
    from safetynet.cases.models import CaseParty

    case_ids = CaseParty.objects.filter(person=person).values("case_id")
    reasons = []
    for court_case in CourtCase.objects.filter(case_id__in=case_ids).select_related("case"):
        undecided = court_case.case.accused.filter(
            models.Q(report=Accused.Report.CHARGE_SHEET, verdict="") | ~models.Q(appeal=""))
        if undecided.exists():
            reasons.append(_("Court case %(number)s at %(court)s is still open (%(n)s accused without a final "
                             "verdict). The identity can be erased when it ends.")
                           % {"number": court_case.number, "court": court_case.court, "n": undecided.count()})
    return reasons
