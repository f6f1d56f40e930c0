"""What a customer file asks of people stops waiting once it is done, for everyone asked."""

from datetime import timedelta

from django.utils import timezone

from customers import jobs, services
from customers.models import CustomerNote
from customers.tests.factories import a_contact_person, complete_fields, make_customer
from salescrm import notifications


def waiting(person, kind):
    return notifications.waiting_for(person).filter(kind=kind).count()


def test_completing_an_overdue_file_resolves_its_notice(salesperson, manager):
    customer = make_customer(salesperson)
    jobs.file_completion(now=customer.completion_due_at + timedelta(hours=1))
    assert waiting(salesperson, "file_overdue") == waiting(manager, "file_overdue") == 1

    services.customer_update(customer=customer, actor=salesperson, data=complete_fields())
    services.contact_person_save(customer=customer, actor=salesperson, data=a_contact_person())

    assert waiting(salesperson, "file_overdue") == waiting(manager, "file_overdue") == 0


def test_the_first_contact_resolves_the_reminder_and_the_miss(salesperson, manager):
    customer = make_customer(salesperson)
    jobs.first_contact(now=customer.first_contact_due_at - timedelta(hours=1))
    jobs.first_contact(now=customer.first_contact_due_at)
    assert waiting(salesperson, "first_contact_reminder") == 1
    assert waiting(manager, "first_contact_missed") == 1

    services.customer_contacted(customer=customer, at=timezone.now())

    assert waiting(salesperson, "first_contact_reminder") == 0
    assert waiting(manager, "first_contact_missed") == 0


def test_reassigning_a_missed_customer_resolves_the_managers_decision(
    salesperson, teammate, manager
):
    customer = make_customer(salesperson)
    jobs.first_contact(now=customer.first_contact_due_at)

    services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    assert waiting(manager, "first_contact_missed") == 0


def test_deciding_a_claim_resolves_it(salesperson, other_salesperson, manager):
    customer = make_customer(salesperson)
    claim = services.claim_file(customer=customer, claimant=other_salesperson, reason="Mine")
    assert waiting(manager, "claim_filed") == 1

    services.claim_decide(claim=claim, actor=manager, transfer=False)

    assert waiting(manager, "claim_filed") == 0


def test_the_returned_file_waits_for_its_owner_until_resubmitted(salesperson, manager):
    customer = make_customer(salesperson)
    services.file_return(customer=customer, actor=manager, reason="Add the phone")
    assert waiting(salesperson, "file_returned") == 1

    services.file_resubmit(customer=customer, actor=salesperson)

    assert waiting(salesperson, "file_returned") == 0
    assert waiting(manager, "file_resubmitted") == 1
    services.files_mark_checked(customers=[customer], actor=manager)
    assert waiting(manager, "file_resubmitted") == 0


def test_guidance_resolves_the_escalation(salesperson, manager):
    customer = make_customer(salesperson)
    services.note_add(
        customer=customer, actor=salesperson, kind=CustomerNote.Kind.ESCALATION, body="Help"
    )
    assert waiting(manager, "escalation") == 1

    services.note_add(
        customer=customer, actor=manager, kind=CustomerNote.Kind.GUIDANCE, body="Call the CFO"
    )

    assert waiting(manager, "escalation") == 0
