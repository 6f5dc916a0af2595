"""Forms of the rescue operation: the plan, the team, the outcome (with one row per person
rescued and per suspect arrested), cancellation and the CWC production."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import DATETIME, VersionedForm
from safetynet.people.models import Person

from .models import RescueTeamMember

TEXT = {"rows": 3}


class PlanForm(VersionedForm):
    planned_for = forms.DateTimeField(label=_("When"), widget=DATETIME)
    target = forms.CharField(label=_("Where: premises, address or landmark"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    information = forms.CharField(label=_("What is known"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
                                  help_text=_("Who is held, how many, since when. Use codes, not names."))
    verification = forms.CharField(label=_("How the information was verified"), max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    expects_women_or_children = forms.BooleanField(label=_("Women or children are expected"), required=False)
    warrant = forms.CharField(label=_("Search warrant"), max_length=200, required=False,
                              help_text=_("Number, court and date; or why none is needed (e.g. BNSS s.185)."))
    vehicles = forms.CharField(label=_("Vehicles"), max_length=300, required=False)
    contingency = forms.CharField(label=_("If things go wrong"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Back-up, medical help, where the rescued will be taken."))


class TeamMemberForm(forms.Form):
    username = forms.CharField(label=_("SafetyNet user"), max_length=150, required=False,
                               help_text=_("A user on the team can read the plan."))
    label = forms.CharField(label=_("Or a name or designation"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("On the team as"), choices=RescueTeamMember.Kind.choices)
    woman = forms.BooleanField(label=_("Woman"), required=False)


class OutcomeForm(VersionedForm):
    ended_at = forms.DateTimeField(label=_("Ended at"), widget=DATETIME)
    places_searched = forms.IntegerField(label=_("Places searched"), min_value=0, required=False)
    items_seized = forms.CharField(label=_("Items seized"), max_length=4000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("What happened"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class PersonRowForm(forms.Form):
    """One person found: blank rows are ignored."""

    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—")] + list(Person.Sex.choices), required=False)
    age_band = forms.ChoiceField(label=_("Age"), choices=[("", "—")] + list(Person.AgeBand.choices),
                                 required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=[("", "—")] + list(Person.Nationality.choices),
                                    required=False)
    name = forms.CharField(label=_("Name, if known"), max_length=200, required=False,
                           help_text=_("Encrypted; shown only to those allowed."))

    def person(self) -> dict | None:
        d = self.cleaned_data
        if not any(d.get(k) for k in ("sex", "age_band", "nationality", "name")):
            return None
        return {"sex": d.get("sex") or "unknown", "age_band": d.get("age_band") or "unknown",
                "nationality": d.get("nationality") or "unknown", "name": (d.get("name") or "").strip()}


PersonRows = forms.formset_factory(PersonRowForm, extra=4, max_num=40, validate_max=True)


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ProductionForm(forms.Form):
    produced_at = forms.DateTimeField(label=_("Produced before the CWC at"), widget=DATETIME)
