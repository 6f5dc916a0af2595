"""One form per programme record type: the web page's form and, field for field, the columns of
its spreadsheet import (spreadsheets.py reads each row through the same form). Field names are
the column names; ``record(actor)`` calls the service and returns its errors under the form's
field names.

Places: a select of the districts and border sectors (training: the states) of the agency's
country, grouped by state, like the tip and missing-person forms; the services refuse a place
outside the agency's country. In a file the place may be written as its code (IN-BR-KISH) or its
name (Kishanganj) when no other place has that name.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetynet.access import policy
from safetynet.agencies.models import Jurisdiction

from . import services
from .models import (
    AwarenessEvent,
    IECMaterial,
    PreventionOutcome,
    TrainingCentre,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)
from .spreadsheets import DATE_FORMATS

PREVENTION_LEVELS = (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.BORDER_SECTOR, Jurisdiction.Level.STATION)
STATE_LEVELS = (Jurisdiction.Level.STATE,)


class Lookups:
    """What a user's forms choose from, read once per page or per imported file."""

    def __init__(self, actor, *, for_file: bool = False):
        from safetynet.access.querysets import memberships_with

        self.actor = actor
        self.for_file = for_file  # reading a file: no selects to fill (a form per row)
        self._choices: dict[tuple, list] = {}
        memberships = memberships_with(actor, policy.Cap.PROGRAMME_RECORD)
        self.agency = memberships[0].agency if memberships else None
        self.country = self.agency.jurisdiction.path.split("/")[0] + "/" if self.agency else None

    @cached_property
    def places(self) -> list[Jurisdiction]:
        if self.country is None:
            return []
        return list(Jurisdiction.objects.filter(path__startswith=self.country)
                    .select_related("parent", "parent__parent").order_by("path"))

    def place_choices(self, levels) -> list:
        if levels not in self._choices:
            self._choices[levels] = self._place_choices(levels)
        return self._choices[levels]

    def _place_choices(self, levels) -> list:
        groups: dict[str, list] = {}
        for place in self.places:
            if place.level not in levels:
                continue
            state = place.ancestor(Jurisdiction.Level.STATE)
            group = str(state.name) if state and place.level != Jurisdiction.Level.STATE else ""
            name = place.name if place.level in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.STATE) or not \
                place.parent else f"{place.name} \u2014 {place.parent.name}"
            groups.setdefault(group, []).append((place.code, name))
        out: list = [("", _("Choose the place"))]
        for group, items in sorted(groups.items()):
            items.sort(key=lambda i: i[1])
            if group:
                out.append((group, items))
            else:
                out.extend(items)
        return out

    def place(self, value: str, levels) -> Jurisdiction:
        value = (value or "").strip()
        candidates = [p for p in self.places if p.level in levels]
        found = [p for p in candidates if p.code.lower() == value.lower()] or \
                [p for p in candidates if value.lower() in (p.name.lower(), (p.name_local or "").lower())]
        if not found:
            if levels == STATE_LEVELS:
                raise ValidationError(_("Choose a state of your agency's country (its code or its name)."))
            raise ValidationError(_("Choose a district or border sector of your agency's country (its code or its "
                                    "name)."))
        if len(found) > 1:
            raise ValidationError(_("More than one place has this name: write its code (the template's sheet "
                                    "“Places” lists them)."))
        return found[0]

    def initial_place(self, levels) -> str:
        if self.agency and self.agency.jurisdiction.level in levels:
            return self.agency.jurisdiction.code
        return ""

    @cached_property
    def committees(self) -> list[VigilanceCommittee]:
        return list(VigilanceCommittee.objects.visible_to(self.actor).select_related("jurisdiction")
                    .order_by("village", "-formed_on")[:500])

    @cached_property
    def centres(self) -> list[TrainingCentre]:
        return list(TrainingCentre.objects.visible_to(self.actor).select_related("jurisdiction").order_by("name"))

    @cached_property
    def programmes(self) -> list[TrainingProgramme]:
        return list(TrainingProgramme.objects.visible_to(self.actor).order_by("-starts_on", "title")[:500])


def _by_id_or_name(records, value: str, name_of, message_none: str, message_many: str):
    value = (value or "").strip()
    found = [r for r in records if str(r.public_id) == value] or \
            [r for r in records if name_of(r).lower() == value.lower()]
    if not found:
        raise ValidationError(message_none)
    if len(found) > 1:
        raise ValidationError(message_many)
    return found[0]


# --------------------------------------------------------------------------- fields


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD or DD/MM/YYYY."),
                                           "required": gettext_lazy("Enter a date.")})


def _count(label, required: bool = True, help_text="") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0, help_text=help_text,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                              error_messages={"min_value": gettext_lazy("Enter a count of zero or more."),
                                              "invalid": gettext_lazy("Enter a whole number."),
                                              "required": gettext_lazy("Enter a count.")})


def _text(label, max_length: int = 120, required: bool = True, help_text="") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=help_text)


class NamedChoiceField(forms.ChoiceField):
    """A select on the page; in a file, a code, an id or a name the form resolves itself."""

    accepts_names = True

    def __init__(self, *, allowed="", **kwargs):
        super().__init__(**kwargs)
        self.allowed = allowed

    def valid_value(self, value) -> bool:
        return True  # the form's clean_<field> resolves it and says what is wrong


class RecordForm(forms.Form):
    """Base: ``lookups`` (per user) fills the selects; ``service_kwargs`` maps cleaned data to the
    service's arguments; SERVICE_FIELDS renames the service's error keys to field names."""

    service: Any = None  # the services.record_* function, as a staticmethod
    PLACE_FIELD = "district"
    PLACE_LEVELS: tuple = PREVENTION_LEVELS
    SERVICE_FIELDS: dict[str, str] = {}

    def __init__(self, *args, lookups: Lookups | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups
        place = self.fields.get(self.PLACE_FIELD)
        if place is not None and lookups is not None and not lookups.for_file:
            place.choices = lookups.place_choices(self.PLACE_LEVELS)  # type: ignore[attr-defined]
            place.initial = lookups.initial_place(self.PLACE_LEVELS)
        today = timezone.localdate().isoformat()
        for f in self.fields.values():
            if isinstance(f, forms.DateField):
                f.widget.attrs.setdefault("max", today)

    def clean(self):
        data = super().clean()
        name = self.PLACE_FIELD
        if name in self.fields and data.get(name):
            try:
                data["jurisdiction"] = self._lookups().place(data[name], self.PLACE_LEVELS)
            except ValidationError as exc:
                self.add_error(name, exc)
        return data

    def _lookups(self) -> Lookups:
        if self.lookups is None:
            raise ValidationError(_("Your role does not allow this."))
        return self.lookups

    def service_kwargs(self) -> dict:
        """The service's keyword arguments from the cleaned fields: every record form defines it
        (this base class is never used on its own)."""
        raise NotImplementedError

    def record(self, actor):
        """Save through the service; a ValidationError's keys are this form's field names."""
        try:
            return type(self).service(actor=actor, **self.service_kwargs())
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            renamed: dict[str, list] = {}
            for key, errors in exc.error_dict.items():
                name = {"jurisdiction": self.PLACE_FIELD, **self.SERVICE_FIELDS}.get(key, key)
                renamed.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(errors)
            raise ValidationError(renamed) from exc

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        else:
            for message in exc.messages:
                self.add_error(None, message)


PLACE_HELP = gettext_lazy("The district (or border sector) where it is. In a file: its code, e.g. IN-BR-KISH, or "
                          "its name.")


def _place_field(label=None, help_text=PLACE_HELP):
    label = label or gettext_lazy("District")
    return NamedChoiceField(label=label, help_text=help_text, allowed=gettext_lazy(
        "the code (IN-BR-KISH) or the name of a district or border sector; the sheet “Places” lists "
        "them"), error_messages={"required": gettext_lazy("Choose the place.")})


# --------------------------------------------------------------------------- prevention


class CommitteeForm(RecordForm):
    service = staticmethod(services.record_committee)

    district = _place_field()
    village = _text(gettext_lazy("Village"))
    formed_on = _date(gettext_lazy("Formed on"))
    members_female = _count(gettext_lazy("Women members"))
    members_male = _count(gettext_lazy("Men members"))
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"jurisdiction": d["jurisdiction"], "village": d["village"], "formed_on": d["formed_on"],
                "members_female": d["members_female"], "members_male": d["members_male"], "active": d["active"]}


class SelfHelpGroupForm(CommitteeForm):
    service = staticmethod(services.record_self_help_group)


class AwarenessEventForm(RecordForm):
    service = staticmethod(services.record_awareness_event)

    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), choices=AwarenessEvent.Kind.choices)
    held_on = _date(gettext_lazy("Held on"))
    district = _place_field()
    place = _text(gettext_lazy("Village or place"), help_text=gettext_lazy("For example: Belwa haat, the school"))
    reached_female = _count(gettext_lazy("Women and girls reached"))
    reached_male = _count(gettext_lazy("Men and boys reached"))
    reached_children = _count(gettext_lazy("Children reached (under 18)"),
                              help_text=gettext_lazy("Children and adults together are everyone reached, as are "
                                                     "women and men together."))
    reached_adults = _count(gettext_lazy("Adults reached"))
    village_population = _count(gettext_lazy("People living in the village or ward"), required=False,
                                help_text=gettext_lazy("From the census, if known. The people reached cannot be "
                                                       "more than this."))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("kind", "held_on", "jurisdiction", "place", "reached_female", "reached_male",
                                  "reached_children", "reached_adults", "village_population")}


class IECMaterialForm(RecordForm):
    service = staticmethod(services.record_iec_material)

    title = _text(gettext_lazy("Title"), max_length=200)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=IECMaterial.Language.choices)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=IECMaterial.Format.choices)
    quantity_printed = _count(gettext_lazy("Quantity printed (or copies made)"))
    quantity_distributed = _count(gettext_lazy("Quantity distributed"),
                                  help_text=gettext_lazy("Not more than the quantity printed."))
    district = _place_field(help_text=gettext_lazy(
        "The district where it was distributed. In a file: its code, e.g. IN-BR-KISH, or its name."))
    place = _text(gettext_lazy("Where distributed"), help_text=gettext_lazy("Village, market, school..."))
    distributed_on = _date(gettext_lazy("Distributed on"))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("title", "language", "format", "quantity_printed", "quantity_distributed",
                                  "jurisdiction", "place", "distributed_on")}


class OutcomeForm(RecordForm):
    service = staticmethod(services.record_outcome)

    kind = forms.ChoiceField(label=gettext_lazy("What was prevented"), choices=PreventionOutcome.Kind.choices)
    prevented_on = _date(gettext_lazy("Prevented on"))
    persons = _count(gettext_lazy("Persons protected"))
    district = _place_field()
    committee = NamedChoiceField(label=gettext_lazy("Vigilance committee that prevented it"), required=False,
                                 help_text=gettext_lazy("Optional. In a file: the committee's village."),
                                 allowed=gettext_lazy("the village of one of your agency's committees"))
    tip_reference = _text(gettext_lazy("Tip reference"), max_length=40, required=False,
                          help_text=gettext_lazy("Optional: the report it came from, if there is one."))
    case_reference = _text(gettext_lazy("Case reference"), max_length=40, required=False,
                           help_text=gettext_lazy("Optional: the case it led to, if there is one."))

    def __init__(self, *args, lookups: Lookups | None = None, **kwargs):
        super().__init__(*args, lookups=lookups, **kwargs)
        if lookups is not None and not lookups.for_file:
            self.fields["committee"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
                (str(c.public_id), f"{c.village} ({c.jurisdiction.name}, {c.formed_on:%Y})")
                for c in lookups.committees]

    def clean_committee(self):
        value = self.cleaned_data["committee"]
        if not value:
            return None
        return _by_id_or_name(self._lookups().committees, value, lambda c: c.village,
                              _("None of your agency's committees is in this village."),
                              _("Your agency has more than one committee in this village: choose it on the web "
                                "form, or leave this empty."))

    def _reference(self, model, field: str, message: str):
        reference = self.cleaned_data[field].strip()
        if not reference:
            return None
        found = model.objects.visible_to(self._lookups().actor).filter(reference__iexact=reference).first()
        if found is None:
            raise ValidationError(message)
        return found

    def clean_tip_reference(self):
        from safetynet.tips.models import Tip

        return self._reference(Tip, "tip_reference", _("No report you may see has this reference."))

    def clean_case_reference(self):
        from safetynet.cases.models import Case

        return self._reference(Case, "case_reference", _("No case you may see has this reference."))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["kind"], "prevented_on": d["prevented_on"], "persons": d["persons"],
                "jurisdiction": d["jurisdiction"], "committee": d["committee"], "tip": d["tip_reference"],
                "case": d["case_reference"]}


class CounsellingForm(RecordForm):
    service = staticmethod(services.record_counselling)

    held_on = _date(gettext_lazy("Held on"))
    district = _place_field()
    survivors = _count(gettext_lazy("Domestic-violence survivors counselled"))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"held_on": d["held_on"], "survivors": d["survivors"], "jurisdiction": d["jurisdiction"]}


class SentHomeForm(RecordForm):
    service = staticmethod(services.record_sent_home)

    sent_on = _date(gettext_lazy("Sent on"))
    persons = _count(gettext_lazy("Persons sent home"))
    from_place = _text(gettext_lazy("From (place)"))
    to_place = _text(gettext_lazy("To (home place)"))
    district = _place_field(help_text=gettext_lazy(
        "The district of the programme that sent them. In a file: its code or its name."))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("sent_on", "persons", "from_place", "to_place", "jurisdiction")}


# --------------------------------------------------------------------------- training

CATEGORY_FIELDS = [c for c, _label in TrainingParticipation.Category.choices]



def _state_field():
    return NamedChoiceField(label=gettext_lazy("State"), help_text=gettext_lazy(
        "In a file: its code, e.g. IN-BR, or its name."), allowed=gettext_lazy(
        "the code (IN-BR) or the name of a state; the sheet “Places” lists them"),
        error_messages={"required": gettext_lazy("Choose the state.")})


class CentreForm(RecordForm):
    service = staticmethod(services.record_training_centre)
    PLACE_FIELD = "state"
    PLACE_LEVELS = STATE_LEVELS

    name = _text(gettext_lazy("Name of the Nodal Training Centre"), max_length=200)
    state = _state_field()

    def service_kwargs(self) -> dict:
        return {"name": self.cleaned_data["name"], "jurisdiction": self.cleaned_data["jurisdiction"]}


class CountsForm(forms.Form):
    """The trainee counts, one field per category (TrainingParticipation.Category); empty means
    none of that category came."""

    police = _count(TrainingParticipation.Category.POLICE.label, required=False)
    prosecutors = _count(TrainingParticipation.Category.PROSECUTORS.label, required=False)
    judiciary = _count(TrainingParticipation.Category.JUDICIARY.label, required=False)
    border = _count(TrainingParticipation.Category.BORDER.label, required=False)
    ngos = _count(TrainingParticipation.Category.NGOS.label, required=False)
    caregivers = _count(TrainingParticipation.Category.CAREGIVERS.label, required=False)
    hotel_transport = _count(TrainingParticipation.Category.HOTEL_TRANSPORT.label, required=False)
    teachers = _count(TrainingParticipation.Category.TEACHERS.label, required=False)

    def participants(self) -> dict[str, int]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {c: data[c] for c in CATEGORY_FIELDS if data.get(c) not in (None, 0)}


class ProgrammeForm(RecordForm, CountsForm):
    service = staticmethod(services.record_training)
    PLACE_FIELD = "state"
    PLACE_LEVELS = STATE_LEVELS
    SERVICE_FIELDS = {"participants": "police"}

    title = _text(gettext_lazy("Title"), max_length=200)
    state = _state_field()
    centre = NamedChoiceField(label=gettext_lazy("Nodal Training Centre"), required=False,
                              help_text=gettext_lazy("Optional. In a file: the centre's name."),
                              allowed=gettext_lazy("the name of one of your agency's training centres"))
    starts_on = _date(gettext_lazy("Starts on"))
    ends_on = _date(gettext_lazy("Ends on"))
    venue = _text(gettext_lazy("Venue"), max_length=200)
    language = _text(gettext_lazy("Language of instruction"), max_length=40)
    curriculum = forms.CharField(label=gettext_lazy("Curriculum"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["title", "state", "centre", "starts_on", "ends_on", "venue", "language", "curriculum",
                   *CATEGORY_FIELDS]

    def __init__(self, *args, lookups: Lookups | None = None, **kwargs):
        super().__init__(*args, lookups=lookups, **kwargs)
        self.fields["police"].help_text = _("Trainees by category: leave a category empty if none came.")
        if lookups is not None and not lookups.for_file:
            self.fields["centre"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
                (str(c.public_id), c.name) for c in lookups.centres]

    def clean_centre(self):
        value = self.cleaned_data["centre"]
        if not value:
            return None
        return _by_id_or_name(self._lookups().centres, value, lambda c: c.name,
                              _("None of your agency's training centres has this name."),
                              _("More than one of your centres has this name."))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "jurisdiction": d["jurisdiction"], "starts_on": d["starts_on"],
                "ends_on": d["ends_on"], "venue": d["venue"], "language": d["language"],
                "curriculum": d["curriculum"], "centre": d["centre"], "participants": self.participants()}


class ParticipationForm(RecordForm, CountsForm):
    """More trainees of categories not yet counted, for a programme already recorded."""

    service = staticmethod(services.record_participation)
    PLACE_FIELD = ""
    SERVICE_FIELDS = {"participants": "police"}

    programme = NamedChoiceField(label=gettext_lazy("Training programme"), help_text=gettext_lazy(
        "In a file: the programme's title (and its start date in programme_starts_on when two have the same "
        "title)."), allowed=gettext_lazy("the title of one of your agency's training programmes"),
        error_messages={"required": gettext_lazy("Choose the programme.")})
    programme_starts_on = forms.DateField(label=gettext_lazy("Programme's start date"), required=False,
                                          input_formats=DATE_FORMATS, widget=forms.HiddenInput,
                                          error_messages={"invalid": gettext_lazy(
                                              "Enter a date as YYYY-MM-DD or DD/MM/YYYY.")})
    field_order = ["programme", "programme_starts_on", *CATEGORY_FIELDS]

    def __init__(self, *args, lookups: Lookups | None = None, **kwargs):
        super().__init__(*args, lookups=lookups, **kwargs)
        if lookups is not None and not lookups.for_file:
            self.fields["programme"].choices = [("", _("Choose the programme"))] + [  # type: ignore[attr-defined]
                (str(p.public_id), f"{p.title} ({p.starts_on:%d %b %Y})") for p in lookups.programmes]

    def clean(self):
        data = super().clean()
        value = data.get("programme")
        if value and not self.has_error("programme_starts_on"):
            records = self._lookups().programmes
            if data.get("programme_starts_on"):
                records = [p for p in records if p.starts_on == data["programme_starts_on"]]
            try:
                data["programme_record"] = _by_id_or_name(
                    records, value, lambda p: p.title,
                    _("None of your agency's programmes has this title (and start date)."),
                    _("More than one of your programmes has this title: give its start date in "
                      "programme_starts_on."))
            except ValidationError as exc:
                self.add_error("programme", exc)
        if not self.participants() and not self.errors:
            self.add_error("police", _("Say how many of each category attended."))
        return data

    def service_kwargs(self) -> dict:
        return {"programme": self.cleaned_data["programme_record"], "participants": self.participants()}
