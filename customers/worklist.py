"""The customer file's work for the home page's worklist (salescrm.worklist)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers import selectors
from customers.services import customer_url
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.workdays import END_OF_DAY, WorkCalendar
from salescrm.worklist import SOURCE_LIMIT, WorkItem


def files_to_complete(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The owner's incomplete files, by their completion deadline (rule 1.2)."""
    if not can(user, Capability.SELL):
        return
    for customer in selectors.files_due(user)[:SOURCE_LIMIT]:
        yield WorkItem(
            source="customers.files_to_complete",
            what=_("Complete the file"),
            title=customer.name,
            url=reverse("customers:edit", kwargs={"pk": customer.pk}),
            action=_("Complete"),
            due_at=customer.completion_due_at,
        )


def returned_files(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """Files the manager sent back for correction."""
    if not can(user, Capability.SELL):
        return
    for customer in selectors.returned_files(user).order_by("checked_at", "pk")[:SOURCE_LIMIT]:
        yield WorkItem(
            source="customers.returned_files",
            what=_("Correct the file"),
            title=customer.name,
            url=customer_url(customer),
            action=_("Correct"),
            waiting_since=customer.checked_at,
            detail=customer.check_comment,
        )


def files_to_check(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The team's files waiting for the manager's weekly check (rule 1.2), oldest first."""
    files = (
        selectors.pending_checks(user)
        .select_related("owner")
        .order_by("entered_at", "pk")[:SOURCE_LIMIT]
    )
    for customer in files:
        week = selectors.week_bounds(timezone.localdate(customer.entered_at))[0]
        yield WorkItem(
            source="customers.files_to_check",
            what=_("Check the file"),
            title=f"{customer.name} · {customer.owner}",
            url=f"{reverse('customers:checks')}#week-{week:%Y-%m-%d}",
            action=_("Check"),
            waiting_since=customer.entered_at,
        )


def claims_to_decide(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    for claim in selectors.claims_to_decide(user)[:SOURCE_LIMIT]:
        yield WorkItem(
            source="customers.claims_to_decide",
            what=_("Decide the ownership claim"),
            title=f"{claim.customer.name} · {claim.claimant}",
            url=reverse("customers:claims"),
            action=_("Decide"),
            waiting_since=claim.created_at,
        )


def missed_first_contacts(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The reassignment queue: reassign or extend before the automatic reassignment."""
    if people.managed_team_id(user) is None:
        return
    for customer in selectors.reassignment_queue(user)[:SOURCE_LIMIT]:
        yield WorkItem(
            source="customers.missed_first_contacts",
            what=_("Reassign or extend: first contact missed"),
            title=f"{customer.name} · {customer.owner}",
            url=reverse("customers:reassignment_queue"),
            action=_("Decide"),
            due_at=customer.reassignment_due_at,
            waiting_since=customer.first_contact_missed_at,
        )


def about_to_return(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The owner's customers about to return to the pool for want of follow-up."""
    from customers import recycling

    if not can(user, Capability.SELL):
        return
    rows = list(recycling.about_to_return(user, now=now, calendar=calendar)[:SOURCE_LIMIT])
    dues = recycling.returns_due(rows, now=now, calendar=calendar)
    for customer in rows:
        due = dues.get(customer.pk)
        if due is None:
            continue
        yield WorkItem(
            source="customers.about_to_return",
            what=_("Follow up: returns to the pool"),
            title=customer.name,
            url=customer_url(customer),
            action=_("Follow up"),
            due_at=datetime.combine(due.day, END_OF_DAY, tzinfo=timezone.get_current_timezone()),
            detail=recycling.days_left_text(due),
        )
