"""Receivables' work for the worklist (salescrm.worklist): overdue instalments (逾期)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from receivables import access
from receivables.models import CollectionPlan, Instalment, PlanState, Receipt, ReceiptState
from receivables.services import money_url
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can_any
from salescrm.workdays import WorkCalendar
from salescrm.worklist import SOURCE_LIMIT, WorkItem


def overdue_instalments(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """For the salesperson, their manager and finance: money past its due day."""
    if not (can_any(user, Capability.SELL, Capability.COLLECT) or people.managed_team_id(user)):
        return
    due = (
        Instalment.objects.overdue(now)
        .filter(access.scope_q(user, "plan__agreement__"))
        .select_related("plan__agreement__customer")
        .order_by("due_at", "pk")
    )
    for instalment in due[:SOURCE_LIMIT]:
        agreement = instalment.plan.agreement
        yield WorkItem(
            source="receivables.overdue_instalments",
            what=_("Collect the overdue instalment"),
            title=f"{agreement.number} · {agreement.customer.name} · #{instalment.number}",
            url=money_url(agreement),
            action=_("Open"),
            due_at=instalment.due_at,
        )


def plans_to_confirm(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """For a manager: the proposed collection plans of their team, waiting for them."""
    team_id = people.managed_team_id(user)
    if team_id is None:
        return
    waiting = (
        CollectionPlan.objects.filter(
            state=PlanState.DRAFT, agreement__salesperson__team_id=team_id
        )
        .exclude(agreement__salesperson=user)
        .select_related("agreement__customer")
        .order_by("created_at", "pk")
    )
    for plan in waiting[:SOURCE_LIMIT]:
        yield WorkItem(
            source="receivables.plans_to_confirm",
            what=_("Confirm the collection plan"),
            title=f"{plan.agreement.number} · {plan.agreement.customer.name}",
            url=money_url(plan.agreement),
            action=_("Open"),
            waiting_since=plan.created_at,
        )


def receipts_to_confirm(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """For finance: receipts recorded and not yet confirmed (they do not count until then)."""
    if not can_any(user, Capability.COLLECT):
        return
    waiting = (
        Receipt.objects.filter(state=ReceiptState.RECORDED)
        .select_related("agreement__customer")
        .order_by("recorded_at", "pk")
    )
    for receipt in waiting[:SOURCE_LIMIT]:
        yield WorkItem(
            source="receivables.receipts_to_confirm",
            what=_("Confirm the receipt"),
            title=f"{receipt.agreement.number} · {receipt.agreement.customer.name}",
            url=money_url(receipt.agreement),
            action=_("Open"),
            waiting_since=receipt.recorded_at,
        )
