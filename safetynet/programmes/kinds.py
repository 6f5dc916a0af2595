"""The programme record types the pages offer: for each, its form (which is also its import's
columns), its spreadsheet ``ImportSpec``, and how its recent records are listed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy

from . import forms as f
from .models import (
    AwarenessEvent,
    CounsellingSession,
    IECMaterial,
    PreventionOutcome,
    SelfHelpGroup,
    SentHome,
    TrainingCentre,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)
from .spreadsheets import ImportSpec


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def _d(value) -> str:
    return date_format(value, "j M Y")


def _save(form, actor):
    assert isinstance(form, f.RecordForm)
    return form.record(actor)


@dataclass(frozen=True)
class RecordType:
    key: str  # in the URL
    title: str | Promise  # plural: the list's heading
    add: str | Promise  # the form's heading
    model: type[models.Model]
    form: type[f.RecordForm]
    date_field: str
    columns: tuple[tuple[str | Promise, Callable[[Any], str]], ...]  # the list's columns
    example: dict[str, str] = field(default_factory=dict)
    notes: tuple[str | Promise, ...] = ()
    related: tuple[str, ...] = ("jurisdiction",)
    sheets: tuple[str, ...] = ("places",)  # extra sheets of the XLSX template (views.SHEETS)
    prefetch: tuple[str, ...] = ()

    def spec(self) -> ImportSpec:
        return ImportSpec(key=self.key, title=self.title, form=self.form, save=_save,
                          capability=policy.Cap.PROGRAMME_RECORD, audit_action="programme.import",
                          form_kwargs=lambda actor: {"lookups": f.Lookups(actor, for_file=True)}, example=self.example,
                          notes=self.notes)

    def recent(self, user):
        order = [f"-{self.date_field}", "-created_at"] if self.date_field else ["-created_at"]
        qs = self.model.objects.visible_to(user)  # type: ignore[attr-defined]
        return qs.select_related(*self.related).prefetch_related(*self.prefetch).order_by(*order)


PLACE = (_("Place"), lambda r: r.jurisdiction.name)
GROUP_COLUMNS = (
    (_("Village"), lambda r: r.village), PLACE, (_("Formed on"), lambda r: _d(r.formed_on)),
    (_("Members"), lambda r: f"{_n(r.members_female + r.members_male)} ({r.members_female} \u2640, "
                             f"{r.members_male} \u2642)"),
    (_("Active"), lambda r: str(_("yes") if r.active else _("no"))),
)
GROUP_EXAMPLE = {"district": "IN-BR-KISH", "village": "Belwa", "formed_on": "2009-03-14", "members_female": "7",
                 "members_male": "5", "active": "yes"}

TYPES: list[RecordType] = [
    RecordType("committees", _("Vigilance committees"), _("Add a vigilance committee"), VigilanceCommittee,
               f.CommitteeForm, "formed_on", GROUP_COLUMNS, GROUP_EXAMPLE),
    RecordType("self-help-groups", _("Self-help groups"), _("Add a self-help group"), SelfHelpGroup,
               f.SelfHelpGroupForm, "formed_on", GROUP_COLUMNS, {**GROUP_EXAMPLE, "village": "Chakla"}),
    RecordType("awareness-events", _("Awareness events"), _("Add an awareness event"), AwarenessEvent,
               f.AwarenessEventForm, "held_on",
               ((_("Held on"), lambda r: _d(r.held_on)), (_("Kind"), lambda r: r.get_kind_display()),
                (_("Village or place"), lambda r: r.place), PLACE, (_("Reached"), lambda r: _n(r.reached))),
               {"kind": "street_theatre", "held_on": "14/03/2009", "district": "Kishanganj", "place": "Belwa haat",
                "reached_female": "120", "reached_male": "100", "reached_children": "70", "reached_adults": "150"},
               notes=(_("Reach: women and men together must equal children and adults together."),)),
    RecordType("iec-materials", _("IEC materials"), _("Add IEC material"), IECMaterial, f.IECMaterialForm,
               "distributed_on",
               ((_("Distributed on"), lambda r: _d(r.distributed_on)), (_("Title"), lambda r: r.title),
                (_("Language"), lambda r: r.get_language_display()), (_("Format"), lambda r: r.get_format_display()),
                (_("Where"), lambda r: f"{r.place}, {r.jurisdiction.name}"),
                (_("Distributed / printed"), lambda r: f"{_n(r.quantity_distributed)} / {_n(r.quantity_printed)}")),
               {"title": "Beware of fake marriage offers", "language": "hi", "format": "poster",
                "quantity_printed": "500", "quantity_distributed": "450", "district": "IN-BR-KISH",
                "place": "Kishanganj bus stand", "distributed_on": "2009-04-02"},
               notes=(_("The quantity distributed cannot be larger than the quantity printed."),)),
    RecordType("outcomes", _("Outcomes prevented"), _("Add an outcome prevented"), PreventionOutcome, f.OutcomeForm,
               "prevented_on",
               ((_("Prevented on"), lambda r: _d(r.prevented_on)), (_("What"), lambda r: r.get_kind_display()),
                PLACE, (_("Persons"), lambda r: _n(r.persons)),
                (_("Committee"), lambda r: r.committee.village if r.committee else "")),
               {"kind": "child_marriage", "prevented_on": "2009-05-20", "persons": "1", "district": "IN-BR-KISH",
                "committee": "Belwa", "tip_reference": "", "case_reference": ""},
               related=("jurisdiction", "committee"), sheets=("places", "committees")),
    RecordType("counselling", _("Counselling sessions"), _("Add a counselling session"), CounsellingSession,
               f.CounsellingForm, "held_on",
               ((_("Held on"), lambda r: _d(r.held_on)), PLACE, (_("Survivors"), lambda r: _n(r.survivors))),
               {"held_on": "2009-06-01", "district": "IN-BR-KISH", "survivors": "4"}),
    RecordType("sent-home", _("Sent home"), _("Add persons sent home"), SentHome, f.SentHomeForm, "sent_on",
               ((_("Sent on"), lambda r: _d(r.sent_on)), (_("Persons"), lambda r: _n(r.persons)),
                (_("From"), lambda r: r.from_place), (_("To"), lambda r: r.to_place), PLACE),
               {"sent_on": "2009-07-10", "persons": "2", "from_place": "Delhi", "to_place": "Kishanganj",
                "district": "IN-BR-KISH"}),
    RecordType("training-centres", _("Nodal Training Centres"), _("Add a training centre"), TrainingCentre,
               f.CentreForm, "",
               ((_("Name"), lambda r: r.name), (_("State"), lambda r: r.jurisdiction.name)),
               {"name": "Nodal Training Centre, Bihar Police Academy, Rajgir", "state": "IN-BR"}),
    RecordType("training-programmes", _("Training programmes"), _("Add a training programme"), TrainingProgramme,
               f.ProgrammeForm, "starts_on",
               ((_("Dates"), lambda r: f"{_d(r.starts_on)} \u2013 {_d(r.ends_on)}"), (_("Title"), lambda r: r.title),
                (_("Venue"), lambda r: f"{r.venue}, {r.jurisdiction.name}"),
                (_("Trained"), lambda r: _n(sum(p.attended for p in r.participation.all())))),
               {"title": "Investigating trafficking crimes", "state": "IN-BR", "centre": "", "starts_on": "2009-03-14",
                "ends_on": "2009-03-16", "venue": "Bihar Police Academy", "language": "Hindi", "curriculum": "",
                "police": "30", "prosecutors": "4"},
               prefetch=("participation",), sheets=("places", "centres"),
               notes=(_("Trainees: one column per category (police ... teachers); leave a category empty if none "
                        "came. At least one is needed."),)),
    RecordType("trainees", _("Trainees by category"), _("Add trainees to a programme"), TrainingParticipation,
               f.ParticipationForm, "",
               ((_("Programme"), lambda r: f"{r.programme.title} ({_d(r.programme.starts_on)})"),
                (_("Category"), lambda r: r.get_category_display()), (_("Attended"), lambda r: _n(r.attended))),
               {"programme": "Investigating trafficking crimes", "programme_starts_on": "2009-03-14",
                "judiciary": "3", "ngos": "6"},
               notes=(_("For a programme already recorded: add the categories not counted yet (a category already "
                        "counted is refused, so nobody is counted twice)."),),
               related=("programme",), sheets=("programmes",)),
]
BY_KEY = {t.key: t for t in TYPES}
