"""The customer's thread: escalation and guidance (rules 2.3.2 and 3.3)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import (
    Customer,
    CustomerNote,
)
from customers.services.files import customer_url
from salescrm import notifications, people
from salescrm.errors import DomainError
from salescrm.models import User


def note_add(
    *, customer: Customer, actor: User, kind: str, body: str, now: datetime | None = None
) -> CustomerNote:
    """Add to the customer's thread and tell the other side.

    escalation: the owner asks the manager for help (marks the customer escalated);
    guidance: the manager's advice, to the owner's inbox; comment: a reply.
    """
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise DomainError(_("Write something first."))
    # Decide who hears of it from the file as it is now, not as the caller last saw it.
    customer = Customer.objects.select_related("owner").get(pk=customer.pk)
    owner = customer.owner
    manager = people.manager_of(owner)
    if kind == CustomerNote.Kind.ESCALATION:
        if actor.pk != customer.owner_id:
            raise DomainError(_("Only the owner escalates a customer."))
        recipients = [manager]
    elif kind == CustomerNote.Kind.GUIDANCE:
        if owner is None or not people.manages(actor, owner):
            raise DomainError(_("Only the owner's manager gives guidance."))
        recipients = [owner]
    elif kind == CustomerNote.Kind.COMMENT:
        recipients = [p for p in (owner, manager) if p is not None and p.pk != actor.pk]
    else:
        raise DomainError(_("Unknown kind of note."))
    with transaction.atomic():
        note = CustomerNote.objects.create(
            customer=customer, author=actor, kind=kind, body=body, created_at=now
        )
        if kind == CustomerNote.Kind.ESCALATION:
            locked = Customer.objects.select_for_update().get(pk=customer.pk)
            if locked.escalated_at is None:
                locked.escalated_at = customer.escalated_at = now
                locked.save(update_fields=["escalated_at"])
        elif kind == CustomerNote.Kind.GUIDANCE:
            notifications.resolve(subject=customer, kinds=["escalation"], now=now)
    notifications.notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        params={"customer": customer.name},
        url=customer_url(customer),
        body=body,
        subject=customer,
    )
    return note


def escalation_close(*, customer: Customer, actor: User, now: datetime | None = None) -> None:
    """The manager closes an escalation."""
    if customer.owner is None or not people.manages(actor, customer.owner):
        raise DomainError(_("Only the owner's manager closes an escalation."))
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.escalated_at is None:
            raise DomainError(_("This customer is not escalated."))
        locked.escalated_at = customer.escalated_at = None
        locked.save(update_fields=["escalated_at"])
        notifications.resolve(subject=locked, kinds=["escalation"])
