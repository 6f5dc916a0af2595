"""Forms of the care record. They check types; everything that depends on the rest of the
record (capacity, order of steps, dates against the exit, consent) is checked in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.agencies.models import Agency
from safetynet.core.forms import DATE, DATETIME, UniqueIds, VersionedForm
from safetynet.people.forms import band_for_age_or_error
from safetynet.people.models import MAX_AGE, Person
from safetynet.tips.forms import PlaceField, place_choices

from . import htcds
from .models import (
    CareAssignment,
    CareGoal,
    Consent,
    CWCOrder,
    FollowUp,
    HomeStudy,
    Placement,
    Repatriation,
    ServiceRecord,
    ShelterHome,
    Survivor,
)

CHECKS = forms.CheckboxSelectMultiple


class ProfileForm(UniqueIds, forms.Form):
    language = forms.ChoiceField(label=_("Language the survivor prefers"), choices=Survivor.Language.choices)
    trafficking_status = forms.ChoiceField(label=_("Trafficking status"), choices=htcds.TraffickingStatus.choices)
    exploitation_types = forms.MultipleChoiceField(label=_("Type of exploitation"), required=False, widget=CHECKS,
                                                   choices=htcds.TYPES_OF_EXPLOITATION)
    labour_industries = forms.MultipleChoiceField(label=_("Forced labour industry"), required=False, widget=CHECKS,
                                                  choices=htcds.LABOUR_INDUSTRIES)
    methods_of_control = forms.MultipleChoiceField(label=_("Methods of control"), required=False, widget=CHECKS,
                                                   choices=htcds.METHODS_OF_CONTROL)
    recruitment_methods = forms.MultipleChoiceField(label=_("Method of recruitment"), required=False, widget=CHECKS,
                                                    choices=htcds.RECRUITMENT_METHODS)
    recruiter_relation = forms.ChoiceField(label=_("Recruiter's relation to the survivor"), required=False,
                                           choices=htcds.RecruiterRelation.choices)
    months_in_exploitation = forms.IntegerField(label=_("Months in exploitation"), required=False, min_value=0,
                                                max_value=600)
    recruited_from = PlaceField(label=_("Place of recruitment (the source of the case)"), required=False,
                                choices=place_choices,
                                help_text=_("Used to warn if a planned home is where the trafficking began."))


class RegisterForm(ProfileForm):
    came_via = forms.ChoiceField(label=_("How the survivor came to you"), choices=Survivor.CameVia.choices)
    person = forms.ChoiceField(label=_("Rescued person"), required=False, choices=(),
                               help_text=_("A victim already on a case you can see. Leave empty for a survivor "
                                           "who came forward."))
    name_latin = forms.CharField(label=_("Name (Latin letters)"), required=False, max_length=200)
    name_native = forms.CharField(label=_("Name in the survivor's own script"), required=False, max_length=200)
    father_name = forms.CharField(label=_("Father's or husband's name"), required=False, max_length=200,
                                  help_text=_("Families give it when they report someone missing: it tells apart "
                                              "people with the same name."))
    age = forms.IntegerField(label=_("Age in years (about)"), required=False, min_value=0, max_value=MAX_AGE,
                             help_text=_("As told. Used with the year of this record to find the person in "
                                         "missing-person reports; the age band is filled from it."))
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.FEMALE)
    age_band = forms.ChoiceField(label=_("Age band"), choices=[("", "—"), *Person.AgeBand.choices], required=False,
                                 help_text=_("Filled from the age when one is written. Under 18 or not known: the "
                                             "CWC is told at once (24 hours)."))
    nationality = forms.ChoiceField(label=_("Nationality"), choices=Person.Nationality.choices)
    jurisdiction = PlaceField(label=_("District where the survivor is"), choices=place_choices)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)

    field_order = ["came_via", "person", "name_latin", "name_native", "father_name", "sex", "age", "age_band",
                   "nationality", "jurisdiction", "registered_on", "language"]

    def clean(self):
        data = super().clean()
        if data.get("age") is None and not data.get("age_band") and not data.get("person") and "age" not in self.errors:
            self.add_error("age_band", _("Write the age, or choose the age band (\"Not known\" if nobody knows)."))
        band_for_age_or_error(self, data)
        return data

    def identity(self) -> dict:
        """The new person's identity as register_person takes it (empty fields left out)."""
        d = self.cleaned_data
        ident = {k: d[k].strip() for k in ("name_latin", "name_native", "father_name") if d[k].strip()}
        if d["age"] is not None:
            ident["age"] = str(d["age"])
        return ident

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("— came forward: register a new person —"))] + [  # type: ignore[attr-defined]
            (str(p.public_id), p.code) for p in victims]


class EditProfileForm(VersionedForm, ProfileForm):  # ProfileForm brings UniqueIds
    pass


class ConsentForm(UniqueIds, forms.Form):
    purpose = forms.ChoiceField(label=_("Consent to"), choices=Consent.Purpose.choices)
    agency = forms.ModelChoiceField(label=_("Agency (for sharing)"), required=False, queryset=Agency.objects.none())
    given_by = forms.ChoiceField(label=_("Given by"), choices=Consent.GivenBy.choices)
    method = forms.ChoiceField(label=_("How"), choices=Consent.Method.choices)
    witness = forms.CharField(label=_("Witness (designation)"), required=False, max_length=120,
                              help_text=_("Needed for verbal consent."))
    language = forms.ChoiceField(label=_("Explained in"), choices=Survivor.Language.choices)
    taken_on = forms.DateField(label=_("Given on"), widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True, agency_type__in=SHARING_TYPES).order_by("name")


SHARING_TYPES = [Agency.Type.NGO, Agency.Type.SHELTER, Agency.Type.CWC, Agency.Type.HEALTH, Agency.Type.LABOUR,
                 Agency.Type.BORDER_COUNTERPART]


class ShareForm(UniqueIds, forms.Form):
    agency = forms.ModelChoiceField(label=_("Share with"), queryset=Agency.objects.none())
    override_reason = forms.CharField(
        label=_("Override without consent: why this cannot wait"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the survivor cannot be asked and no CWC order exists. Logged and shown on the record."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True, agency_type__in=SHARING_TYPES).order_by("name")


class TracingForm(UniqueIds, forms.Form):
    override_reason = forms.CharField(label=_("Override without consent: why this cannot wait"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(UniqueIds, forms.Form):
    user = forms.ChoiceField(label=_("Person"), choices=())
    kind = forms.ChoiceField(label=_("As"), choices=CareAssignment.Kind.choices)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(str(u.pk), getattr(u, "label", "") or u.get_full_name()  # type: ignore[attr-defined]
                                        or u.get_username()) for u in people]


class ProductionForm(UniqueIds, forms.Form):
    produced_at = forms.DateTimeField(label=_("Produced before the committee at"), widget=DATETIME)


class CWCOrderForm(UniqueIds, forms.Form):
    kind = forms.ChoiceField(label=_("Order"), choices=CWCOrder.Kind.choices)
    number = forms.CharField(label=_("Order number"), max_length=60)
    ordered_on = forms.DateField(label=_("Ordered on"), widget=DATE)
    agency = forms.ModelChoiceField(label=_("Shelter or agency named (placement, restoration, sharing)"),
                                    required=False, queryset=Agency.objects.none())
    age_band = forms.ChoiceField(label=_("Age determined (age determination only)"), required=False,
                                 choices=[("", "—"), *[c for c in Person.AgeBand.choices if c[0] != "unknown"]])
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Encrypted. Do not repeat the child's name."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True, agency_type__in=SHARING_TYPES).order_by("name")


class PlaceForm(UniqueIds, forms.Form):
    shelter = forms.ModelChoiceField(label=_("Shelter"), queryset=ShelterHome.objects.select_related("agency"))
    started_on = forms.DateField(label=_("Placed on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TransferForm(UniqueIds, VersionedForm):
    shelter = forms.ModelChoiceField(label=_("Transfer to"), queryset=ShelterHome.objects.select_related("agency"))
    started_on = forms.DateField(label=_("On"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ExitForm(UniqueIds, VersionedForm):
    ended_on = forms.DateField(label=_("Left on"), widget=DATE)
    exit_reason = forms.ChoiceField(label=_("Why the survivor left"),
                                    choices=[c for c in Placement.ExitReason.choices if c[0] != "transfer"])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    warnings_read = forms.BooleanField(label=_("I have read the home study's warnings"), required=False)


GOAL_ROWS = 3


class PlanForm(UniqueIds, forms.Form):
    review_every_days = forms.IntegerField(label=_("Review every (days)"), initial=90, min_value=7, max_value=365)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(GOAL_ROWS):
            self.fields[f"domain_{i}"] = forms.ChoiceField(label=_("Area"), required=False,
                                                           choices=[("", "—"), *CareGoal.Domain.choices])
            self.fields[f"goal_{i}"] = forms.CharField(label=_("Goal"), required=False, max_length=300)
            self.fields[f"target_{i}"] = forms.DateField(label=_("By"), required=False, widget=DATE)

    def goals(self) -> list[tuple]:
        d = self.cleaned_data
        return [(d[f"domain_{i}"], d[f"goal_{i}"], d[f"target_{i}"]) for i in range(GOAL_ROWS)
                if d.get(f"goal_{i}", "").strip()]

    def goal_rows(self):
        return [(self[f"domain_{i}"], self[f"goal_{i}"], self[f"target_{i}"]) for i in range(GOAL_ROWS)]


class ReviewForm(UniqueIds, VersionedForm):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE)
    summary = forms.CharField(label=_("What changed"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    achieved = forms.MultipleChoiceField(label=_("Goals achieved"), required=False, widget=CHECKS, choices=())
    new_domain = forms.ChoiceField(label=_("New goal: area"), required=False,
                                   choices=[("", "—"), *CareGoal.Domain.choices])
    new_goal = forms.CharField(label=_("New goal"), required=False, max_length=300)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achieved"].choices = [(str(g.pk), g.goal) for g in goals]  # type: ignore[attr-defined]


class ServiceForm(UniqueIds, forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceRecord.Kind.choices)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    delivered_on = forms.DateField(label=_("On"), widget=DATE)
    job_role = forms.CharField(label=_("Job (for a job placement)"), required=False, max_length=120)
    note = forms.CharField(label=_("Note (no clinical detail)"), required=False, max_length=300)


class ClinicalNoteForm(UniqueIds, forms.Form):
    written_on = forms.DateField(label=_("Session on"), widget=DATE)
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class HomeStudyForm(UniqueIds, forms.Form):
    conducted_on = forms.DateField(label=_("Visited on"), widget=DATE)
    place = PlaceField(label=_("District of the home"), choices=place_choices)
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=500,
                              help_text=_("Encrypted."))
    household = forms.CharField(
        label=_("Who lives there"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One person per line: name, relation, phone. Checked against suspects on file; encrypted."))
    risks = forms.CharField(label=_("Risks seen"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=4000)
    family_involved = forms.ChoiceField(label=_("Was the family involved in the trafficking?"),
                                        choices=HomeStudy.Answer.choices, initial=HomeStudy.Answer.UNKNOWN)
    village_involved = forms.ChoiceField(label=_("Were people in the village involved?"),
                                         choices=HomeStudy.Answer.choices, initial=HomeStudy.Answer.UNKNOWN)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=HomeStudy.Recommendation.choices)

    def household_rows(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data.get("household", "").splitlines():
            parts = [p.strip() for p in line.split(",")]
            if any(parts):
                rows.append({"name": parts[0], "relation": parts[1] if len(parts) > 1 else "",
                             "phone": ", ".join(parts[2:]) if len(parts) > 2 else ""})
        return rows


class RepatriationForm(UniqueIds, forms.Form):
    country = forms.ChoiceField(label=_("To"), choices=Repatriation.Country.choices)
    counterpart = forms.ModelChoiceField(label=_("Counterpart agency"), required=False,
                                         queryset=Agency.objects.none())
    border_post = forms.CharField(label=_("Handover at (border post)"), required=False, max_length=120,
                                  help_text=_("e.g. Petrapole–Benapole, Panitanki–Kakarbhitta"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True, jurisdiction__path__regex=r"^(BD|NP)/").order_by("name")


class StepForm(UniqueIds, VersionedForm):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    border_post = forms.CharField(label=_("Border post"), required=False, max_length=120)


class FollowUpForm(UniqueIds, VersionedForm):
    done_on = forms.DateField(label=_("Visited on"), widget=DATE)
    wellbeing = forms.TypedChoiceField(label=_("Well-being"), coerce=int,
                                       choices=[(5, _("5 — very good")), (4, "4"), (3, "3"), (2, "2"),
                                                (1, _("1 — very poor"))])
    livelihood = forms.ChoiceField(label=_("Livelihood"), choices=FollowUp.Livelihood.choices)
    risk = forms.ChoiceField(label=_("Risk of re-trafficking"), choices=FollowUp.Risk.choices)
    re_trafficked = forms.BooleanField(label=_("Found re-trafficked"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class EraseForm(UniqueIds, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("survivor_request", _("Request of the survivor")),
                                                           ("guardian_request", _("Request of the guardian"))])
    confirm = forms.BooleanField(label=_("I have read the record's export to the survivor and they still ask for "
                                         "erasure"), required=True)
