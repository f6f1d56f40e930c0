"""The report figures, each computed in SQL: one grouped query per source table, whatever
the number of people or rows (constant query count, tested)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Agreement, AgreementState, Plan, PlanVersion
from customers.models import Customer
from reports.models import DailyFigures, DailyFiguresState
from reports.periods import Period
from reports.scope import Scope
from salescrm.stored_text import money
from salescrm.workdays import local_midnight
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip

# (key, heading) of the report, in the order of the screen and of the exports.
COLUMNS = [
    ("new_files", _("New files")),
    ("completed_on_time", _("Completed on time")),
    ("first_contacts_on_time", _("First contacts on time")),
    ("contacts", _("Contacts")),
    ("visits", _("Visits")),
    ("logs_on_time", _("Logs on time")),
    ("plans_submitted", _("Plans submitted")),
    ("plans_accepted", _("Plans accepted")),
    ("plans_declined", _("Plans declined")),
    ("signed", _("Agreements signed")),
    ("signed_value", _("Signed value (CNY)")),
    ("avg_days_to_sign", _("Average days from file to signature")),
]
MONEY_COLUMNS = {"signed_value"}
COUNTED = [key for key, _heading in COLUMNS if key != "avg_days_to_sign"]


@dataclass
class Row:
    """One line of the report: a person, a team or the company."""

    label: str
    figures: dict = field(default_factory=dict)
    person_id: int | None = None
    team_id: int | None = None
    kind: str = "person"  # person | team | company

    def add(self, other: Row) -> None:
        for key in [*COUNTED, "days_to_sign"]:
            self.figures[key] = self.figures.get(key, 0) + other.figures.get(key, 0)

    def finish(self) -> Row:
        signed, days = self.figures.get("signed", 0), self.figures.get("days_to_sign", 0)
        self.figures["avg_days_to_sign"] = (
            (Decimal(days) / signed).quantize(Decimal("0.1")) if signed else None
        )
        return self

    def values(self) -> list:
        """The raw numbers, in column order (what the exports write)."""
        return [self.figures.get(key) for key, _heading in COLUMNS]

    def shown(self) -> list[str]:
        """The cells as the screen shows them: amounts in the money format, "—" for none."""
        return [
            "—" if value is None else money(value) if key in MONEY_COLUMNS else str(value)
            for (key, _heading), value in zip(COLUMNS, self.values(), strict=True)
        ]


def _grouped(queryset, key: str, day: str | None, **aggregates) -> dict:
    """{person id: {aggregate: value}} in one grouped query; with `day` (the column whose
    local date is the day), {(person id, day): {...}}."""
    if day is None:
        rows = queryset.values(key).annotate(**aggregates).order_by()
        return {row.pop(key): row for row in rows}
    if day != "signed_on":
        queryset = queryset.annotate(local_day=TruncDate(day))
    else:
        queryset = queryset.annotate(local_day=F(day))
    rows = queryset.values(key, "local_day").annotate(**aggregates).order_by()
    return {(row.pop(key), row.pop("local_day")): row for row in rows}


def _people(queryset, field: str, ids: list[int] | None):
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def live_figures(ids: list[int] | None, first: date, end: date, *, by_day: bool = False) -> dict:
    """The report's columns from the live tables for the days [first, end): per person, or
    per (person, day) with `by_day` (what the daily_figures job stores). `ids` None: all."""
    tz = timezone.get_current_timezone()
    start, stop = local_midnight(first, tz=tz), local_midnight(end, tz=tz)
    found: dict = {}

    def merge(rows: dict) -> None:
        for key, values in rows.items():
            figures = found.setdefault(key, dict.fromkeys([*COUNTED, "days_to_sign"], 0))
            figures.update({k: v if v is not None else 0 for k, v in values.items()})

    def day(field: str) -> str | None:
        return field if by_day else None

    merge(
        _grouped(
            _people(Customer.objects, "entered_by_id", ids).filter(
                entered_at__gte=start, entered_at__lt=stop
            ),
            "entered_by_id",
            day("entered_at"),
            new_files=Count("pk"),
            completed_on_time=Count("pk", filter=Q(completed_at__lte=F("completion_due_at"))),
        )
    )
    merge(
        _grouped(
            _people(Customer.objects, "owner_id", ids).filter(
                first_contact_at__gte=start, first_contact_at__lt=stop
            ),
            "owner_id",
            day("first_contact_at"),
            first_contacts_on_time=Count(
                "pk", filter=Q(first_contact_at__lte=F("first_contact_due_at"))
            ),
        )
    )
    merge(
        _grouped(
            _people(ContactRecord.objects, "author_id", ids).filter(
                contacted_at__gte=start, contacted_at__lt=stop
            ),
            "author_id",
            day("contacted_at"),
            contacts=Count("pk"),
        )
    )
    merge(
        _grouped(
            _people(VisitSlip.objects, "salesperson_id", ids).filter(
                state__in=[SlipState.DEPARTED, SlipState.RETURNED],
                departed_at__gte=start,
                departed_at__lt=stop,
            ),
            "salesperson_id",
            day("departed_at"),
            visits=Count("pk"),
        )
    )
    merge(
        _grouped(
            _people(VisitLog.objects, "author_id", ids).filter(
                written_at__gte=start, written_at__lt=stop
            ),
            "author_id",
            day("written_at"),
            logs_on_time=Count("pk", filter=Q(written_at__lte=F("due_at"))),
        )
    )
    merge(
        _grouped(
            _people(Plan.objects, "salesperson_id", ids).filter(
                submitted_to_customer_at__gte=start, submitted_to_customer_at__lt=stop
            ),
            "salesperson_id",
            day("submitted_to_customer_at"),
            plans_submitted=Count("pk"),
        )
    )
    merge(
        _grouped(
            _people(PlanVersion.objects, "plan__salesperson_id", ids).filter(
                outcome__in=[PlanVersion.Outcome.ACCEPTED, PlanVersion.Outcome.DECLINED],
                outcome_at__gte=start,
                outcome_at__lt=stop,
            ),
            "plan__salesperson_id",
            day("outcome_at"),
            plans_accepted=Count("pk", filter=Q(outcome=PlanVersion.Outcome.ACCEPTED)),
            plans_declined=Count("pk", filter=Q(outcome=PlanVersion.Outcome.DECLINED)),
        )
    )
    signed = _grouped(
        _people(Agreement.objects, "salesperson_id", ids).filter(
            state=AgreementState.SIGNED, signed_on__gte=first, signed_on__lt=end
        ),
        "salesperson_id",
        day("signed_on"),
        signed=Count("pk"),
        signed_value=Sum("total"),
        days_to_sign=Sum(F("signed_on") - F("customer__collected_on")),
    )
    for values in signed.values():
        days = values["days_to_sign"]
        values["days_to_sign"] = days.days if isinstance(days, timedelta) else (days or 0)
    merge(signed)
    return found


def stored_through() -> date | None:
    """The last day the daily_figures job has stored (None before its first run)."""
    return (
        DailyFiguresState.objects.filter(pk=1).values_list("refreshed_through", flat=True).first()
    )


def figures_by_person(ids: Iterable[int], period: Period) -> dict[int, dict]:
    """Every column of the report per person, for [period.start, period.end): the days the
    daily_figures job has stored are added up from DailyFigures, the rest (today, and any
    day after its last run) comes from the live tables."""
    ids = list(ids)
    found: dict[int, dict] = {pk: dict.fromkeys([*COUNTED, "days_to_sign"], 0) for pk in ids}
    if not ids:
        return found
    through = stored_through()
    split = period.start
    if through is not None and through >= period.start:
        split = min(period.end, through + timedelta(days=1))
        stored = (
            DailyFigures.objects.filter(person_id__in=ids, day__gte=period.start, day__lt=split)
            .values("person_id")
            .annotate(**{key: Sum(key) for key in [*COUNTED, "days_to_sign"]})
            .order_by()
        )
        for row in stored:
            figures = found[row.pop("person_id")]
            for key, value in row.items():
                figures[key] += value or 0
    if split < period.end:
        for pk, values in live_figures(ids, split, period.end).items():
            for key, value in values.items():
                found[pk][key] += value
    return found


def report_rows(scope: Scope, period: Period) -> tuple[list[Row], list[Row], Row | None]:
    """(people rows, team rows, company row): people and team totals of the scope."""
    figures = figures_by_person(scope.ids, period)
    rows = [
        Row(
            label=str(person),
            figures=dict(figures[person.pk]),
            person_id=person.pk,
            team_id=person.team_id,
        ).finish()
        for person in scope.people
    ]
    teams = []
    for team in scope.teams:
        total = Row(label=str(team), team_id=team.pk, kind="team")
        for row in rows:
            if row.team_id == team.pk:
                total.add(row)
        teams.append(total.finish())
    company = None
    if scope.company:
        company = Row(label=str(_("Company")), kind="company")
        for row in rows:
            company.add(row)
        company.finish()
    return rows, teams, company
