"""Forms of the training pages. They only shape input: every rule is in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from .models import Category, KnowledgeProduct, Language, Trainee


class TraineeForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=[("", "—"), *Category.choices])
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=200,
                                   help_text=gettext_lazy("Police station, court, school, hotel, NGO …"))
    designation = forms.CharField(label=gettext_lazy("Designation (optional)"), max_length=120, required=False)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=[("", "—"), *Trainee.Sex.choices])
    days_attended = forms.IntegerField(label=gettext_lazy("Days attended"), min_value=0, initial=0)

    def __init__(self, *args, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["days_attended"]
        field.help_text = gettext_lazy("0 to %(days)s (the programme's length in days).") % {"days": days}
        field.widget.attrs.update({"min": 0, "max": days, "inputmode": "numeric"})


class TraineeEditForm(TraineeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    days_attended = forms.IntegerField(label=gettext_lazy("Days attended"), min_value=0)
    version = forms.IntegerField(widget=forms.HiddenInput)


class UploadForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=[("", "—"), *Language.choices])
    file = forms.FileField(label=gettext_lazy("File (PDF, PNG or JPEG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,"
                                                                            "image/png,image/jpeg"}))


class ProductForm(UploadForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[("", "—"), *KnowledgeProduct.Kind.choices])
    description = forms.CharField(label=gettext_lazy("Description (optional)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    field_order = ["title", "kind", "description", "language", "file"]
