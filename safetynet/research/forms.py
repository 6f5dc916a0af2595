from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import dp
from .services import EPSILON_CHOICES


class ReleaseForm(forms.Form):
    dimensions = forms.MultipleChoiceField(label=_("Count victims by"), choices=list(dp.DIMENSIONS.items()),
                                           widget=forms.CheckboxSelectMultiple)
    year_from = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)
    epsilon = forms.ChoiceField(label=_("Privacy budget to spend (epsilon)"),
                                choices=[(str(e), str(e)) for e in EPSILON_CHOICES],
                                help_text=_("Smaller: more noise, more privacy, and less of your budget spent."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year_from"].initial = year - 2
        self.fields["year_to"].initial = year
        self.fields["dimensions"].initial = ["year", "type", "state"]
        self.fields["epsilon"].initial = "0.5"
