"""Dashboard figures, each one grouped query (by day, week, month, class, team or person),
scoped to the people a Scope holds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import selectors as contract_selectors
from contracts.models import (
    Agreement,
    AgreementState,
    Decision,
    Plan,
    PlanState,
    PlanVersion,
    Signature,
    Step,
)
from customers.models import Customer, PipelineClass
from reports.models import DailyFiguresState, PipelineCount, RevenueTarget
from reports.periods import add_months
from salescrm.models import User
from salescrm.workdays import WorkCalendar, local_midnight, monday_of
from visits import selectors as visit_selectors
from visits.models import SlipState, VisitSlip

ZERO = Decimal("0.00")
OPEN_PLAN_STATES = [PlanState.DRAFT, PlanState.IN_REVIEW, PlanState.APPROVED, PlanState.SUBMITTED]
OPEN_AGREEMENT_STATES = [
    AgreementState.DRAFT,
    AgreementState.MANAGER_REVIEW,
    AgreementState.DIRECTOR_REVIEW,
    AgreementState.APPROVED,
    AgreementState.SENT,
]


def _tz():
    return timezone.get_current_timezone()


def last_working_days(calendar: WorkCalendar, today: date, count: int) -> list[date]:
    """The `count` working days up to today (today included if it is one), oldest first."""
    days, day = (
        [],
        today if calendar.is_working_day(today) else calendar.add_working_days(today, -1),
    )
    while len(days) < count:
        days.append(day)
        day = calendar.add_working_days(day, -1)
    return days[::-1]


def last_mondays(today: date, count: int) -> list[date]:
    this_week = monday_of(today)
    return [this_week - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


def last_months(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, -back) for back in range(count - 1, -1, -1)]


def new_files_by_day(ids: list[int], days: list[date]) -> dict[date, int]:
    start, end = (
        local_midnight(days[0], tz=_tz()),
        local_midnight(days[-1] + timedelta(1), tz=_tz()),
    )
    rows = (
        Customer.objects.filter(entered_by_id__in=ids, entered_at__gte=start, entered_at__lt=end)
        .annotate(day=TruncDate("entered_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["day"]: row["count"] for row in rows}
    return {day: counts.get(day, 0) for day in days}


def visits_by_week(ids: list[int], mondays: list[date]) -> dict[date, int]:
    start = local_midnight(mondays[0], tz=_tz())
    end = local_midnight(mondays[-1] + timedelta(days=7), tz=_tz())
    rows = (
        VisitSlip.objects.filter(
            salesperson_id__in=ids,
            state__in=[SlipState.DEPARTED, SlipState.RETURNED],
            departed_at__gte=start,
            departed_at__lt=end,
        )
        .annotate(week=TruncWeek("departed_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {timezone.localtime(row["week"]).date(): row["count"] for row in rows}
    return {monday: counts.get(monday, 0) for monday in mondays}


def new_files_trend(ids: list[int], mondays: list[date]) -> dict[int, list[int]]:
    """{person id: new files per week over `mondays`} in one query."""
    start = local_midnight(mondays[0], tz=_tz())
    end = local_midnight(mondays[-1] + timedelta(days=7), tz=_tz())
    rows = (
        Customer.objects.filter(entered_by_id__in=ids, entered_at__gte=start, entered_at__lt=end)
        .annotate(week=TruncWeek("entered_at"))
        .values("entered_by_id", "week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    found = {pk: dict.fromkeys(mondays, 0) for pk in ids}
    for row in rows:
        found[row["entered_by_id"]][timezone.localtime(row["week"]).date()] = row["count"]
    return {pk: list(weeks.values()) for pk, weeks in found.items()}


def class_counts(ids: list[int]) -> dict[tuple[int, str], int]:
    """{(owner id, class): customers} now, for these owners, in three queries whatever the
    number of customers: the counts the daily_figures job stored (PipelineCount), less the
    stored state and plus the current state of each customer changed since (their history
    after the count: the day's changes). Before the job's first run, counted live."""
    counted_at = (
        DailyFiguresState.objects.filter(pk=1).values_list("pipeline_counted_at", flat=True).first()
    )
    if counted_at is None:
        rows = (
            Customer.objects.filter(owner_id__in=ids)
            .values_list("owner_id", "pipeline_class")
            .annotate(count=Count("pk"))
            .order_by()
        )
        return {(owner, cls): count for owner, cls, count in rows}
    found = {
        (owner, cls): count
        for owner, cls, count in PipelineCount.objects.filter(person_id__in=ids).values_list(
            "person_id", "pipeline_class", "customers"
        )
    }
    history = Customer.history.model.objects
    changed = history.filter(history_date__gte=counted_at).values("id")
    counted = (
        history.filter(id__in=changed, history_date__lt=counted_at)
        .order_by("id", "-history_date")
        .distinct("id")
        .values_list("owner_id", "pipeline_class", "history_type")
    )
    for owner, cls, kind in counted:
        if kind != "-" and (owner, cls) in found:
            found[(owner, cls)] -= 1
    now = (
        Customer.objects.filter(id__in=changed, owner_id__in=ids)
        .values_list("owner_id", "pipeline_class")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for owner, cls, count in now:
        found[(owner, cls)] = found.get((owner, cls), 0) + count
    return {key: count for key, count in found.items() if count}


def pipeline(ids: list[int], *, counts: dict | None = None) -> list[tuple[str, int, Decimal]]:
    """[(class label, customers, value of their open plans and agreements)] in class order.

    `counts` ({class: customers}) when the caller has them already (pipeline_by_team)."""
    if counts is None:
        counts = {}
        for (_owner, cls), count in class_counts(ids).items():
            counts[cls] = counts.get(cls, 0) + count
    agreements = dict(
        Agreement.objects.filter(salesperson_id__in=ids, state__in=OPEN_AGREEMENT_STATES)
        .values("customer__pipeline_class")
        .annotate(value=Sum("total"))
        .values_list("customer__pipeline_class", "value")
        .order_by()
    )
    plans = dict(
        Plan.objects.filter(salesperson_id__in=ids, state__in=OPEN_PLAN_STATES)
        .values("customer__pipeline_class")
        .annotate(value=Sum("budget"))
        .values_list("customer__pipeline_class", "value")
        .order_by()
    )
    signed = dict(
        Agreement.objects.filter(salesperson_id__in=ids, state=AgreementState.SIGNED)
        .values("customer__pipeline_class")
        .annotate(value=Sum("total"))
        .values_list("customer__pipeline_class", "value")
        .order_by()
    )
    rows = []
    for value, label in PipelineClass.choices:
        amount = (agreements.get(value) or ZERO) + (plans.get(value) or ZERO)
        if value == PipelineClass.SIGNED:
            amount = signed.get(value) or ZERO
        rows.append((label, counts.get(value, 0), amount))
    return rows


def pipeline_by_team(people: list[User]) -> list[dict]:
    """[{team, class: count...}] for the people's customers (class_counts, by their team)."""
    team_of = {person.pk: person.team.name if person.team_id else "—" for person in people}
    teams: dict[str, dict] = {}
    for (owner, cls), count in class_counts(list(team_of)).items():
        counts = teams.setdefault(team_of[owner], dict.fromkeys(PipelineClass.values, 0))
        counts[cls] = counts.get(cls, 0) + count
    return [
        {"team": name, "counts": [counts[value] for value in PipelineClass.values]}
        for name, counts in sorted(teams.items())
    ]


def signed_by_month(ids: list[int], months: list[date]) -> dict[date, Decimal]:
    rows = (
        Agreement.objects.filter(
            salesperson_id__in=ids,
            state=AgreementState.SIGNED,
            signed_on__gte=months[0],
            signed_on__lt=add_months(months[-1], 1),
        )
        .annotate(month=TruncMonth("signed_on"))
        .values("month")
        .annotate(value=Sum("total"))
        .order_by()
    )
    values = {row["month"]: row["value"] for row in rows}
    return {month: values.get(month) or ZERO for month in months}


def targets_by_month(months: list[date], *, person_ids=None, team_ids=None) -> dict[date, Decimal]:
    """The sum of the targets of these people or teams per month."""
    targets = RevenueTarget.objects.filter(month__gte=months[0], month__lte=months[-1])
    if person_ids is not None:
        targets = targets.filter(person_id__in=person_ids)
    else:
        targets = targets.filter(team_id__in=team_ids)
    values = dict(
        targets.values("month").annotate(value=Sum("amount")).values_list("month", "value")
    )
    return {month: values.get(month) or ZERO for month in months}


def wait_text(wait: timedelta | None) -> str:
    """How long something has waited, in days and hours ("—" for nothing waiting)."""
    if wait is None:
        return "—"
    return _("%(days)s d %(hours)s h") % {"days": wait.days, "hours": wait.seconds // 3600}


def _since(moment: datetime | None, now: datetime) -> str:
    return wait_text(now - moment if moment else None)


def waiting_approvals(manager: User, *, now: datetime) -> list[tuple[str, int, str]]:
    """[(what, how many, the longest wait)] for a manager's queues."""
    slips = (
        visit_selectors.approval_queue(manager)
        .order_by()
        .aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    )
    plans = (
        contract_selectors.plans_to_review(manager)
        .order_by()
        .aggregate(
            count=Count("pk", distinct=True),
            oldest=Min(
                "versions__created_at", filter=Q(versions__outcome=PlanVersion.Outcome.PENDING)
            ),
        )
    )
    agreements = (
        contract_selectors.agreements_to_approve(manager)
        .order_by()
        .aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    )
    return [
        (_("Visit slips"), slips["count"], _since(slips["oldest"], now)),
        (_("Plans to review"), plans["count"], _since(plans["oldest"], now)),
        (_("Agreements to approve"), agreements["count"], _since(agreements["oldest"], now)),
    ]


def major_agreements(*, since: datetime, now: datetime) -> dict:
    """Major agreements waiting for the director (and the longest wait); the director's
    approvals and rejections since `since`."""
    waiting = Agreement.objects.filter(state=AgreementState.DIRECTOR_REVIEW).aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    decided = Signature.objects.filter(
        step=Step.DIRECTOR, agreement__isnull=False, signed_at__gte=since
    ).aggregate(
        approved=Count("pk", filter=Q(decision=Decision.APPROVED)),
        rejected=Count("pk", filter=Q(decision=Decision.REJECTED)),
    )
    return {
        "waiting": waiting["count"],
        "longest": _since(waiting["oldest"], now),
        **decided,
    }


def class_totals(by_team: list[dict]) -> dict[str, int]:
    """{class: customers} summed over pipeline_by_team's rows."""
    return {
        value: sum(row["counts"][index] for row in by_team)
        for index, value in enumerate(PipelineClass.values)
    }


def price_authority(ids: list[int], *, since: date) -> dict[int, dict]:
    """Per salesperson, agreements submitted since `since`: how deep their discounts go
    (average and deepest, against list price), how often beyond their authority (major
    for a line), and how those major agreements ended. One query."""
    discount = ExpressionWrapper(
        (F("list_total") - F("total")) * Value(Decimal(100)) / F("list_total"),
        output_field=DecimalField(max_digits=7, decimal_places=2),
    )
    beyond = Q(major_reasons__contains=[{"kind": "line"}])
    start = local_midnight(since, tz=_tz())
    rows = (
        Agreement.objects.filter(salesperson_id__in=ids, submitted_at__gte=start, list_total__gt=0)
        .values("salesperson_id")
        .annotate(
            agreements=Count("pk"),
            list_sum=Sum("list_total"),
            total_sum=Sum("total"),
            deepest=Max(discount),
            beyond=Count("pk", filter=beyond),
            beyond_signed=Count("pk", filter=beyond & Q(state=AgreementState.SIGNED)),
            beyond_cancelled=Count("pk", filter=beyond & Q(state=AgreementState.CANCELLED)),
        )
        .order_by()
    )
    rejected = dict(
        Signature.objects.filter(
            agreement__salesperson_id__in=ids,
            agreement__submitted_at__gte=start,
            step=Step.DIRECTOR,
            decision=Decision.REJECTED,
        )
        .values("agreement__salesperson_id")
        .annotate(count=Count("pk"))
        .values_list("agreement__salesperson_id", "count")
        .order_by()
    )
    found = {}
    for row in rows:
        row["beyond_rejected"] = rejected.get(row["salesperson_id"], 0)
        row["average"] = (
            ((row["list_sum"] - row["total_sum"]) * 100 / row["list_sum"]).quantize(Decimal("0.1"))
            if row["list_sum"]
            else None
        )
        found[row.pop("salesperson_id")] = row
    return found
