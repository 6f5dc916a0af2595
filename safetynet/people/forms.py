from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IdentityTombstone


class EraseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=IdentityTombstone.Reason.choices)
    confirm = forms.BooleanField(label=_("I understand this cannot be undone"),
                                 error_messages={"required": _("Tick the box to confirm.")})
