"""The report figures, each computed in SQL: one grouped query per source table, whatever
the number of people or rows (constant query count, tested)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Agreement, AgreementState, Plan, PlanVersion
from customers.models import Customer
from reports.periods import Period
from reports.scope import Scope
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
        return [self.figures.get(key) for key, _heading in COLUMNS]


def _grouped(queryset, key: str, **aggregates) -> dict[int, dict]:
    """{person id: {aggregate: value}} in one grouped query."""
    rows = queryset.values(key).annotate(**aggregates).order_by()
    return {row.pop(key): row for row in rows}


def figures_by_person(ids: Iterable[int], period: Period) -> dict[int, dict]:
    """Every column of the report per person, for [period.start, period.end)."""
    ids = list(ids)
    tz = timezone.get_current_timezone()
    start, end = period.moments(tz=tz)
    found: dict[int, dict] = {pk: dict.fromkeys([*COUNTED, "days_to_sign"], 0) for pk in ids}
    if not ids:
        return found

    def merge(rows: dict[int, dict]) -> None:
        for pk, values in rows.items():
            found[pk].update({k: v if v is not None else 0 for k, v in values.items()})

    merge(
        _grouped(
            Customer.objects.filter(
                entered_by_id__in=ids, entered_at__gte=start, entered_at__lt=end
            ),
            "entered_by_id",
            new_files=Count("pk"),
            completed_on_time=Count("pk", filter=Q(completed_at__lte=F("completion_due_at"))),
        )
    )
    merge(
        _grouped(
            Customer.objects.filter(
                owner_id__in=ids, first_contact_at__gte=start, first_contact_at__lt=end
            ),
            "owner_id",
            first_contacts_on_time=Count(
                "pk", filter=Q(first_contact_at__lte=F("first_contact_due_at"))
            ),
        )
    )
    merge(
        _grouped(
            ContactRecord.objects.filter(
                author_id__in=ids, contacted_at__gte=start, contacted_at__lt=end
            ),
            "author_id",
            contacts=Count("pk"),
        )
    )
    merge(
        _grouped(
            VisitSlip.objects.filter(
                salesperson_id__in=ids,
                state__in=[SlipState.DEPARTED, SlipState.RETURNED],
                departed_at__gte=start,
                departed_at__lt=end,
            ),
            "salesperson_id",
            visits=Count("pk"),
        )
    )
    merge(
        _grouped(
            VisitLog.objects.filter(author_id__in=ids, written_at__gte=start, written_at__lt=end),
            "author_id",
            logs_on_time=Count("pk", filter=Q(written_at__lte=F("due_at"))),
        )
    )
    merge(
        _grouped(
            Plan.objects.filter(
                salesperson_id__in=ids,
                submitted_to_customer_at__gte=start,
                submitted_to_customer_at__lt=end,
            ),
            "salesperson_id",
            plans_submitted=Count("pk"),
        )
    )
    merge(
        _grouped(
            PlanVersion.objects.filter(
                plan__salesperson_id__in=ids,
                outcome__in=[PlanVersion.Outcome.ACCEPTED, PlanVersion.Outcome.DECLINED],
                outcome_at__gte=start,
                outcome_at__lt=end,
            ),
            "plan__salesperson_id",
            plans_accepted=Count("pk", filter=Q(outcome=PlanVersion.Outcome.ACCEPTED)),
            plans_declined=Count("pk", filter=Q(outcome=PlanVersion.Outcome.DECLINED)),
        )
    )
    signed = _grouped(
        Agreement.objects.filter(
            salesperson_id__in=ids,
            state=AgreementState.SIGNED,
            signed_on__gte=period.start,
            signed_on__lt=period.end,
        ),
        "salesperson_id",
        signed=Count("pk"),
        signed_value=Sum("total"),
        days_to_sign=Sum(F("signed_on") - F("customer__collected_on")),
    )
    for values in signed.values():
        days = values["days_to_sign"]
        values["days_to_sign"] = days.days if isinstance(days, timedelta) else (days or 0)
    merge(signed)
    return found


def report_rows(scope: Scope, period: Period) -> tuple[list[Row], list[Row], Row | None]:
    """(people rows, team rows, company row): people and team totals of the scope."""
    figures = figures_by_person(scope.ids, period)
    rows = [
        Row(
            label=person.get_full_name() or person.username,
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
