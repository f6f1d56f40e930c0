"""Customers built through the services, so every starting state is a valid one."""

import itertools
from datetime import date

from django.utils import timezone

from customers import identity, services
from customers.models import CustomerImport, SourceChannel

_names = itertools.count(1)


def make_customer(
    owner=None,
    *,
    actor=None,
    to_pool=False,
    team_pool=False,
    source_import=None,
    contact_people=(),
    now=None,
    **fields,
):
    """A customer file owned by `owner` (or, with to_pool, in the pool, entered by `actor`;
    with team_pool, in the pool of `actor`'s team)."""
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
        team_pool=team_pool,
        source_import=source_import,
        now=now,
    )


def a_pool_batch(manager, file_name="展会线索.xlsx") -> CustomerImport:
    """The record of an imported lead list, to name as customers' source_import (the import
    itself is tested in customers/tests/imports)."""
    now = timezone.now()
    return CustomerImport.objects.create(
        uploaded_by=manager,
        created_at=now,
        file_name=file_name,
        content=b"",
        to_pool=True,
        status=CustomerImport.Status.IMPORTED,
        imported_at=now,
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
