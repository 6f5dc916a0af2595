"""The report a family makes at a police station (or a counterpart agency sends)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import DATETIME
from safetynet.tips.forms import PlaceField, place_choices

from .models import MissingPersonReport


class MissingReportForm(forms.Form):
    source = forms.ChoiceField(label=_("Reported by"), choices=[
        c for c in MissingPersonReport.Source.choices if c[0] in ("family", "counterpart")])
    name = forms.CharField(label=_("Name (any script)"), max_length=200)
    other_names = forms.CharField(label=_("Other names or spellings"), required=False, max_length=400,
                                  help_text=_("Separate them with commas."))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("female", _("Female")), ("male", _("Male")),
                                                     ("other", _("Other")), ("unknown", _("Not known"))])
    age = forms.IntegerField(label=_("Age now (about)"), required=False)
    birth_year = forms.IntegerField(label=_("Year of birth, if known"), required=False)
    father = forms.CharField(label=_("Father's name"), required=False, max_length=200)
    mother = forms.CharField(label=_("Mother's name"), required=False, max_length=200)
    husband = forms.CharField(label=_("Husband's name"), required=False, max_length=200)
    jurisdiction = PlaceField(label=_("District where last seen"), choices=place_choices)
    last_seen_at = forms.DateTimeField(label=_("Last seen on"), required=False, widget=DATETIME)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                                  help_text=_("Height, marks, clothes, who she or he was with."))
