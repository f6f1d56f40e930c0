"""Plans and agreements on the customer's timeline (salescrm.timeline)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts import access
from customers.models import Customer
from salescrm.models import User
from salescrm.timeline import Event


def events(user: User, customer: Customer, before: datetime | None, limit: int) -> list[Event]:
    """Plans and agreements drafted that `user` may open, newest first (two queries)."""
    plans = access.plans_for(user).filter(customer=customer).select_related("salesperson")
    agreements = access.agreements_for(user).filter(customer=customer).select_related("salesperson")
    if before:
        plans = plans.filter(created_at__lt=before)
        agreements = agreements.filter(created_at__lt=before)
    found = [
        Event(
            at=plan.created_at,
            what=_("Plan drafted"),
            text=f"{plan.title} · {plan.get_state_display()}",
            who=str(plan.salesperson),
            url=reverse("contracts:plan", kwargs={"pk": plan.pk}),
            key=f"plan-{plan.pk}",
        )
        for plan in plans.order_by("-created_at", "-pk")[:limit]
    ]
    found += [
        Event(
            at=agreement.created_at,
            what=_("Agreement drafted"),
            text=f"{agreement.number} · {agreement.get_state_display()} · {agreement.total}",
            who=str(agreement.salesperson),
            url=reverse("contracts:agreement", kwargs={"pk": agreement.pk}),
            key=f"agreement-{agreement.pk}",
        )
        for agreement in agreements.order_by("-created_at", "-pk")[:limit]
    ]
    return found
