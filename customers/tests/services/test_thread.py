"""Escalation and guidance (services.thread)."""

import pytest

from customers import services
from customers.models import Customer, CustomerNote
from customers.tests.factories import make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification


def test_an_escalation_reaches_the_manager_and_marks_the_customer(manager, salesperson):
    customer = make_customer(salesperson)

    services.note_add(
        customer=customer, actor=salesperson, kind="escalation", body="Big account, help"
    )

    customer.refresh_from_db()
    assert customer.escalated_at is not None
    assert Notification.objects.filter(recipient=manager, kind="escalation").exists()


def test_guidance_lands_in_the_owners_inbox(manager, salesperson):
    customer = make_customer(salesperson)

    services.note_add(customer=customer, actor=manager, kind="guidance", body="Call the CMO")

    note = Notification.objects.get(recipient=salesperson, kind="guidance")
    assert note.body == "Call the CMO"
    assert CustomerNote.objects.get().kind == CustomerNote.Kind.GUIDANCE


def test_only_the_owners_manager_gives_guidance(salesperson, other_manager, teammate):
    customer = make_customer(salesperson)

    for actor in (other_manager, teammate):
        with pytest.raises(DomainError):
            services.note_add(customer=customer, actor=actor, kind="guidance", body="x")


def test_the_manager_closes_an_escalation(manager, salesperson):
    customer = make_customer(salesperson)
    services.note_add(customer=customer, actor=salesperson, kind="escalation", body="Help")

    services.escalation_close(customer=customer, actor=manager)

    customer.refresh_from_db()
    assert customer.escalated_at is None
    with pytest.raises(DomainError):
        services.escalation_close(customer=customer, actor=manager)


def test_a_note_goes_to_the_current_owner_not_a_stale_one(manager, salesperson, teammate):
    customer = make_customer(salesperson)
    stale = Customer.objects.get(pk=customer.pk)
    services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    services.note_add(customer=stale, actor=manager, kind="guidance", body="Call them")

    assert Notification.objects.filter(recipient=teammate, kind="guidance").exists()
    assert not Notification.objects.filter(recipient=salesperson, kind="guidance").exists()
