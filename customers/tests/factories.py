"""Customers built through the services, so every starting state is a valid one."""

import itertools
from datetime import date

from django.utils import timezone

from customers import identity, services
from customers.models import SourceChannel

_names = itertools.count(1)


def make_customer(owner=None, *, actor=None, to_pool=False, contact_people=(), now=None, **fields):
    """A customer file owned by `owner` (or, with to_pool, in the pool, entered by `actor`)."""
    number = next(_names)
    data = {
        "name": f"Test Company {number}",
        "source": SourceChannel.TRADE_SHOW,
        "collected_on": timezone.localdate(now) if now else timezone.localdate(),
    }
    data.update(fields)
    return services.customer_create(
        actor=actor or owner,
        data=data,
        contact_people=list(contact_people),
        to_pool=to_pool,
        now=now,
    )


def complete_fields() -> dict:
    return {"industry": "Retail", "city": "Shanghai", "needs": "More foot traffic"}


def a_contact_person(**fields) -> services.ContactPersonData:
    data = {"name": "Zhang Wei", "title": "Marketing manager", "phone": "13800138000"}
    data.update(fields)
    return services.ContactPersonData(**data)


def collected(year, month, day) -> date:
    return date(year, month, day)


def credit_code(first17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return first17 + identity.credit_code_check_char(first17)
