"""Report pages: thin views; scope (404 outside it), period and figures come from the
reports modules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customers.models import PipelineClass
from reports import channels, charts, collections, compliance, exports, figures, services
from reports.models import RevenueTarget
from reports.periods import KINDS, Period, PeriodError, add_months, parse_period, period_for
from reports.scope import scope_for, sees_company, team_choices
from reports.selectors import COLUMNS, figures_by_person, report_rows
from salescrm import selectors as salescrm_selectors
from salescrm.permissions import Capability as C
from salescrm.permissions import can, capability_required
from salescrm.web import attempt

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
    name = f"report-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"
    return exports.download(data, file_format=file_format, filename=name)


@require_GET
@capability_required(*REPORT_NEEDS)
def compliance_view(request):
    """On-time percentages per rule by person, team and week; the breaches with evidence."""
    period, error = _period(request)
    scope = scope_for(request.user, request.GET)
    now = timezone.now()
    result = compliance.compliance(scope, period, now=now)
    names = {person.pk: str(person) for person in scope.people}
    context = period_context(request, period, error)
    context.update(
        {
            "rules": compliance.RULES,
            "people_rows": [(names[pk], tallies) for pk, tallies in result.people.items()],
            "team_rows": [(team, result.teams[team.pk]) for team in scope.teams],
            "total": result.total if scope.company else None,
            "weeks": result.weeks,
            "breaches": [
                (rule, compliance.breaches(scope, period, now=now, rule_key=rule.key))
                for rule in compliance.RULES
            ],
            "names": names,
            "team_choices": team_choices(request.user),
            "chosen_team": request.GET.get("team", ""),
        }
    )
    return render(request, "reports/compliance.html", context)


def _name(person) -> str:
    return str(person)


@require_GET
@capability_required(*REPORT_NEEDS)
def dashboard(request):
    """The person's dashboard: charts with their data tables, by role."""
    user = request.user
    today = timezone.localdate()
    now = timezone.now()
    calendar = salescrm_selectors.work_calendar(today=today)
    policy = salescrm_selectors.policy()
    scope = scope_for(user, {})
    ids = scope.ids
    this_month = period_for("month", today)
    context = {"charts": [], "role": "sales", "today": today}
    if can(user, C.SELL):
        days = figures.last_working_days(calendar, today, 10)
        per_day = figures.new_files_by_day(ids, days)
        context["charts"].append(
            charts.bar_chart(
                "files-per-day",
                _("New files per working day (target %(target)s)")
                % {"target": policy.daily_new_customers_target},
                [(f"{day:%m-%d}", count) for day, count in per_day.items()],
                target=policy.daily_new_customers_target,
                value_heading=_("New files"),
            )
        )
    mondays = figures.last_mondays(today, 8)
    per_week = figures.visits_by_week(ids, mondays)
    weekly_target = policy.weekly_visits_target * (len(ids) if not can(user, C.SELL) else 1)
    context["charts"].append(
        charts.bar_chart(
            "visits-per-week",
            _("Visits per week (target %(target)s)") % {"target": weekly_target},
            [(f"{monday:%m-%d}", count) for monday, count in per_week.items()],
            target=weekly_target,
            value_heading=_("Visits"),
        )
    )
    by_team = figures.pipeline_by_team(scope.people) if scope.company else None
    counts = figures.class_totals(by_team) if by_team is not None else None
    context["funnel"] = charts.funnel(
        "pipeline", _("Pipeline by class"), figures.pipeline(ids, counts=counts)
    )
    months = figures.last_months(today, 12)
    signed = figures.signed_by_month(ids, months)
    if can(user, C.SELL):
        targets = figures.targets_by_month(months, person_ids=ids)
    else:
        targets = figures.targets_by_month(months, team_ids=[team.pk for team in scope.teams])
    context["signed_chart"] = charts.bar_chart(
        "signed-by-month",
        _("Signed value by month (CNY)"),
        [(f"{month:%y-%m}", value) for month, value in signed.items()],
        targets=[targets[month] for month in months],
        value_heading=_("Signed value (CNY)"),
        money=True,
    )
    context["signed_rows"] = [(month, signed[month], targets[month]) for month in months]
    result = compliance.compliance(scope, this_month, now=now)
    context["compliance_rules"] = [(rule, result.total[rule.key]) for rule in compliance.RULES]
    if can(user, C.MANAGE_TEAM) and not scope.company:
        context["role"] = "manager"
        week = period_for("week", today)
        week_figures = figures_by_person(ids, week)
        trend = figures.new_files_trend(ids, figures.last_mondays(today, 6))
        files_target = policy.daily_new_customers_target * week.working_days(calendar)
        context["team_rows"] = [
            {
                "name": _name(person),
                "figures": week_figures[person.pk],
                "compliance": result.people[person.pk],
                "trend": charts.bar_chart(
                    f"trend-{person.pk}", "", list(enumerate(trend[person.pk]))
                ),
                "trend_values": trend[person.pk],
            }
            for person in scope.people
        ]
        context["files_target"] = files_target
        context["visits_target"] = policy.weekly_visits_target
        context["waiting"] = figures.waiting_approvals(user, now=now)
    if scope.company:
        context["role"] = "director"
        context["pipeline_by_team"] = by_team
        context["classes"] = PipelineClass.labels
        context["major"] = figures.major_agreements(since=now - timedelta(days=90), now=now)
        authority = figures.price_authority(ids, since=today - timedelta(days=365))
        context["authority_rows"] = [
            (_name(person), person.discount_authority, authority.get(person.pk))
            for person in scope.people
        ]
        rows = channels.channel_rows(this_month)
        context["channel_rows"] = rows
        context["channel_total"] = channels.total_row(rows, _("All channels"))
    return render(request, "reports/dashboard.html", context)


@require_GET
@capability_required(C.SEE_COMPANY, C.ADMINISTER)
def channel_report(request):
    """Channel return for the period: the company's own source channels."""
    if not sees_company(request.user):
        raise Http404
    period, error = _period(request)
    rows = channels.channel_rows(period)
    context = period_context(request, period, error)
    context.update(
        {
            "channel_rows": rows,
            "channel_total": channels.total_row(rows, _("All channels")),
            "cost_months": channels.months_of(period),
        }
    )
    return render(request, "reports/channels.html", context)


def _month(text: str | None, today) -> tuple:
    try:
        return date.fromisoformat(text).replace(day=1), None
    except (TypeError, ValueError):
        return today.replace(day=1), (_("Months are written as YYYY-MM-DD.") if text else None)


@require_http_methods(["GET", "POST"])
@capability_required(C.MANAGE_TEAM, C.SEE_COMPANY)
def targets(request):
    """The month's signed-value and collection targets of the people and teams in scope,
    against actual (signed value; confirmed receipts received in the month);
    the manager sets their team's, the director anyone's (history kept)."""
    today = timezone.localdate()
    scope = scope_for(request.user, {})
    if request.method == "POST":
        month, error = _month(request.POST.get("month"), today)
        if error:
            messages.error(request, error)
            return redirect(f"{reverse('reports:targets')}?month={month:%Y-%m-%d}")
        try:
            amount = Decimal(request.POST.get("amount", ""))
        except InvalidOperation:
            amount = None
        person = team = None
        if request.POST.get("person"):
            person = next((p for p in scope.people if str(p.pk) == request.POST["person"]), None)
            if person is None:
                raise Http404
        elif request.POST.get("team"):
            team = next((t for t in scope.teams if str(t.pk) == request.POST["team"]), None)
            if team is None:
                raise Http404
        attempt(
            request,
            _("Target saved."),
            services.set_target,
            month=month,
            amount=amount,
            person=person,
            team=team,
            kind=request.POST.get("kind", "signed"),
        )
        return redirect(f"{reverse('reports:targets')}?month={month:%Y-%m-%d}")
    month, error = _month(request.GET.get("month"), today)
    period = period_for("month", month)
    figures_now = report_rows(scope, period)
    person_rows, team_rows = figures_now[0], figures_now[1]
    set_targets = RevenueTarget.objects.filter(month=month)
    by_person = {
        pk: (amount, collection)
        for pk, amount, collection in set_targets.filter(person_id__in=scope.ids).values_list(
            "person_id", "amount", "collection_amount"
        )
    }
    by_team = {
        pk: (amount, collection)
        for pk, amount, collection in set_targets.filter(
            team_id__in=[t.pk for t in scope.teams]
        ).values_list("team_id", "amount", "collection_amount")
    }
    got = collections.collected(scope.ids, period)
    team_got: dict[int, Decimal] = {}
    for person in scope.people:
        team_got[person.team_id] = team_got.get(person.team_id, 0) + got.get(person.pk, 0)
    unset = (None, None)
    context = {
        "month": month,
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1),
        "month_error": error,
        "person_rows": [
            (
                row,
                *by_person.get(row.person_id, unset),
                row.figures["signed_value"],
                got.get(row.person_id) or 0,
            )
            for row in person_rows
        ],
        "team_rows": [
            (
                row,
                *by_team.get(row.team_id, unset),
                row.figures["signed_value"],
                team_got.get(row.team_id) or 0,
            )
            for row in team_rows
        ],
    }
    return render(request, "reports/targets.html", context)
