"""Customers for the search box in the menu (salescrm.search)."""

from __future__ import annotations

from django.urls import reverse

from customers import access, selectors
from salescrm.models import User
from salescrm.search import Hit


def customers(user: User, text: str, limit: int) -> list[Hit]:
    """Files `user` may open whose name, contact person, phone or credit code matches."""
    found = (
        selectors.search(access.customers_for(user), text)
        .select_related("owner")
        .order_by("name", "pk")[:limit]
    )
    return [
        Hit(
            title=customer.name,
            url=reverse("customers:detail", kwargs={"pk": customer.pk}),
            detail=" · ".join(
                part
                for part in (
                    str(customer.get_pipeline_class_display()),
                    str(customer.owner or ""),
                    customer.city,
                )
                if part
            ),
        )
        for customer in found
    ]
