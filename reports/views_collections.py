"""The collections report (回款): collected against target and the ageing of what is overdue,
by person, team, company and customer; exported with the same numbers as the screen."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import collections, exports
from reports.scope import scope_for, team_choices
from reports.views import _period, period_context
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required

# Salesperson (own), manager (team), director and finance (all); the administrator and the
# front desk see no money (404).
MONEY_REPORT_NEEDS = (C.SELL, C.MANAGE_TEAM, C.SEE_COMPANY, C.COLLECT)


def _rows(request):
    period, error = _period(request)
    scope = scope_for(request.user, request.GET, money=True)
    today, now = timezone.localdate(), timezone.now()
    people, teams, company = collections.report_rows(scope, period, today=today, now=now)
    customers = collections.customer_rows(scope, today=today, now=now)
    return period, error, scope, people, teams, company, customers


@require_GET
@capability_required(*MONEY_REPORT_NEEDS)
def collections_report(request):
    period, error, _scope, people, teams, company, customers = _rows(request)
    context = period_context(request, period, error)
    context.update(
        {
            "columns": collections.COLUMNS,
            "ageing_columns": collections.COLUMNS[3:],
            "rows": people,
            "team_rows": teams,
            "company_row": company,
            "customer_rows": customers,
            "today": timezone.localdate(),
            "team_choices": team_choices(request.user, money=True),
            "chosen_team": request.GET.get("team", ""),
        }
    )
    return render(request, "reports/collections.html", context)


@require_GET
@capability_required(*MONEY_REPORT_NEEDS)
def collections_export(request):
    """The report on screen as CSV or XLSX: people, teams, company, then the customers."""
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.FORMATS:
        raise Http404
    period, _error, _scope, people, teams, company, customers = _rows(request)
    data = exports.collections_dataset(
        [*people, *teams, *([company] if company else []), *customers], first_heading=_("Name")
    )
    name = f"collections-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"
    return exports.download(data, file_format=file_format, filename=name)
