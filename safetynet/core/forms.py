"""Form pieces shared by every app's forms.py."""

from __future__ import annotations

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VersionedForm(forms.Form):
    """A form editing a versioned record: carries the version the user saw (core.models.VersionedModel)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class UniqueIds:
    """Several forms on one page: ids start with the form's name ("consentform-agency"), so no
    two fields share an id and each label points at its own field. Field names are unchanged."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}-%s")
        super().__init__(*args, **kwargs)
