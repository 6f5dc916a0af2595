"""The indicator dashboard and its exports (CSV, XLSX, PDF). Counts only: stats.view reaches no
record. Filters come from the query string (places and agencies, never a person)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safetynet.access import policy
from safetynet.access.querysets import has_capability

from . import exports
from .dashboard import build
from .filters import AREAS, parse
from .services import SMALL_CELL, record_export


def _allowed(request) -> None:
    if not has_capability(request.user, policy.Cap.STATS_VIEW):
        raise Http404(_("Not found."))


@login_required
@require_GET
def stats_home(request):
    _allowed(request)
    form, filters = parse(request.GET)
    dash = build(request.user, filters)
    query = urlencode(filters.params())
    return render(request, "stats/stats.html", {
        "form": form, "filters": filters, "dash": dash, "small_cell": SMALL_CELL, "query": query,
        "areas": AREAS, "status": 400 if filters.errors else 200,
    }, status=400 if filters.errors else 200)


def _download(request, fmt: str):
    """The filters of the page (invalid ones: 400, nothing exported) and the dashboard they give."""
    _allowed(request)
    _form, filters = parse(request.GET)
    if filters.errors:
        return None, HttpResponse("\n".join(filters.errors), status=400, content_type="text/plain; charset=utf-8")
    return build(request.user, filters), None


def _attachment(body, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_csv(request):
    dash, error = _download(request, "csv")
    if error is not None:
        return error
    key = request.GET.get("table", "")
    if key:
        table = dash.table(key)
        if table is None:
            raise Http404(_("No such table on the dashboard."))
        body = exports.table_csv(table)
    else:
        body = exports.all_csv(dash)
    record_export(actor=request.user, fmt="csv", filters=dash.filters.params(), table=key if key else "")
    stamp = dash.generated_at.strftime("%Y%m%d")
    return _attachment("\ufeff" + body, "text/csv; charset=utf-8", f"safetynet-{key or 'figures'}-{stamp}.csv")


@login_required
@require_GET
def export_xlsx(request):
    dash, error = _download(request, "xlsx")
    if error is not None:
        return error
    body = exports.xlsx(dash)
    record_export(actor=request.user, fmt="xlsx", filters=dash.filters.params())
    return _attachment(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       f"safetynet-figures-{dash.generated_at:%Y%m%d}.xlsx")


@login_required
@require_GET
def report_pdf(request):
    dash, error = _download(request, "pdf")
    if error is not None:
        return error
    body = exports.pdf(dash)
    record_export(actor=request.user, fmt="pdf", filters=dash.filters.params())
    return _attachment(body, "application/pdf", f"safetynet-report-{dash.generated_at:%Y%m%d}.pdf")
