"""Reads of contacts, slips and logs, scoped by visits.access, joins declared."""

from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from salescrm import people
from salescrm.models import User
from salescrm.workdays import week_range
from visits import access
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip

SLIP_JOINS = ("customer", "salesperson", "decided_by")


SLIP_SORTS = {
    "": ("-planned_departure", "-pk"),
    "oldest": ("planned_departure", "pk"),
    "customer": ("customer__name", "pk"),
}


def slip_list(user: User, *, q: str = "", state: str = "", sort: str = "") -> QuerySet[VisitSlip]:
    qs = access.slips_for(user).select_related(*SLIP_JOINS)
    if q.strip():
        qs = qs.filter(customer__name__icontains=q.strip())
    if state in SlipState.values:
        qs = qs.filter(state=state)
    return qs.order_by(*SLIP_SORTS.get(sort, SLIP_SORTS[""]))


def approval_queue(manager: User) -> QuerySet[VisitSlip]:
    """Slips waiting for this manager, oldest first, with the customer and the pre-visit report."""
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return VisitSlip.objects.none()
    # The customer's last written log: the manager sees if nobody was met there (rule 2.3.1).
    last_log = VisitLog.objects.filter(
        customer=OuterRef("customer"), written_at__isnull=False
    ).order_by("-written_at", "-pk")
    return (
        VisitSlip.objects.filter(salesperson__team_id=team_id, state=SlipState.SUBMITTED)
        .select_related(*SLIP_JOINS)
        .annotate(
            last_log_met_nobody=Subquery(last_log.values("met_nobody")[:1]),
            last_log_met_nobody_reason=Subquery(last_log.values("met_nobody_reason")[:1]),
        )
        .order_by("submitted_at", "pk")
    )


def late_returns(manager: User, *, now: datetime) -> QuerySet[VisitSlip]:
    """The team's slips still out past the moment they became overdue."""
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return VisitSlip.objects.none()
    return (
        VisitSlip.objects.filter(
            salesperson__team_id=team_id, state=SlipState.DEPARTED, overdue_at__lt=now
        )
        .select_related(*SLIP_JOINS)
        .order_by("overdue_at")
    )


def desk_slips(*, now: datetime) -> QuerySet[VisitSlip]:
    """The desk page: today's approved slips, who is out, who came back."""
    return (
        access.todays_slips(now)
        .filter(state__in=[SlipState.APPROVED, SlipState.DEPARTED, SlipState.RETURNED])
        .select_related("customer", "salesperson")
        .order_by("state", "planned_departure", "pk")
    )


def contact_records(customer) -> QuerySet[ContactRecord]:
    return ContactRecord.objects.filter(customer=customer).select_related("author")


def customer_slips(customer) -> QuerySet[VisitSlip]:
    return (
        VisitSlip.objects.filter(customer=customer)
        .select_related("salesperson")
        .order_by("-planned_departure")
    )


def week_counts(members, *, day: date) -> dict[int, dict]:
    """Per person: visits planned (approved or later, not cancelled) and done this week."""
    start, end = week_range(day, tz=timezone.get_current_timezone())
    rows = (
        VisitSlip.objects.filter(
            salesperson__in=members, planned_departure__gte=start, planned_departure__lt=end
        )
        .values("salesperson_id")
        .annotate(
            planned=Count(
                "pk",
                filter=Q(state__in=[SlipState.APPROVED, SlipState.DEPARTED, SlipState.RETURNED]),
            ),
            done=Count("pk", filter=Q(state=SlipState.RETURNED)),
        )
    )
    return {row["salesperson_id"]: row for row in rows}


def logs_due(user: User) -> QuerySet[VisitLog]:
    return (
        VisitLog.objects.filter(author=user, written_at__isnull=True)
        .select_related("customer", "slip")
        .order_by("due_at")
    )


def my_week(user: User, *, now: datetime) -> dict:
    counts = week_counts([user], day=timezone.localdate(now)).get(user.pk, {})
    return {
        "planned": counts.get("planned", 0),
        "done": counts.get("done", 0),
        "upcoming": VisitSlip.objects.filter(
            salesperson=user, state=SlipState.APPROVED, planned_departure__gte=now
        )
        .select_related("customer")
        .order_by("planned_departure")[:10],
    }


def team_week(manager: User, *, now: datetime) -> list[dict]:
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return []
    members = list(people.salespeople(team=team_id))
    start, end = access.today_bounds(now)
    counts = week_counts(members, day=timezone.localdate(now))
    today = dict(
        VisitSlip.objects.filter(
            salesperson__in=members,
            planned_departure__gte=start,
            planned_departure__lt=end,
            state__in=[SlipState.APPROVED, SlipState.DEPARTED, SlipState.RETURNED],
        )
        .values_list("salesperson_id")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "person": person,
            "today": today.get(person.pk, 0),
            "planned": counts.get(person.pk, {}).get("planned", 0),
            "done": counts.get(person.pk, {}).get("done", 0),
        }
        for person in members
    ]
