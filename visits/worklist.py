"""Visits' work for the home page's worklist (salescrm.worklist): first contacts, visit logs,
slips to approve, revise or register."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.workdays import WorkCalendar
from salescrm.worklist import CALENDAR_DAYS, SOURCE_LIMIT, WorkItem
from visits import selectors
from visits.models import SlipState, VisitSlip


def _slip_url(slip: VisitSlip) -> str:
    return reverse("visits:detail", kwargs={"pk": slip.pk})


def first_contacts_due(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """Customers whose one-week first contact is still to make (rule 1.3.3): miss it and
    the customer goes to someone else."""
    if not can(user, Capability.SELL):
        return
    due = Customer.objects.filter(
        owner=user, first_contact_at__isnull=True, first_contact_due_at__isnull=False
    ).order_by("first_contact_due_at", "pk")
    for customer in due[:SOURCE_LIMIT]:
        yield WorkItem(
            source="visits.first_contacts_due",
            what=_("Make the first contact"),
            title=customer.name,
            url=reverse("visits:contact_record_add", kwargs={"customer_pk": customer.pk}),
            action=_("Record a contact"),
            due_at=customer.first_contact_due_at,
            clock=CALENDAR_DAYS,
            phone=customer.phone,
        )


def logs_to_write(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """Visit logs due within their working days of the visit (rule 2.4.5)."""
    if not can(user, Capability.SELL):
        return
    for log in selectors.logs_due(user)[:SOURCE_LIMIT]:
        yield WorkItem(
            source="visits.logs_to_write",
            what=_("Write the visit log"),
            title=log.customer.name,
            url=reverse("visits:log", kwargs={"pk": log.pk}),
            action=_("Write"),
            due_at=log.due_at,
        )


def my_slips(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The salesperson's slips sent back to revise, and those waiting for the manager."""
    if not can(user, Capability.SELL):
        return
    slips = (
        VisitSlip.objects.filter(salesperson=user)
        .filter(state__in=[SlipState.DRAFT, SlipState.SUBMITTED])
        .exclude(state=SlipState.DRAFT, rejection_reason="")
        .select_related("customer")
        .order_by("planned_departure", "pk")
    )
    for slip in slips[:SOURCE_LIMIT]:
        if slip.state == SlipState.DRAFT:
            yield WorkItem(
                source="visits.my_slips",
                what=_("Revise the visit slip"),
                title=slip.customer.name,
                url=_slip_url(slip),
                action=_("Revise"),
                due_at=slip.planned_departure,
                detail=slip.rejection_reason,
            )
        else:
            yield WorkItem(
                source="visits.my_slips",
                what=_("Waiting for your manager's approval"),
                title=slip.customer.name,
                url=_slip_url(slip),
                action=_("Open"),
                waiting_since=slip.submitted_at,
            )


def slips_to_approve(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The team's slips waiting for the manager, due before they were to leave (rule 2.4.1)."""
    for slip in selectors.approval_queue(user)[:SOURCE_LIMIT]:
        yield WorkItem(
            source="visits.slips_to_approve",
            what=_("Approve the visit"),
            title=f"{slip.customer.name} · {slip.salesperson}",
            url=_slip_url(slip),
            action=_("Open"),
            due_at=slip.planned_departure,
            inline=(reverse("visits:approve", kwargs={"pk": slip.pk}), _("Approve")),
            # Rule 2.3.1: the manager sees that the last visit met nobody, and why.
            detail=f"{_('Last visit: met nobody / not known')}: {slip.last_log_met_nobody_reason}"
            if slip.last_log_met_nobody
            else "",
            key=str(slip.pk),
        )


def late_returns(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    for slip in selectors.late_returns(user, now=now)[:SOURCE_LIMIT]:
        yield WorkItem(
            source="visits.late_returns",
            what=_("Not back from the visit"),
            title=f"{slip.customer.name} · {slip.salesperson}",
            url=_slip_url(slip),
            action=_("Open"),
            due_at=slip.overdue_at,
        )


def desk(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The front desk's day: who is to leave, who is out."""
    if not can(user, Capability.RUN_DESK):
        return
    slips = selectors.desk_slips(now=now).exclude(state=SlipState.RETURNED)
    for slip in slips[: SOURCE_LIMIT * 2]:
        leaving = slip.state == SlipState.APPROVED
        yield WorkItem(
            source="visits.desk",
            what=_("To leave") if leaving else _("Out on a visit"),
            title=f"{slip.salesperson} · {slip.customer.name}",
            url=reverse("visits:desk"),
            action=_("Front desk"),
            due_at=slip.planned_departure if leaving else slip.overdue_at,
        )
