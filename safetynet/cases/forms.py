from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.agencies.models import Jurisdiction
from safetynet.people.forms import band_for_age_or_error
from safetynet.people.models import MAX_AGE, Person

from .models import Case, CaseParty


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("A short description without names, e.g. “Girls moved through Petrapole”."))
    kind = forms.ChoiceField(label=_("Form of exploitation"), choices=Case.Kind.choices)
    jurisdiction = forms.ModelChoiceField(label=_("Place"), queryset=Jurisdiction.objects.none(),
                                          error_messages={"invalid_choice": _("Choose a place from the list.")})
    opened_on = forms.DateField(label=_("Opened on"), widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("Enter a date such as 2026-11-28.")})
    summary = forms.CharField(label=_("Summary"), required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Do not write names here: add people as parties below."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is not None:
            self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(
                path__startswith=agency.jurisdiction.path)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Case.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the case"), choices=CaseParty.Role.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.UNKNOWN)
    age_band = forms.ChoiceField(label=_("Age band"), choices=Person.AgeBand.choices, initial=Person.AgeBand.UNKNOWN,
                                 help_text=_("Filled from the age in years, when you write it below."))
    nationality = forms.ChoiceField(label=_("Nationality"), choices=Person.Nationality.choices,
                                    initial=Person.Nationality.UNKNOWN)
    name_native = forms.CharField(label=_("Name in own script"), max_length=200, required=False,
                                  help_text=_("For example রহিমা খাতুন or रहीमा खातून"))
    name_latin = forms.CharField(label=_("Name in Latin letters"), max_length=200, required=False)
    aliases = forms.CharField(label=_("Other names and spellings (one a line)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    phones = forms.CharField(label=_("Phone numbers (one a line)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    addresses = forms.CharField(label=_("Addresses (one a line)"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    id_numbers = forms.CharField(label=_("ID numbers, with the type (one a line)"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    father_name = forms.CharField(label=_("Father's or husband's name"), max_length=200, required=False,
                                  help_text=_("Families give it when they report someone missing: it tells apart "
                                              "people with the same name."))
    age = forms.IntegerField(label=_("Age in years (about)"), required=False, min_value=0, max_value=MAX_AGE,
                             help_text=_("As told. Used with the year of this record to find the person in "
                                         "missing-person reports; the age band is filled from it."))

    LIST_FIELDS = ("aliases", "phones", "addresses", "id_numbers")

    def clean(self):
        data = super().clean()
        band_for_age_or_error(self, data)
        return data

    def clean_phones(self):
        import re

        text = self.cleaned_data["phones"]
        # The message names the line, not its content: identity data stays out of error messages.
        for number, line in enumerate((line.strip() for line in text.splitlines()), start=1):
            digits = re.sub(r"\D", "", line)
            if line and (not re.fullmatch(r"\+?[\d\s\-()]+", line) or not 6 <= len(digits) <= 15):
                raise forms.ValidationError(
                    _("Line %(n)s is not a phone number: use digits, spaces, + and - only (6 to 15 digits)."),
                    params={"n": number})
        return text

    def identity(self) -> dict:
        data = self.cleaned_data
        ident = {"name_native": data["name_native"], "name_latin": data["name_latin"],
                 "father_name": data["father_name"], "age": "" if data["age"] is None else str(data["age"])}
        for field in self.LIST_FIELDS:
            ident[field] = [line.strip() for line in data[field].splitlines() if line.strip()]
        return {k: v for k, v in ident.items() if v}


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("The note is empty.")})


class TeamForm(forms.Form):
    username = forms.CharField(label=_("Username of the colleague to add"), max_length=150)


class BreakGlassForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=40)
    reason = forms.CharField(label=_("Why you need this case now"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
