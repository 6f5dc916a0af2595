"""The upload form of /matching/link-files/: one CSV to de-duplicate or two to link."""

from __future__ import annotations

from django import forms
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import csvfiles, linkfiles


class InMemoryUploads(MemoryFileUploadHandler):
    """Keep uploads in memory whatever their size: the files hold names, and Django's default
    writes uploads above 2 MB to a temporary file in clear. RequestSizeMiddleware caps the
    whole request at 5 MB before anything is read."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


class LinkFilesForm(forms.Form):
    left = forms.FileField(label=gettext_lazy("Spreadsheet (CSV)"),
                           help_text=gettext_lazy("Alone: its duplicates are found. With a second file: the "
                                                  "missing-person reports, for example."))
    right = forms.FileField(label=gettext_lazy("Second spreadsheet to link with the first (optional)"),
                            required=False,
                            help_text=gettext_lazy("For example the people found or registered."))
    threshold = forms.FloatField(label=gettext_lazy("Lowest match probability to list"), min_value=0, max_value=1,
                                 initial=0.5, required=False,
                                 help_text=gettext_lazy("0 to 1; 0.5 lists pairs more likely the same person "
                                                        "than not. Lower finds more, with more wrong pairs."))

    def _read(self, name: str) -> bytes | None:
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        if upload.size > linkfiles.MAX_BYTES:
            raise forms.ValidationError(_("%(file)s: the file is larger than %(mb)s MB; split it.") % {
                "file": upload.name, "mb": linkfiles.MAX_BYTES // (1024 * 1024)})
        raw = upload.read()
        try:
            rows = linkfiles.read_upload(raw)
        except csvfiles.BadFile as exc:
            raise forms.ValidationError(_("%(file)s: %(problem)s") % {"file": upload.name, "problem": exc}) from exc
        if not rows:
            raise forms.ValidationError(_("%(file)s: no rows below the header.") % {"file": upload.name})
        return raw

    def clean_left(self):
        return self._read("left")

    def clean_right(self):
        return self._read("right")

    def clean_threshold(self):
        value = self.cleaned_data.get("threshold")
        return 0.5 if value is None else value
