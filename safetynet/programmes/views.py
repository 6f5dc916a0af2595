"""Programme records on the web (/programmes/): a landing page with the agency's recent records
per type, one form per type, and a spreadsheet import per type (template, upload, row-by-row
report). Thin: saving is the services' (through forms.RecordForm.record), importing is
spreadsheets.import_file. Without ``programme.record`` every page is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safetynet.access import policy
from safetynet.access.querysets import has_capability

from . import spreadsheets
from .forms import STATE_LEVELS, Lookups
from .kinds import BY_KEY, TYPES, RecordType

PER_PAGE = 20
SHOWN_ERRORS = 200
SESSION_ERRORS = "programmes.import_errors.{kind}"


def _allowed(request) -> None:
    if not has_capability(request.user, policy.Cap.PROGRAMME_RECORD):
        raise Http404


def _type(kind: str) -> RecordType:
    record_type = BY_KEY.get(kind)
    if record_type is None:
        raise Http404
    return record_type


def _rows(record_type: RecordType, records) -> list[list[str]]:
    return [[str(fn(r)) for _label, fn in record_type.columns] for r in records]


@login_required
def home(request):
    _allowed(request)
    sections = []
    for t in TYPES:
        qs = t.recent(request.user)
        sections.append({"type": t, "count": qs.count(), "rows": _rows(t, qs[:3])})
    return render(request, "programmes/home.html", {"sections": sections})


@login_required
def record(request, kind):
    _allowed(request)
    t = _type(kind)
    form = t.form(request.POST or None, lookups=Lookups(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                form.record(request.user)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved. It is in the list below."))
                return redirect("programmes:record", kind=kind)
    page = Paginator(t.recent(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "programmes/record.html", {
        "t": t, "form": form, "page": page, "headings": [label for label, _fn in t.columns],
        "rows": _rows(t, page.object_list)}, status=status)


@login_required
def import_file(request, kind):
    _allowed(request)
    t = _type(kind)
    spec = t.spec()
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            result = spreadsheets.ImportResult(errors=[spreadsheets.RowError(0, "", _("Choose a file to import."))])
        else:
            # At most one byte over the limit is read: read_table refuses it with a clear message.
            raw = upload.read(spreadsheets.MAX_BYTES + 1)
            result = spreadsheets.import_file(actor=request.user, spec=spec, name=upload.name, raw=raw)
        if result.ok:
            messages.success(request, ngettext("%(n)s record imported.", "%(n)s records imported.",
                                               result.imported) % {"n": result.imported})
            return redirect("programmes:record", kind=kind)
        request.session[SESSION_ERRORS.format(kind=kind)] = [[e.row, e.column, e.message] for e in result.errors]
    form = spec.form(**spec.form_kwargs(request.user))
    return render(request, "programmes/import.html", {
        "t": t, "result": result, "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "hidden_errors": max(0, len(result.errors) - SHOWN_ERRORS) if result else 0,
        "columns": spreadsheets.columns(spec, form), "max_mb": spreadsheets.MAX_BYTES // (1024 * 1024),
        "max_rows": f"{spreadsheets.MAX_ROWS:,}"}, status=400 if result else 200)


@login_required
def import_errors(request, kind):
    """The last refused import's problems (this session), as CSV."""
    _allowed(request)
    _type(kind)
    stored = request.session.get(SESSION_ERRORS.format(kind=kind)) or []
    data = spreadsheets.errors_csv(spreadsheets.RowError(*e) for e in stored)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-import-problems.csv"'
    return response


def _sheets(t: RecordType, lookups: Lookups) -> list[tuple[str, list[str], list[list[Any]]]]:
    out: list[tuple[str, list[str], list[list[Any]]]] = []
    for sheet in t.sheets:
        if sheet == "places":
            rows = []
            for p in lookups.places:
                if p.level in STATE_LEVELS or p.level in ("district", "border_sector", "station"):
                    state = p.ancestor("state")
                    rows.append([p.code, p.name, p.get_level_display(), state.name if state else ""])
            out.append(("Places", [_("code"), _("name"), _("level"), _("state")], rows))
        elif sheet == "committees":
            out.append(("Committees", [_("village"), _("place"), _("formed on")],
                        [[c.village, c.jurisdiction.name, c.formed_on] for c in lookups.committees]))
        elif sheet == "centres":
            out.append(("Centres", [_("name"), _("state")], [[c.name, c.jurisdiction.name] for c in lookups.centres]))
        elif sheet == "programmes":
            out.append(("Programmes", [_("title"), _("starts on"), _("ends on"), _("venue")],
                        [[p.title, p.starts_on, p.ends_on, p.venue] for p in lookups.programmes]))
    return out


@login_required
def template(request, kind, fmt):
    _allowed(request)
    t = _type(kind)
    if fmt == "csv":
        response = HttpResponse(spreadsheets.csv_template(t.spec()), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        data = spreadsheets.xlsx_template(t.spec(), request.user, _sheets(t, Lookups(request.user)))
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
