"""Two people at once: real transactions in threads against PostgreSQL."""

import threading

import pytest

from customers import services
from customers.models import Customer, IdentityKey, OwnershipClaim
from customers.services import files as file_services
from customers.tests.factories import make_customer
from salescrm.errors import DomainError
from salescrm.testing.threads import run_together


@pytest.fixture
def both_past_the_check(monkeypatch):
    """Hold each thread after its first duplicate check until both have made it.

    So both believe the company is new and race to insert: only the database's
    unique constraint can stop the second.
    """
    barrier = threading.Barrier(2, timeout=10)
    real = file_services.find_duplicate
    seen = threading.local()

    def find_then_wait(keys, **kwargs):
        found = real(keys, **kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return found

    # customer_create and _sync_keys look it up in their own module, not in the package.
    monkeypatch.setattr(file_services, "find_duplicate", find_then_wait)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name_a", "name_b"),
    [("Same Company", "Same Company"), ("远航贸易有限公司", "远航贸易股份有限公司")],
)
def test_two_people_entering_the_same_company_at_once_end_with_one_record(
    both_past_the_check, salesperson, other_salesperson, name_a, name_b
):
    results = run_together(
        lambda: make_customer(salesperson, name=name_a),
        lambda: make_customer(other_salesperson, name=name_b),
    )

    winners = [r for r in results if isinstance(r, Customer)]
    losers = [r for r in results if isinstance(r, services.DuplicateCustomer)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert Customer.objects.count() == 1
    assert losers[0].existing == winners[0]
    assert IdentityKey.objects.filter(kind="name").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_claim_at_once_leave_one_decision(manager, salesperson, teammate):
    claim = services.claim_file(customer=make_customer(salesperson), claimant=teammate, reason="x")

    results = run_together(
        lambda: services.claim_decide(claim=claim, actor=manager, transfer=True),
        lambda: services.claim_decide(claim=claim, actor=manager, transfer=False),
    )

    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1, results
    claim.refresh_from_db()
    assert claim.state in (OwnershipClaim.State.TRANSFERRED, OwnershipClaim.State.KEPT)
    customer = Customer.objects.get()
    expected_owner = teammate if claim.state == OwnershipClaim.State.TRANSFERRED else salesperson
    assert customer.owner == expected_owner
    assert customer.assignments.count() == (2 if expected_owner == teammate else 1)


@pytest.mark.django_db(transaction=True)
def test_two_managers_clicks_assigning_the_same_pool_customer_assign_it_once(
    manager, salesperson, teammate
):
    customer = make_customer(actor=manager, to_pool=True)

    results = run_together(
        lambda: services.customers_assign(
            customers=[customer], actor=manager, assignee=salesperson
        ),
        lambda: services.customers_assign(customers=[customer], actor=manager, assignee=teammate),
    )

    assert sorted(len(r) for r in results) == [0, 1], results
    customer.refresh_from_db()
    assert customer.assignments.count() == 1
    assert customer.owner == customer.assignments.get().assignee
