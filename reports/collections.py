"""Collections (回款) figures: money collected against the collection targets, and the
ageing of what is overdue, per salesperson, team, company and customer.

Each figure is one grouped SQL query whatever the number of people (constant query count,
tested). Definitions (docs/collections.md):

- Collected: confirmed receipts whose `received_on` falls in the period (reversed receipts
  and receipts not yet confirmed do not count).
- Overdue: the one definition of 逾期 (receivables.models.InstalmentQuerySet.overdue: a
  confirmed plan's instalment not fully paid after the end of its due working day).
- Ageing: the overdue amount (instalment amount minus what receipts settled of it) by
  **calendar** days since the due date, as of today: 1-30, 31-60, 61-90, over 90. Calendar
  days because ageing is finance's measure, compared with the bank and the books, which
  count calendar days; working days are for deadlines on people. An instalment due today
  is not overdue (its day is not over); due yesterday is 1 day overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from receivables.models import Instalment, PlanState, Receipt, ReceiptState
from reports.models import RevenueTarget
from reports.periods import Period, add_months
from reports.scope import Scope

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)

# (key, heading, lowest day, highest day) of the ageing buckets, in calendar days overdue.
BUCKETS = [
    ("days_1_30", _("1-30 days"), 1, 30),
    ("days_31_60", _("31-60 days"), 31, 60),
    ("days_61_90", _("61-90 days"), 61, 90),
    ("days_over_90", _("Over 90 days"), 91, None),
]
# (key, heading) of the report, in the order of the screen and of the exports.
COLUMNS = [
    ("target", _("Collection target (CNY)")),
    ("collected", _("Collected (CNY)")),
    ("percent", _("Percent of target")),
    ("not_due", _("Outstanding, not yet due (CNY)")),
    *[(key, heading) for key, heading, _low, _high in BUCKETS],
    ("overdue", _("Overdue in all (CNY)")),
]
SUMMED = [key for key, _heading in COLUMNS if key != "percent"]


@dataclass
class Row:
    label: str
    figures: dict = field(default_factory=lambda: dict.fromkeys(SUMMED, ZERO))
    person_id: int | None = None
    team_id: int | None = None
    customer_id: int | None = None
    kind: str = "person"  # person | team | company | customer

    def add(self, other: Row) -> None:
        for key in SUMMED:
            self.figures[key] += other.figures[key]

    def finish(self) -> Row:
        target = self.figures["target"]
        self.figures["percent"] = (
            (self.figures["collected"] * 100 / target).quantize(Decimal("0.1")) if target else None
        )
        return self

    def values(self) -> list:
        return [self.figures[key] for key, _heading in COLUMNS]


def _buckets(today: date) -> dict[str, Q]:
    """The condition of each bucket on the due date (calendar days before today)."""
    conditions = {}
    for key, _heading, low, high in BUCKETS:
        condition = Q(due_on__lte=today - timedelta(days=low))
        if high is not None:
            condition &= Q(due_on__gte=today - timedelta(days=high))
        conditions[key] = condition
    return conditions


def ageing(scope_ids: list[int], *, today: date, now: datetime, by: str) -> dict[int, dict]:
    """{salesperson or customer id: {bucket: amount, "overdue": all overdue, "not_due": the
    outstanding of confirmed plans not yet overdue}}; `by` is "salesperson" or "customer"."""
    key = f"plan__agreement__{by}_id"
    outstanding = ExpressionWrapper(F("amount") - F("received"), output_field=MONEY)
    open_ = Instalment.objects.filter(
        plan__state=PlanState.CONFIRMED,
        settled_at__isnull=True,
        plan__agreement__salesperson_id__in=scope_ids,
    )
    overdue_ids = Instalment.objects.overdue(now).values("pk")
    rows = (
        open_.values(key)
        .annotate(
            overdue=Sum(outstanding, filter=Q(pk__in=overdue_ids), default=ZERO),
            not_due=Sum(outstanding, filter=~Q(pk__in=overdue_ids), default=ZERO),
            **{
                name: Sum(outstanding, filter=condition & Q(pk__in=overdue_ids), default=ZERO)
                for name, condition in _buckets(today).items()
            },
        )
        .order_by()
    )
    return {row.pop(key): row for row in rows}


def collected(scope_ids: list[int], period: Period) -> dict[int, Decimal]:
    """{salesperson id: confirmed receipts received in the period}."""
    rows = (
        Receipt.objects.filter(
            state=ReceiptState.CONFIRMED,
            agreement__salesperson_id__in=scope_ids,
            received_on__gte=period.start,
            received_on__lt=period.end,
        )
        .values("agreement__salesperson_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["agreement__salesperson_id"]: row["total"] for row in rows}


def _targets(period: Period, **where) -> dict[int, Decimal]:
    """{person or team id: the collection targets of the months the period covers}; the
    months whose first day falls in the period (a month, quarter or year: all of them)."""
    field_name = next(iter(where)).removesuffix("__in")
    rows = (
        RevenueTarget.objects.filter(
            month__gte=period.start, month__lt=period.end, collection_amount__isnull=False, **where
        )
        .values(field_name)
        .annotate(total=Sum("collection_amount"))
        .order_by()
    )
    return {row[field_name]: row["total"] for row in rows}


def _fill(row: Row, *, target, got, aged: dict | None) -> Row:
    row.figures["target"] = target or ZERO
    row.figures["collected"] = got or ZERO
    for key in ["not_due", "overdue", *[b[0] for b in BUCKETS]]:
        row.figures[key] = (aged or {}).get(key) or ZERO
    return row


def _name(person) -> str:
    return person.get_full_name() or person.username


def report_rows(
    scope: Scope, period: Period, *, today: date, now: datetime
) -> tuple[list[Row], list[Row], Row | None]:
    """People, teams (their people's sums; the target is the team's own where one is set,
    else its people's together) and the company line (when the scope is the whole company)."""
    ids = scope.ids
    got = collected(ids, period)
    aged = ageing(ids, today=today, now=now, by="salesperson")
    person_targets = _targets(period, person_id__in=ids)
    team_targets = _targets(period, team_id__in=[team.pk for team in scope.teams])
    people_rows = [
        _fill(
            Row(_name(person), person_id=person.pk, team_id=person.team_id),
            target=person_targets.get(person.pk),
            got=got.get(person.pk),
            aged=aged.get(person.pk),
        ).finish()
        for person in scope.people
    ]
    team_rows = []
    for team in scope.teams:
        row = Row(str(team.name), team_id=team.pk, kind="team")
        for person_row in people_rows:
            if person_row.team_id == team.pk:
                row.add(person_row)
        if team.pk in team_targets:  # the team's own target, else its people's together
            row.figures["target"] = team_targets[team.pk]
        team_rows.append(row.finish())
    company = None
    if scope.company:
        company = Row(str(_("Company")), kind="company")
        for team_row in team_rows:
            company.add(team_row)
        for person_row in people_rows:
            if person_row.team_id is None:
                company.add(person_row)
        company.finish()
    return people_rows, team_rows, company


def customer_rows(scope: Scope, *, today: date, now: datetime) -> list[Row]:
    """The ageing per customer with money overdue or outstanding, the most overdue first."""
    aged = ageing(scope.ids, today=today, now=now, by="customer")
    names = dict(Customer.objects.filter(pk__in=list(aged)).values_list("pk", "name"))
    rows = [
        _fill(Row(names[pk], customer_id=pk, kind="customer"), target=None, got=None, aged=figures)
        for pk, figures in aged.items()
    ]
    for row in rows:
        row.figures["percent"] = None
    return sorted(rows, key=lambda row: (-row.figures["overdue"], row.label))


def collected_by_month(scope_ids: list[int], months: list[date]) -> dict[date, Decimal]:
    """{first of month: confirmed receipts received in it} for these salespeople."""
    rows = (
        Receipt.objects.filter(
            state=ReceiptState.CONFIRMED,
            agreement__salesperson_id__in=scope_ids,
            received_on__gte=months[0],
            received_on__lt=add_months(months[-1], 1),
        )
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    values = {row["month"]: row["total"] for row in rows}
    return {month: values.get(month) or ZERO for month in months}


def targets_by_month(
    scope: Scope, months: list[date], *, people_only: bool = False
) -> dict[date, Decimal]:
    """{first of month: the collection target of the scope}: the people's own (`people_only`,
    a salesperson's view); else a team's own where set, else its people's together (as in the
    report), and the company's its teams' (one query)."""
    ids = scope.ids
    team_ids = [] if people_only else [team.pk for team in scope.teams]
    rows = RevenueTarget.objects.filter(
        Q(person_id__in=ids) | Q(team_id__in=team_ids),
        month__gte=months[0],
        month__lte=months[-1],
        collection_amount__isnull=False,
    ).values_list("month", "person__team_id", "team_id", "collection_amount")
    teams_own: dict[tuple, Decimal] = {}
    people_sum: dict[tuple, Decimal] = {}
    for month, person_team, team_id, amount in rows:
        if team_id is not None:
            teams_own[(month, team_id)] = amount
        else:
            key = (month, person_team)
            people_sum[key] = people_sum.get(key, ZERO) + amount
    totals = dict.fromkeys(months, ZERO)
    for month in months:
        for team_id in {*team_ids, *(key[1] for key in people_sum if key[0] == month)}:
            own = teams_own.get((month, team_id)) if team_id is not None else None
            totals[month] += own if own is not None else people_sum.get((month, team_id), ZERO)
    return totals
