"""Forms of the legal file. Dates out of order and duplicate codes are checked in
services.py (they depend on the rest of the file); these forms check types only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.agencies.models import Agency
from safetynet.cases.models import CaseParty
from safetynet.core.forms import DATE, VersionedForm

from .models import Accused, Hearing, LawSection, ProtectionIncident, ProtectionMeasure, RiskAssessment


def section_choices() -> list:
    """Sections grouped by Act, for checkboxes: <optgroup>-like groups in one field."""
    groups: dict[str, list] = {}
    for s in LawSection.objects.filter(is_active=True):
        groups.setdefault(s.act, []).append((s.code, f"s.{s.section} — {s.title}"))
    return list(groups.items())


class FirForm(forms.Form):
    police_station = forms.ModelChoiceField(label=_("Police station"), queryset=Agency.objects.none())
    number = forms.CharField(label=_("FIR number"), max_length=30, help_text=_("As written on the FIR, e.g. 112/2026"))
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)
    sections = forms.MultipleChoiceField(label=_("Sections of law"), choices=(),
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        stations = Agency.objects.filter(agency_type__in=[Agency.Type.POLICE_STATION, Agency.Type.AHTU],
                                         is_active=True)
        if case is not None:
            # Stations in the case's district (and the owning agency), nearest first in the list.
            district = case.jurisdiction.path.split("/")
            area = "/".join(district[:3]) + "/" if len(district) > 3 else case.jurisdiction.path
            stations = stations.filter(jurisdiction__path__startswith=area) | stations.filter(pk=case.owning_agency_id)
        self.fields["police_station"].queryset = stations.order_by("name")  # type: ignore[attr-defined]
        self.fields["sections"].choices = section_choices()  # type: ignore[attr-defined]


class AccusedForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=6, required=False,
                           help_text=_("Leave empty for the next free code."))
    party = forms.ChoiceField(label=_("Suspect (person record)"), required=False, choices=())

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        suspects = CaseParty.objects.filter(case=case, role=CaseParty.Role.SUSPECT).select_related("person") \
            if case is not None else CaseParty.objects.none()
        self.fields["party"].choices = [("", _("— not yet linked —"))] + [  # type: ignore[attr-defined]
            (str(p.pk), p.person.code) for p in suspects]


class ArrestForm(VersionedForm):
    arrested_on = forms.DateField(label=_("Arrested on"), widget=DATE)
    custody = forms.ChoiceField(label=_("Sent to"), choices=[
        c for c in Accused.Custody.choices if c[0] != Accused.Custody.NOT_ARRESTED])


class CustodyForm(VersionedForm):
    custody = forms.ChoiceField(label=_("Custody now"), choices=Accused.Custody.choices)


class ReportForm(VersionedForm):
    report = forms.ChoiceField(label=_("Police report"), choices=Accused.Report.choices)
    report_on = forms.DateField(label=_("Filed on"), widget=DATE)


class VerdictForm(VersionedForm):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Accused.Verdict.choices)
    verdict_on = forms.DateField(label=_("Date of the verdict"), widget=DATE)
    sentence = forms.CharField(label=_("Sentence"), max_length=200, required=False,
                               help_text=_("For a conviction, e.g. 10 years' rigorous imprisonment and a fine"))
    appeal = forms.ChoiceField(label=_("Appeal"), required=False,
                               choices=[("", _("None filed"))] + list(Accused.Appeal.choices))


class CourtCaseForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=200,
                            help_text=_("e.g. Special Court (POCSO), Barasat"))
    number = forms.CharField(label=_("Court case number"), max_length=40)
    filed_on = forms.DateField(label=_("Filed in court on"), widget=DATE)


class HearingForm(forms.Form):
    """A hearing, with one row per victim and witness of the case: summoned, came, hostile."""

    held_on = forms.DateField(label=_("Date of the hearing"), widget=DATE)
    outcome = forms.ChoiceField(label=_("What happened"), choices=Hearing.Outcome.choices)
    adjourned_because = forms.ChoiceField(label=_("If adjourned, why"), required=False,
                                          choices=[("", "—")] + list(Hearing.AdjournedBecause.choices))
    next_date = forms.DateField(label=_("Next date"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Encrypted. Use person codes, not names."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(CaseParty.objects.filter(case=case, role__in=[CaseParty.Role.VICTIM, CaseParty.Role.WITNESS])
                           .select_related("person")) if case is not None else []
        for p in self.people:
            self.fields[f"summoned_{p.pk}"] = forms.BooleanField(required=False, label=_("summoned"))
            self.fields[f"attended_{p.pk}"] = forms.BooleanField(required=False, label=_("came"))
            self.fields[f"hostile_{p.pk}"] = forms.BooleanField(required=False, label=_("turned hostile"))

    def attendance_rows(self) -> list[tuple]:
        return [(p, self[f"summoned_{p.pk}"], self[f"attended_{p.pk}"], self[f"hostile_{p.pk}"]) for p in self.people]

    def summoned(self) -> dict[int, tuple[bool, bool]]:
        data = self.cleaned_data
        return {p.pk: (bool(data.get(f"attended_{p.pk}")), bool(data.get(f"hostile_{p.pk}")))
                for p in self.people if data.get(f"summoned_{p.pk}")}


def _protected_choices(case) -> list:
    parties = CaseParty.objects.filter(case=case, role__in=[CaseParty.Role.VICTIM, CaseParty.Role.WITNESS]) \
        .select_related("person") if case is not None else CaseParty.objects.none()
    return [(str(p.pk), f"{p.person.code} ({p.get_role_display().lower()})") for p in parties]


class ProtectedPartyForm(forms.Form):
    party = forms.ChoiceField(label=_("Victim or witness"), choices=())

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = _protected_choices(case)  # type: ignore[attr-defined]


class RiskForm(ProtectedPartyForm):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    threats_received = forms.BooleanField(label=_("Threats received"), required=False)
    pressure_to_withdraw = forms.BooleanField(label=_("Pressure to withdraw or change the statement"), required=False)
    accused_influence = forms.ChoiceField(label=_("The accused's influence"), choices=RiskAssessment.Influence.choices)
    level = forms.ChoiceField(label=_("Risk"), choices=RiskAssessment.Level.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Encrypted. Use person codes, not names."))


class MeasureForm(ProtectedPartyForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=ProtectionMeasure.Kind.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DATE,
                              help_text=_("Leave empty while it lasts."))


class IncidentForm(ProtectedPartyForm):
    occurred_on = forms.DateField(label=_("When"), widget=DATE)
    kind = forms.ChoiceField(label=_("What happened"), choices=ProtectionIncident.Kind.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Encrypted. Use person codes, not names."))


class EndMeasureForm(VersionedForm):
    ends_on = forms.DateField(label=_("Ended on"), widget=DATE)


class SuspectRecordForm(forms.Form):
    vehicles = forms.CharField(label=_("Vehicle numbers"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2, "autocapitalize": "characters"}),
                               help_text=_("One per line, e.g. WB 26 K 4321."))
    bank_accounts = forms.CharField(label=_("Bank accounts"), required=False, max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("One per line: bank and account number."))

    def lines(self, name: str) -> list[str]:
        return [line for line in self.cleaned_data.get(name, "").splitlines() if line.strip()]


class CompensationForm(forms.Form):
    party = forms.ChoiceField(label=_("Victim"), choices=())
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)
    awarded_on = forms.DateField(label=_("Awarded on"), required=False, widget=DATE)
    amount_awarded = forms.DecimalField(label=_("Amount awarded (₹)"), required=False, min_value=0,
                                        max_digits=12, decimal_places=2)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        victims = CaseParty.objects.filter(case=case, role=CaseParty.Role.VICTIM).select_related("person") \
            if case is not None else CaseParty.objects.none()
        self.fields["party"].choices = [(str(p.pk), p.person.code) for p in victims]  # type: ignore[attr-defined]


class AwardForm(forms.Form):
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DATE)
    amount_awarded = forms.DecimalField(label=_("Amount (₹)"), min_value=0, max_digits=12, decimal_places=2)
