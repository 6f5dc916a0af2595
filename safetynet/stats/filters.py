"""The dashboard's filters: period, state, district, programme area and partner agency.

They travel in the URL (``?preset=last_year&state=IN-BR&district=IN-BR-KISH&area=prevention``):
they name places and agencies, never a person, so a filtered dashboard can be bookmarked and
sent by email. ``parse(querydict)`` returns the bound form and the ``Filters`` it stands for;
an invalid form filters nothing and says why next to the field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetynet.agencies.models import Agency, Jurisdiction

PRESETS = (
    ("", gettext_lazy("All dates")),
    ("this_year", gettext_lazy("This year")),
    ("last_year", gettext_lazy("Last year")),
    ("last_12_months", gettext_lazy("Last 12 months")),
    ("custom", gettext_lazy("The dates below")),
)
AREAS = (
    ("", gettext_lazy("Every programme area")),
    ("cases", gettext_lazy("Cases and victims")),
    ("care", gettext_lazy("Protection and care")),
    ("prosecution", gettext_lazy("Prosecution")),
    ("prevention", gettext_lazy("Prevention")),
    ("training", gettext_lazy("Training")),
)
AREA_KEYS = tuple(key for key, _label in AREAS if key)


def preset_dates(preset: str, today: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    if preset == "this_year":
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if preset == "last_year":
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    if preset == "last_12_months":
        return today - datetime.timedelta(days=364), today
    return None, None


@dataclass(frozen=True)
class Filters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    state: Jurisdiction | None = None
    district: Jurisdiction | None = None
    area: str = ""
    partner: Agency | None = None
    preset: str = ""
    errors: tuple[str, ...] = field(default=())

    @property
    def place(self) -> Jurisdiction | None:
        """The narrowest place chosen (its path covers everything under it)."""
        return self.district or self.state

    def shows(self, area: str) -> bool:
        return not self.area or self.area == area

    @property
    def any(self) -> bool:
        return bool(self.start or self.end or self.place or self.area or self.partner)

    def params(self) -> dict[str, str]:
        """The query-string parameters that reproduce these filters (for export links and audit)."""
        out: dict[str, str] = {}
        if self.preset and self.preset != "custom":
            out["preset"] = self.preset
        else:
            if self.start:
                out["start"] = self.start.isoformat()
            if self.end:
                out["end"] = self.end.isoformat()
            if self.preset == "custom" and out:
                out = {"preset": "custom", **out}
        if self.state:
            out["state"] = self.state.code
        if self.district:
            out["district"] = self.district.code
        if self.area:
            out["area"] = self.area
        if self.partner:
            out["partner"] = self.partner.short_code
        return out

    def describe(self) -> list[tuple[str, str]]:
        """(what, chosen) pairs in words, for the page, the PDF and the spreadsheets."""

        def day(d):
            return date_format(d, "j M Y")

        if self.start and self.end:
            period = _("%(start)s to %(end)s") % {"start": day(self.start), "end": day(self.end)}
        elif self.start:
            period = _("from %(start)s") % {"start": day(self.start)}
        elif self.end:
            period = _("up to %(end)s") % {"end": day(self.end)}
        else:
            period = _("all dates")
        areas = dict(AREAS)
        return [
            (_("Period"), period),
            (_("State"), self.state.name if self.state else _("every state")),
            (_("District"), self.district.name if self.district else _("every district")),
            (_("Programme area"), str(areas[self.area]) if self.area else _("every programme area")),
            (_("Partner"), self.partner.name if self.partner else _("every agency")),
        ]

    def sentence(self) -> str:
        return "; ".join(f"{what}: {chosen}" for what, chosen in self.describe())


def _agency_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.get_agency_type_display()})"


class FilterForm(forms.Form):
    preset = forms.ChoiceField(label=gettext_lazy("Period"), choices=PRESETS, required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    area = forms.ChoiceField(label=gettext_lazy("Programme area"), choices=AREAS, required=False)
    partner = forms.ChoiceField(label=gettext_lazy("Partner"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = list(Jurisdiction.objects.filter(level__in=(Jurisdiction.Level.STATE, Jurisdiction.Level.DISTRICT))
                      .select_related("parent").order_by("path").only("code", "name", "level", "path", "parent__name",
                                                                      "parent__code"))
        states = sorted((j for j in places if j.level == Jurisdiction.Level.STATE), key=lambda j: j.name)
        self.fields["state"].choices = [("", _("Every state"))] + [(j.code, j.name) for j in states]
        groups: dict[str, list[tuple[str, str]]] = {}
        for j in places:
            if j.level == Jurisdiction.Level.DISTRICT and j.parent is not None:
                groups.setdefault(j.parent.name, []).append((j.code, j.name))
        self.fields["district"].choices = [("", _("Every district"))] + [
            (state, sorted(options, key=lambda o: o[1])) for state, options in sorted(groups.items())]
        agencies = Agency.objects.filter(is_active=True).exclude(agency_type=Agency.Type.PLATFORM).order_by("name")
        self.fields["partner"].choices = [("", _("Every agency"))] + [
            (a.short_code, _agency_label(a)) for a in agencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("preset") not in ("", "custom", None) and (start or end):
            data["preset"] = "custom"  # dates typed in win over a preset chosen earlier
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        state_code, district_code = data.get("state"), data.get("district")
        data["state_obj"] = Jurisdiction.objects.filter(code=state_code).first() if state_code else None
        data["district_obj"] = (Jurisdiction.objects.select_related("parent").filter(code=district_code).first()
                                if district_code else None)
        district = data["district_obj"]
        if district is not None and data["state_obj"] is not None and district.parent_id != data["state_obj"].pk:
            self.add_error("district", _("%(district)s is not in %(state)s: choose one of its districts, or "
                                         "every district.") % {"district": district.name,
                                                              "state": data["state_obj"].name})
        partner = data.get("partner")
        data["partner_obj"] = Agency.objects.filter(short_code=partner).first() if partner else None
        return data


def parse(query) -> tuple[FilterForm, Filters]:
    """The bound form and its filters; with errors, no filter at all (and the form says why)."""
    form = FilterForm(query or None)
    if not query or not form.is_valid():
        errors = tuple(str(e) for errs in form.errors.values() for e in errs) if query else ()
        return form, Filters(errors=errors)
    data = form.cleaned_data
    preset = data.get("preset") or ""
    start, end = data.get("start"), data.get("end")
    if preset and preset != "custom":
        start, end = preset_dates(preset, timezone.localdate())
    district = data["district_obj"]
    state = data["state_obj"] or (district.parent if district is not None else None)
    return form, Filters(start=start, end=end, state=state, district=district, area=data.get("area") or "",
                         partner=data["partner_obj"], preset=preset)
