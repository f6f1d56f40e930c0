"""Report pages: thin views; scope (404 outside it), period and figures come from the
reports modules."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import exports
from reports.periods import KINDS, Period, PeriodError, parse_period
from reports.scope import scope_for, team_choices
from reports.selectors import COLUMNS, report_rows
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required

REPORT_NEEDS = (C.SELL, C.OVERSEE, C.ADMINISTER)


def _period(request) -> tuple[Period, str | None]:
    """The period asked for, or this month with the reason the request was refused."""
    today = timezone.localdate()
    try:
        return parse_period(request.GET, today=today), None
    except PeriodError as error:
        return parse_period({}, today=today), str(error)


def _scope_query(request) -> str:
    parts = [f"{key}={request.GET[key]}" for key in ("team", "person") if request.GET.get(key)]
    return "&".join(parts)


def period_context(request, period: Period, error: str | None) -> dict:
    scope_query = _scope_query(request)
    joined = "&" + scope_query if scope_query else ""
    return {
        "period": period,
        "period_error": error,
        "kinds": list(KINDS.items()),
        "previous_query": period.shifted(-1).query() + joined,
        "next_query": period.shifted(1).query() + joined,
        "query": period.query() + joined,
        "scope_query": scope_query,
    }


@require_GET
@capability_required(*REPORT_NEEDS)
def report(request):
    """Figures by person and period, with team and company totals."""
    period, error = _period(request)
    scope = scope_for(request.user, request.GET)
    rows, teams, company = report_rows(scope, period)
    context = period_context(request, period, error)
    context.update(
        {
            "columns": COLUMNS,
            "rows": rows,
            "team_rows": teams,
            "company_row": company,
            "team_choices": team_choices(request.user),
            "chosen_team": request.GET.get("team", ""),
        }
    )
    return render(request, "reports/people.html", context)


@require_GET
@capability_required(*REPORT_NEEDS)
def report_export(request):
    """The report on screen as CSV or XLSX (same scope, same period, same numbers)."""
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.FORMATS:
        raise Http404
    period, _error = _period(request)
    scope = scope_for(request.user, request.GET)
    rows, teams, company = report_rows(scope, period)
    data = exports.dataset(
        [*rows, *teams, *([company] if company else [])], first_heading=_("Name")
    )
    content_type, extension = exports.FORMATS[file_format]
    response = HttpResponse(exports.render(data, file_format), content_type=content_type)
    name = f"report-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
