"""Forms for the tip pages. The public form asks only what a bystander can answer, in
plain words, with everything optional except what was seen and where."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.agencies.models import Jurisdiction

from .models import Tip

# Building the choices reads ~200 places: remembered per process for a few minutes, since
# places change about once a year and the public form is the busiest page (bench/tip_intake.py).
PLACE_CHOICES_SECONDS = 300
_place_choices_cache: dict[str, tuple[float, list]] = {}


def place_choices() -> list:
    """Districts (and border sectors) grouped by state or division, for one <select>: it
    works without JavaScript and a phone shows it as a native picker. Labels follow the
    active language, so the cache is per language."""
    import time

    from django.utils.translation import get_language

    key = get_language() or ""
    cached = _place_choices_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < PLACE_CHOICES_SECONDS:
        return cached[1]
    choices = _build_place_choices()
    _place_choices_cache[key] = (time.monotonic(), choices)
    return choices


def _build_place_choices() -> list:
    rows = Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.DISTRICT, Jurisdiction.Level.BORDER_SECTOR]) \
        .select_related("parent", "parent__parent").order_by("path")
    groups: dict[str, list] = {}
    for place in rows:
        parent = place.parent
        state = parent if place.level == Jurisdiction.Level.DISTRICT else (parent.parent if parent else None)
        country = state.parent if state is not None else None
        label = f"{state.name} ({country.name})" if country and state else (state.name if state else "")
        name = place.name if place.level == Jurisdiction.Level.DISTRICT or parent is None \
            else f"{place.name} — {parent.name}"
        groups.setdefault(label, []).append((place.code, name))
    return [("", _("Choose the district"))] + [(label, sorted(items, key=lambda i: i[1]))
                                                  for label, items in groups.items()]


class PlaceField(forms.ChoiceField):
    """A district code. Its choices are built only when the field is rendered; a POST is
    checked against the cached table of places instead (the choices are ~200 entries that
    Django would otherwise normalise on every submission)."""

    def valid_value(self, value) -> bool:
        from .routing import place_for_code

        place = place_for_code(str(value))
        return place is not None and place.level in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.BORDER_SECTOR)


class TipForm(forms.Form):
    category = forms.ChoiceField(label=_("What did you see?"), choices=Tip.Category.choices, widget=forms.RadioSelect)
    happening_now = forms.BooleanField(label=_("It is happening now: someone is being moved or held right now"),
                                       required=False)
    jurisdiction = PlaceField(label=_("District"), choices=())
    place = forms.CharField(label=_("Village, town or landmark"), required=False, max_length=300,
                            help_text=_("For example: Petrapole bus stand, the tea stall near the school"))
    seen_at = forms.DateTimeField(label=_("When did you see it?"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  help_text=_("Leave empty if it was just now."))
    description = forms.CharField(label=_("What happened?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    people = forms.CharField(label=_("The people involved"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("How many, age, clothes, language — whatever you noticed."))
    vehicles = forms.CharField(label=_("Vehicle numbers"), required=False, max_length=500,
                               widget=forms.TextInput(attrs={"autocapitalize": "characters"}))
    phones = forms.CharField(label=_("Phone numbers"), required=False, max_length=500,
                             widget=forms.TextInput(attrs={"inputmode": "tel"}))
    photo = forms.FileField(label=_("A photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                            help_text=_("Only if it is safe to take one. Location and camera details are removed."))
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=12, decimal_places=8)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=12, decimal_places=8)
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=120)
    reporter_phone = forms.CharField(label=_("Your phone number"), required=False, max_length=30,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    may_contact = forms.BooleanField(label=_("The police may call me back"), required=False)
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, with_reporter: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = place_choices  # type: ignore[attr-defined]  # called when rendered
        if not with_reporter:
            for name in ("reporter_name", "reporter_phone", "may_contact"):
                del self.fields[name]
        if not self.is_bound:
            # One key per rendered form: pressing "Send" twice, or reloading after sending,
            # returns the first report instead of making a second one.
            self.initial.setdefault("idempotency_key", f"form:{secrets.token_urlsafe(18)}")


class StatusForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=20,
                              widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                            "placeholder": "ABCD-EFGH-JKMN"}))
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"autocomplete": "off",
                                                                             "tabindex": "-1"}))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why close it?"), choices=Tip.CloseReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConvertForm(forms.Form):
    title = forms.CharField(label=_("Case title"), max_length=200,
                            help_text=_("Do not write names here: add people to the case afterwards."))
    kind = forms.ChoiceField(label=_("Form of exploitation"), choices=())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from safetynet.cases.models import Case

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Case.Kind.choices


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
