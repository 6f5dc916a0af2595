"""Forms of the Code of Conduct register (staff) and of the public check. They only collect and
type the input; every rule (including "required") is checked in services.py, so that one post
gets every problem back at once, in the same words the demo and the tests meet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.agencies.models import Agency
from safetynet.core.forms import DATE, UniqueIds, VersionedForm
from safetynet.tips.forms import PlaceField, place_choices

from .models import ComplianceReview, Signatory, Standing

MIN_QUERY = 3


class SignatoryForm(forms.Form):
    name = forms.CharField(label=_("Establishment name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Signatory.Kind.choices)
    town = forms.CharField(label=_("Town"), max_length=120, required=False)
    jurisdiction = PlaceField(label=_("District"), choices=place_choices, required=False)
    registration_number = forms.CharField(label=_("Registration or licence number"), max_length=60, required=False,
                                          help_text=_("Optional: the number on the trade or tourism licence."))
    pledged_on = forms.DateField(label=_("Pledge date"), widget=DATE, required=False)


class SignatoryEditForm(VersionedForm, SignatoryForm):
    pass


class StateForm(VersionedForm):
    action = forms.ChoiceField(choices=[("suspend", _("Suspend")), ("withdraw", _("Withdraw")),
                                        ("reinstate", _("Reinstate"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FocalPointForm(UniqueIds, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.CharField(label=_("Job title"), max_length=120, required=False,
                           help_text=_("For example: front office manager, tour manager."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.CharField(label=_("Email"), max_length=254, required=False,
                            widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}))
    started_on = forms.DateField(label=_("Focal point since"), widget=DATE, required=False,
                                 help_text=_("Leave empty for today."))


class EndFocalPointForm(VersionedForm):
    reason = forms.CharField(label=_("Why they stopped"), max_length=300)


class TrainingForm(UniqueIds, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE, required=False)
    staff_trained = forms.IntegerField(label=_("Staff trained"), required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)


class ReviewForm(UniqueIds, forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE, required=False)
    reviewer_agency = forms.ModelChoiceField(label=_("Reviewing agency"), queryset=Agency.objects.none(),
                                             to_field_name="short_code", required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ComplianceReview.Outcome.choices, required=False,
                                widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Needed for minor and major findings. Shown to staff only."))
    follow_up_due = forms.DateField(label=_("Follow-up due"), widget=DATE, required=False,
                                    help_text=_("Needed for a major finding."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer_agency"]
        field.queryset = Agency.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]


class RegisterFilter(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    standing = forms.ChoiceField(label=_("Standing"), required=False,
                                 choices=[("", _("Any standing"))] + list(Standing.choices))

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All districts"))] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in districts]


class CheckForm(forms.Form):
    """The public check: a name (at least three letters) or a certificate or registration number."""

    q = forms.CharField(label=_("Establishment name, or certificate or registration number"), max_length=120,
                        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "search"}))
    place = forms.CharField(label=_("Town or district (optional)"), max_length=120, required=False)

    def clean_q(self) -> str:
        value = " ".join((self.cleaned_data.get("q") or "").split())
        if len(value.replace(" ", "")) < MIN_QUERY:
            raise forms.ValidationError(_("Write at least 3 letters of the name, or the whole certificate or "
                                          "registration number."))
        return value

    def clean_place(self) -> str:
        return " ".join((self.cleaned_data.get("place") or "").split())
