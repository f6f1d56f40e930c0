"""Plans and agreements for the search box in the menu (salescrm.search)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from contracts import access
from salescrm.models import User
from salescrm.search import Hit


def documents(user: User, text: str, limit: int) -> list[Hit]:
    """Agreements by number (AD2026-0012, or just 0012) and plans by title, that `user`
    may open."""
    agreements = (
        access.agreements_for(user)
        .filter(Q(number__icontains=text.strip()) | Q(title__icontains=text))
        .select_related("customer")
        .order_by("-created_at", "-pk")[:limit]
    )
    plans = (
        access.plans_for(user)
        .filter(title__icontains=text)
        .select_related("customer")
        .order_by("-created_at", "-pk")[:limit]
    )
    hits = [
        Hit(
            title=f"{agreement.number} · {agreement.title}",
            url=reverse("contracts:agreement", kwargs={"pk": agreement.pk}),
            detail=f"{agreement.customer.name} · {agreement.get_state_display()}",
        )
        for agreement in agreements
    ]
    hits += [
        Hit(
            title=plan.title,
            url=reverse("contracts:plan", kwargs={"pk": plan.pk}),
            detail=f"{plan.customer.name} · {plan.get_state_display()}",
        )
        for plan in plans
    ]
    return hits[:limit]
