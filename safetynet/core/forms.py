"""Form pieces shared by every app's forms.py."""

from __future__ import annotations

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VersionedForm(forms.Form):
    """A form editing a versioned record: carries the version the user saw (core.models.VersionedModel)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
