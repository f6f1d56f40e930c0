"""Rule compliance: for each rule with a deadline, how many came due in a period, how many
were met on time, by person, team and week; and each breach with its evidence.

The deadlines are the ones the apps store (one definition each): a file's
`completion_due_at` (rule 1.2, working days), a customer's `first_contact_due_at`
(rule 1.3), a log's `due_at` (rule 2.4.5, working days), a slip's `overdue_at` (the
expected return, moved by a late notice; rule 2.4.1) and the weekly check (rule 1.2:
by the end of the week after the file was entered). Done exactly at the deadline is on
time. Only deadlines already passed count (a deadline still ahead is neither met nor
missed).

The deadlines before the daily_figures job's last run are added up from its ComplianceDay
rows (rebuilt whole on each run); the later ones are counted live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from reports.models import ComplianceDay
from reports.periods import Period
from reports.scope import Scope
from reports.selectors import stored_through
from salescrm.workdays import local_midnight
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


def _base(rule: Rule, ids: list[int] | None) -> QuerySet:
    """The rule's rows for these people (None: everyone's)."""
    people = {} if ids is None else {f"{rule.person}__in": ids}
    if rule.key in ("file", "first_contact"):
        return Customer.objects.filter(**people)
    if rule.key == "log":
        return VisitLog.objects.filter(**people)
    if rule.key == "return":
        return VisitSlip.objects.filter(
            state__in=[SlipState.DEPARTED, SlipState.RETURNED], **people
        )
    return Customer.objects.filter(**people).annotate(
        check_due=ExpressionWrapper(
            TruncWeek("entered_at") + Value(timedelta(days=14)) - Value(timedelta(microseconds=1)),
            output_field=DateTimeField(),
        )
    )


def due_in(rule: Rule, ids: list[int] | None, start: datetime | None, end: datetime) -> QuerySet:
    """The rows of `rule` whose deadline fell in [start, end)."""
    rows = _base(rule, ids)
    if rule.key == "check":
        # The deadline is two weeks after the entry week began: narrow on the indexed
        # entry time first.
        rows = rows.filter(entered_at__lt=end)
        if start is not None:
            rows = rows.filter(entered_at__gte=start - timedelta(days=14))
    if start is not None:
        rows = rows.filter(**{f"{rule.due}__gte": start})
    return rows.filter(**{f"{rule.due}__lt": end})


def tallied(rule: Rule, rows: QuerySet, moment: str) -> QuerySet:
    """The rows grouped by person and `moment` (an annotation of the deadline), with how
    many came due and how many were met: the same query live and in the daily_figures job."""
    return (
        rows.values(rule.person, moment)
        .annotate(due_count=Count("pk"), on_time_count=Count("pk", filter=on_time(rule)))
        .order_by()
    )


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

    def add_person(rule_key: str, person_id: int, due: int, met: int) -> None:
        result.people[person_id][rule_key].add(due, met)
        if team_of.get(person_id) in result.teams:
            result.teams[team_of[person_id]][rule_key].add(due, met)
        result.total[rule_key].add(due, met)

    def add_week(rule_key: str, week, due: int, met: int) -> None:
        result.weeks.setdefault(week, {key.key: Tally() for key in RULES})
        result.weeks[week][rule_key].add(due, met)

    # The days the daily_figures job has stored, from ComplianceDay (by person, and by
    # week: two grouped queries); the rest live.
    through = stored_through()
    if through is not None and through >= period.start:
        split = min(period.end, through + timedelta(days=1), timezone.localdate(now))
        stored = ComplianceDay.objects.filter(
            person_id__in=scope.ids, day__gte=period.start, day__lt=split
        ).order_by()
        sums = {"due_count": Sum("due"), "on_time_count": Sum("on_time")}
        for rule_key, person_id, due, met in stored.values_list("rule", "person_id").annotate(
            **sums
        ):
            add_person(rule_key, person_id, due, met)
        by_week = stored.annotate(week=TruncWeek("day")).values_list("rule", "week")
        for rule_key, week, due, met in by_week.annotate(**sums):
            add_week(rule_key, week, due, met)
        start = max(start, local_midnight(split, tz=timezone.get_current_timezone()))
    if start < end:
        for rule in RULES:
            rows = due_in(rule, scope.ids, start, end).annotate(week=TruncWeek(rule.due))
            for row in tallied(rule, rows, "week"):
                due, met = row["due_count"], row["on_time_count"]
                add_person(rule.key, row[rule.person], due, met)
                add_week(rule.key, timezone.localtime(row["week"]).date(), due, met)
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
