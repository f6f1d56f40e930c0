"""Receivables' work for the worklist (salescrm.worklist): overdue instalments (逾期)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from receivables import access
from receivables.models import Instalment
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
