"""Rule compliance: for each rule with a deadline, how many came due in a period, how many
were met on time, by person, team and week; and each breach with its evidence.

The deadlines are the ones the apps store (one definition each): a file's
`completion_due_at` (rule 1.2, working days), a customer's `first_contact_due_at`
(rule 1.3), a log's `due_at` (rule 2.4.5, working days), a slip's `overdue_at` (the
expected return, moved by a late notice; rule 2.4.1) and the weekly check (rule 1.2:
by the end of the week after the file was entered). Done exactly at the deadline is on
time. Only deadlines already passed count (a deadline still ahead is neither met nor
missed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from reports.periods import Period
from reports.scope import Scope
from visits.models import SlipState, VisitLog, VisitSlip

BREACHES_SHOWN = 20


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    rule: str  # the number in docs/sales-rules.md
    due: str  # the column (or annotation) holding the deadline
    done: str  # the column holding when it was done
    person: str  # the column naming the person responsible


RULES = [
    Rule("file", _("File completed in 2 working days"), "1.2", "completion_due_at",
         "completed_at", "entered_by_id"),
    Rule("first_contact", _("First contact in 7 days"), "1.3", "first_contact_due_at",
         "first_contact_at", "owner_id"),
    Rule("log", _("Visit log in 2 working days"), "2.4.5", "due_at", "written_at", "author_id"),
    Rule("return", _("Back by the expected time"), "2.4.1", "overdue_at", "returned_at",
         "salesperson_id"),
    Rule("check", _("Weekly check of new files"), "1.2", "check_due", "checked_at", "owner_id"),
]  # fmt: skip
RULE_BY_KEY = {rule.key: rule for rule in RULES}


def _base(rule: Rule, ids: list[int]) -> QuerySet:
    if rule.key == "file":
        return Customer.objects.filter(entered_by_id__in=ids)
    if rule.key == "first_contact":
        return Customer.objects.filter(owner_id__in=ids)
    if rule.key == "log":
        return VisitLog.objects.filter(author_id__in=ids)
    if rule.key == "return":
        return VisitSlip.objects.filter(
            salesperson_id__in=ids, state__in=[SlipState.DEPARTED, SlipState.RETURNED]
        )
    return Customer.objects.filter(owner_id__in=ids).annotate(
        check_due=ExpressionWrapper(
            TruncWeek("entered_at") + Value(timedelta(days=14)) - Value(timedelta(microseconds=1)),
            output_field=DateTimeField(),
        )
    )


def due_in(rule: Rule, ids: list[int], start: datetime, end: datetime) -> QuerySet:
    """The rows of `rule` whose deadline fell in [start, end)."""
    rows = _base(rule, ids)
    if rule.key == "check":
        # The deadline is two weeks after the entry week began: narrow on the indexed
        # entry time first.
        rows = rows.filter(entered_at__gte=start - timedelta(days=14), entered_at__lt=end)
    return rows.filter(**{f"{rule.due}__gte": start, f"{rule.due}__lt": end})


def on_time(rule: Rule) -> Q:
    return Q(**{f"{rule.done}__lte": F(rule.due)})


@dataclass
class Tally:
    due: int = 0
    on_time: int = 0

    def add(self, due: int, met: int) -> None:
        self.due += due
        self.on_time += met

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None


@dataclass
class Compliance:
    rules: list[Rule]
    people: dict[int, dict[str, Tally]] = field(default_factory=dict)
    teams: dict[int, dict[str, Tally]] = field(default_factory=dict)
    total: dict[str, Tally] = field(default_factory=dict)
    weeks: dict = field(default_factory=dict)  # {monday: {rule: Tally}}


def _window(period: Period, now: datetime) -> tuple[datetime, datetime]:
    start, end = period.moments(tz=timezone.get_current_timezone())
    return start, min(end, now)


def compliance(scope: Scope, period: Period, *, now: datetime) -> Compliance:
    """On-time counts per rule, by person, team and week: one grouped query per rule."""
    result = Compliance(rules=RULES, total={rule.key: Tally() for rule in RULES})
    team_of = {person.pk: person.team_id for person in scope.people}
    for person in scope.people:
        result.people[person.pk] = {rule.key: Tally() for rule in RULES}
    for team in scope.teams:
        result.teams[team.pk] = {rule.key: Tally() for rule in RULES}
    start, end = _window(period, now)
    if not scope.ids or start >= end:
        return result
    for rule in RULES:
        rows = (
            due_in(rule, scope.ids, start, end)
            .annotate(week=TruncWeek(rule.due))
            .values(rule.person, "week")
            .annotate(due_count=Count("pk"), on_time_count=Count("pk", filter=on_time(rule)))
            .order_by()
        )
        for row in rows:
            due, met = row["due_count"], row["on_time_count"]
            person_id = row[rule.person]
            result.people[person_id][rule.key].add(due, met)
            if team_of.get(person_id) in result.teams:
                result.teams[team_of[person_id]][rule.key].add(due, met)
            result.total[rule.key].add(due, met)
            week = timezone.localtime(row["week"]).date()
            result.weeks.setdefault(week, {key.key: Tally() for key in RULES})
            result.weeks[week][rule.key].add(due, met)
    result.weeks = dict(sorted(result.weeks.items()))
    return result


@dataclass(frozen=True)
class Breach:
    rule: Rule
    person_id: int
    what: str
    url: str
    due: datetime
    done: datetime | None


def _link(rule: Rule, row) -> tuple[str, str]:
    if rule.key in ("file", "first_contact", "check"):
        return row.name, reverse("customers:detail", args=[row.pk])
    slip_id = row.slip_id if rule.key == "log" else row.pk
    return str(row.customer), reverse("visits:detail", args=[slip_id])


def breaches(scope: Scope, period: Period, *, now: datetime, rule_key: str) -> list[Breach]:
    """The latest breaches of one rule in the period, each with the record and the moments."""
    rule = RULE_BY_KEY[rule_key]
    start, end = _window(period, now)
    if not scope.ids or start >= end:
        return []
    rows = due_in(rule, scope.ids, start, end).exclude(on_time(rule)).order_by(f"-{rule.due}")
    if rule.key in ("log", "return"):
        rows = rows.select_related("customer")
    found = []
    for row in rows[:BREACHES_SHOWN]:
        what, url = _link(rule, row)
        due, done = getattr(row, rule.due), getattr(row, rule.done)
        found.append(Breach(rule, getattr(row, rule.person), what, url, due, done))
    return found
