"""Channel return: the files each source channel brought in a period, how far they went
(contacted, visited, plan accepted, signed), the signed value, and what the channel cost.

A cohort: the customers *entered* in the period, followed to today. One grouped query over
the customers (the steps are EXISTS on indexed foreign keys) and one over the costs; the
entry days before the daily_figures job's last run come from its ChannelDay rows (the
steps as they stood at that run), so a quarter or a year adds up stored rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts.models import Agreement, AgreementState, PlanVersion
from customers.models import Customer, SourceChannel
from reports.models import ChannelCost, ChannelDay
from reports.periods import Period, add_months
from reports.selectors import stored_through
from salescrm.workdays import local_midnight
from visits.models import SlipState, VisitSlip

ZERO = Decimal("0.00")
STEPS = ["files", "contacted", "visited", "accepted", "signed"]


@dataclass
class ChannelRow:
    channel: str
    label: str
    files: int = 0
    contacted: int = 0
    visited: int = 0
    accepted: int = 0
    signed: int = 0
    value: Decimal = ZERO
    cost: Decimal = ZERO

    def rate(self, step: str) -> int | None:
        """Percent of the previous step that reached `step`."""
        index = STEPS.index(step)
        before = getattr(self, STEPS[index - 1])
        return round(100 * getattr(self, step) / before) if before else None

    @property
    def rates(self) -> list[int | None]:
        return [self.rate(step) for step in STEPS[1:]]

    @property
    def cost_per_signed(self) -> Decimal | None:
        return (self.cost / self.signed).quantize(Decimal("0.01")) if self.signed else None

    @property
    def value_per_yuan(self) -> Decimal | None:
        return (self.value / self.cost).quantize(Decimal("0.01")) if self.cost else None


def cohort(customers: QuerySet, *keys: str) -> QuerySet:
    """How far the customers went, grouped by `keys` (the same definition for the live
    report and for what the daily_figures job stores)."""
    visited = VisitSlip.objects.filter(
        customer=OuterRef("pk"), state__in=[SlipState.DEPARTED, SlipState.RETURNED]
    )
    accepted = PlanVersion.objects.filter(
        plan__customer=OuterRef("pk"), outcome=PlanVersion.Outcome.ACCEPTED
    )
    signed = Agreement.objects.filter(customer=OuterRef("pk"), state=AgreementState.SIGNED)
    signed_value = (
        signed.order_by().values("customer").annotate(value=Sum("total")).values("value")[:1]
    )
    return (
        customers.annotate(signed_value=Coalesce(Subquery(signed_value), ZERO))
        .values(*keys)
        .annotate(
            files=Count("pk"),
            contacted=Count("pk", filter=Q(first_contact_at__isnull=False)),
            visited=Count("pk", filter=Q(Exists(visited))),
            accepted=Count("pk", filter=Q(Exists(accepted))),
            signed=Count("pk", filter=Q(Exists(signed))),
            value=Sum("signed_value"),
        )
        .order_by()
    )


def _add(found: dict, rows) -> None:
    for row in rows:
        totals = found.setdefault(row.pop("source"), dict.fromkeys([*STEPS, "value"], 0))
        for key, value in row.items():
            totals[key] += value or 0


def channel_rows(period: Period, *, owner_ids: list[int] | None = None) -> list[ChannelRow]:
    """One row per source channel (every channel, in the order of the choices).

    The entry days the daily_figures job has stored are added up from ChannelDay (how far
    those files had gone at its last run); the later days are counted live."""
    tz = timezone.get_current_timezone()
    found: dict = {}
    split = period.start
    through = stored_through()
    if through is not None and through >= period.start:
        split = min(period.end, through + timedelta(days=1))
        stored = ChannelDay.objects.filter(day__gte=period.start, day__lt=split)
        if owner_ids is not None:
            stored = stored.filter(person_id__in=owner_ids)
        _add(
            found,
            stored.values("source")
            .annotate(**{key: Sum(key) for key in [*STEPS, "value"]})
            .order_by(),
        )
    if split < period.end:
        start, end = local_midnight(split, tz=tz), local_midnight(period.end, tz=tz)
        customers = Customer.objects.filter(entered_at__gte=start, entered_at__lt=end)
        if owner_ids is not None:
            customers = customers.filter(entered_by_id__in=owner_ids)
        _add(found, cohort(customers, "source"))
    costs = dict(
        ChannelCost.objects.filter(month__gte=period.start.replace(day=1), month__lt=period.end)
        .values("channel")
        .annotate(total=Sum("amount"))
        .values_list("channel", "total")
        .order_by()
    )
    result = []
    for value, label in SourceChannel.choices:
        row = ChannelRow(value, str(label), **found.get(value, {}))
        row.value = row.value or ZERO
        row.cost = costs.get(value) or ZERO
        result.append(row)
    return result


def total_row(rows: list[ChannelRow], label: str) -> ChannelRow:
    total = ChannelRow("", label)
    for row in rows:
        for key in [*STEPS, "value", "cost"]:
            setattr(total, key, getattr(total, key) + getattr(row, key))
    return total


def months_of(period: Period) -> list:
    """The first days of the months a period touches (costs are by month)."""
    months, month = [], period.start.replace(day=1)
    while month < period.end:
        months.append(month)
        month = add_months(month, 1)
    return months
