from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IdentityTombstone, Person


class EraseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=IdentityTombstone.Reason.choices)
    confirm = forms.BooleanField(label=_("I understand this cannot be undone"),
                                 error_messages={"required": _("Tick the box to confirm.")})


def band_for_age_or_error(form: forms.Form, data: dict) -> None:
    """An age in years fills the age band; an age that contradicts the band chosen is refused
    (which one is wrong only the person registering can tell)."""

    age, band = data.get("age"), data.get("age_band")
    if age is None or "age_band" not in form.fields:
        return
    expected = Person.band_for_age(age)
    if band in (None, "", Person.AgeBand.UNKNOWN):
        data["age_band"] = expected
    elif band != expected:
        form.add_error("age", _("An age of %(age)s is not in the age band chosen (%(band)s): correct one of them.")
                       % {"age": age, "band": Person.AgeBand(band).label})
