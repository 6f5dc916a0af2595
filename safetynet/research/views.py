"""Research data pages: what is available, the k-anonymous export, differentially private
counts, and reference datasets. research.data holders only; everyone else gets 404. Thin:
the export is built in export.py, releases are services.release_counts."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import has_capability

from . import dp, export, reference, services
from .forms import ReleaseForm
from .models import DpRelease, ExportDownload

STREAM_ABOVE_ROWS = 20_000


def _require(user) -> None:
    if not has_capability(user, policy.Cap.RESEARCH_DATA):
        raise Http404(_("Not found."))


def _release_for(user, public_id) -> DpRelease:
    """A researcher's own release; anyone else's (or none) is not found."""
    release = DpRelease.objects.filter(researcher=user, public_id=public_id).first()
    if release is None:
        raise Http404(_("No such release."))
    return release


@login_required
def home(request):
    _require(request.user)
    result = export.build(request.user)
    protection = [{"name": _(h.name), "shown": _(h.levels[level]), "steps": " → ".join(_(s) for s in h.levels)}
                  for h, level in zip(result.hierarchies, result.levels, strict=True)]
    return render(request, "research/home.html", {
        "result": result, "protection": protection, "k": export.K, "others": export.K - 1, "columns": export.COLUMNS,
        "max_suppressed_pct": int(export.MAX_SUPPRESSED_SHARE * 100), "budget": services.budget(request.user),
        "epsilons": services.EPSILON_CHOICES,
        "downloads": ExportDownload.objects.filter(researcher=request.user)[:5],
        "releases": DpRelease.objects.filter(researcher=request.user)[:5]})


@login_required
def export_csv(request):
    _require(request.user)
    result = export.build(request.user)
    services.record_download(actor=request.user, result=result)
    if result.kept > STREAM_ABOVE_ROWS:  # a large file is sent as it is written, never held in memory
        response = StreamingHttpResponse(export.csv_chunks(result), content_type="text/csv; charset=utf-8")
    else:  # a small one in one piece, with its length (a phone shows the download's progress)
        response = HttpResponse("".join(export.csv_chunks(result)), content_type="text/csv; charset=utf-8")
    name = f"safetynet-victims-ctdc-k{result.k}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def aggregates(request):
    _require(request.user)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            release = services.release_counts(actor=request.user, dimensions=data["dimensions"],
                                              year_from=data["year_from"], year_to=data["year_to"],
                                              epsilon=data["epsilon"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Released. ε %(eps)s was charged to your budget.") % {"eps": release.epsilon})
            return redirect("research:release", public_id=release.public_id)
    releases = [{"r": r, "by": " × ".join(str(dp.DIMENSIONS.get(d, d)) for d in r.dimensions)}
                for r in DpRelease.objects.filter(researcher=request.user)[:20]]
    return render(request, "research/aggregates.html", {"form": form, "budget": services.budget(request.user),
                                                        "releases": releases})


def _cell_rows(release: DpRelease) -> list[dict]:
    from safetynet.agencies.models import Jurisdiction

    forms = {k: str(v) for k, v in dp.FORMS.items()}
    states = {code: f"{name} ({code})" for code, name in Jurisdiction.objects.filter(
        level=Jurisdiction.Level.STATE).values_list("code", "name")}
    out = []
    for cell in release.cells:
        row = {"count": cell["count"], "values": []}
        for d in release.dimensions:
            value = cell.get(d, "")
            label = forms.get(value, value) if d == "type" else states.get(value, value) if d == "state" else value
            row["values"].append(label or _("Not known"))
        out.append(row)
    return out


@login_required
def release_detail(request, public_id):
    _require(request.user)
    release = _release_for(request.user, public_id)
    return render(request, "research/release.html", {
        "release": release, "headers": [dp.DIMENSIONS[d] for d in release.dimensions], "rows": _cell_rows(release)})


@login_required
def release_csv(request, public_id):
    _require(request.user)
    release = _release_for(request.user, public_id)
    out = io.StringIO()
    for line in (
            "SafetyNet differentially private counts of victims (docs/research-data.md)",
            f"epsilon = {release.epsilon} (pure differential privacy, delta = 0); privacy unit: one victim",
            f"mechanism: {release.mechanism}; noise scale {release.scale:g}; negative counts set to 0",
            f"years {release.year_from}-{release.year_to}; released {release.created_at:%Y-%m-%d}; "
            f"charged to the {release.period} budget",
            "Counts are noisy on purpose; read with e.g. pandas.read_csv(path, comment='#')."):
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*release.dimensions, "count"])
    for cell in release.cells:
        writer.writerow([*(cell.get(d, "") for d in release.dimensions), cell["count"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="safetynet-dp-counts-{release.public_id}.csv"'
    return response


@login_required
def compare(request):
    _require(request.user)
    result = export.build(request.user)
    figures = [("female", _("Share female")), ("minors", _("Share minors (under 18)")),
               ("sexual", _("Share with sexual exploitation")), ("labour", _("Share with forced labour"))]
    own, ctdc, ncrb = reference.own_figures(result), reference.ctdc_figures("Asia"), reference.ncrb_figures()
    rows = [{"key": key, "label": label,
             "cells": [own[key], ctdc[key] if ctdc else None, ncrb[key] if ncrb else None]} for key, label in figures]
    return render(request, "research/compare.html", {"rows": rows, "own": own, "ctdc": ctdc, "ncrb": ncrb,
                                                     "k": export.K})
