"""The report a family makes at a police station (or a counterpart agency sends), and the
family's own report on the public form (/report/missing/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core.forms import DATETIME
from safetynet.people.models import MAX_AGE
from safetynet.tips.forms import PlaceField, place_choices

from .models import MissingPersonReport


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos in one <input multiple>. Only collected here: services.py checks
    what each file really is and re-encodes it (tips/photos.clean_photo)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                              "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def photo_bytes(files) -> list[bytes]:
    return [f.read() for f in files or []]


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
    photos = PhotosField(label=_("Photos (up to 3, optional)"),
                         help_text=_("Location and camera details are removed from the photos."))


SEX_CHOICES = [("female", _("Female")), ("male", _("Male")), ("other", _("Other")), ("unknown", _("Not known"))]


class PublicMissingForm(forms.Form):
    """"My child (or family member) is missing": what a family can answer on a phone, in
    their language. Names in any script the matcher reads; the phone is for the call back."""

    name = forms.CharField(label=_("Name of the missing person"), max_length=200,
                           error_messages={"required": _("Write the missing person's name.")},
                           help_text=_("In any script: Bengali, Hindi/Nepali (Devanagari) or English letters."))
    other_names = forms.CharField(label=_("Other names or nicknames"), required=False, max_length=400,
                                  help_text=_("Separate them with commas."))
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, initial="unknown", widget=forms.RadioSelect)
    age = forms.IntegerField(label=_("Age (about)"), required=False,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_AGE}))
    last_seen_on = forms.DateField(label=_("Day last seen"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    jurisdiction = PlaceField(label=_("District where last seen"), choices=(),
                              error_messages={"required": _("Choose the district where the person was last seen."),
                                              "invalid_choice": _("Choose the district where the person was last "
                                                                  "seen.")})
    description = forms.CharField(label=_("What was she or he wearing? How does she or he look?"), required=False,
                                  max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Height, marks, clothes, who she or he was with."))
    father = forms.CharField(label=_("Father's name"), required=False, max_length=200)
    mother = forms.CharField(label=_("Mother's name"), required=False, max_length=200)
    husband = forms.CharField(label=_("Husband's name"), required=False, max_length=200)
    phone = forms.CharField(label=_("Your phone number"), max_length=30,
                            error_messages={"required": _("Give a phone number on which the police can call you "
                                                          "back, with all its digits.")},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("The police will call you back on this number."))
    photos = PhotosField(label=_("Photos of her or him (up to 3, optional)"),
                         help_text=_("A recent photo helps most. Location and camera details are removed."))
    consent = forms.BooleanField(
        label=_("I agree that the police and protection agencies may use this report to search for the person, "
                "including comparing it with people rescued or in shelters."),
        error_messages={"required": _("Tick the box to agree, so that the police can search with this report.")})
    # A field people never see: bots fill it in (as on the tip form).
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = place_choices  # type: ignore[attr-defined]  # called when rendered
        self.fields["last_seen_on"].widget.attrs["max"] = timezone.localdate().isoformat()
