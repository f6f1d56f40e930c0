"""Assignment, reassignment, deactivation and ownership claims (services.ownership)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import services
from customers.models import Assignment, Customer, OwnershipClaim
from customers.tests.factories import make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.services import user_deactivate
from salescrm.testing.time import at
from salescrm.tests.factories import UserFactory

# --- assignment ----------------------------------------------------------------------------------


def test_the_manager_assigns_pool_customers_to_a_team_member(manager, salesperson):
    customers = [make_customer(actor=manager, to_pool=True) for _ in range(2)]
    now = at(2026, 3, 9, 9, 0)

    done = services.customers_assign(
        customers=customers, actor=manager, assignee=salesperson, now=now
    )

    assert set(done) == {c.pk for c in customers}
    for customer in customers:
        customer.refresh_from_db()
        assert customer.owner == salesperson
        assert customer.first_contact_due_at == now + timedelta(days=7)
        assert customer.assignments.get().reason == Assignment.Reason.MANAGER
    assert Notification.objects.filter(recipient=salesperson, kind="customer_assigned").count() == 2


def test_a_manager_cannot_assign_to_another_team(manager, other_salesperson):
    customer = make_customer(actor=manager, to_pool=True)

    with pytest.raises(DomainError):
        services.customers_assign(customers=[customer], actor=manager, assignee=other_salesperson)
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_salesperson_cannot_assign(manager, salesperson):
    customer = make_customer(actor=manager, to_pool=True)

    with pytest.raises(DomainError):
        services.customers_assign(customers=[customer], actor=salesperson, assignee=salesperson)


def test_a_customer_someone_already_assigned_is_left_alone(manager, salesperson, teammate):
    customer = make_customer(actor=manager, to_pool=True)
    services.customers_assign(customers=[customer], actor=manager, assignee=salesperson)

    done = services.customers_assign(customers=[customer], actor=manager, assignee=teammate)

    assert done == {}
    customer.refresh_from_db()
    assert customer.owner == salesperson


def test_a_balanced_batch_follows_ability(manager, team):
    strong = UserFactory(team=team, ability_weight=3, username="strong")
    weak = UserFactory(team=team, ability_weight=1, username="weak")
    customers = [make_customer(actor=manager, to_pool=True) for _ in range(8)]

    done = services.customers_assign(customers=customers, actor=manager)

    given = list(done.values())
    assert given.count(strong) == 6
    assert given.count(weak) == 2


def test_the_proposal_prefers_the_lower_load_by_ability(manager, team):
    from customers.selectors import proposed_assignee

    busy = UserFactory(team=team, ability_weight=1, username="busy")
    free = UserFactory(team=team, ability_weight=1, username="free")
    make_customer(busy)

    assert proposed_assignee(team, now=timezone.now()) == free


def test_deactivating_a_user_returns_their_customers_to_the_pool(admin_user, salesperson):
    customers = [make_customer(salesperson) for _ in range(3)]

    replies = user_deactivate(user=salesperson, actor=admin_user)

    assert replies == [f"{salesperson}: 3 customers went back to the pool."]
    salesperson.refresh_from_db()
    assert salesperson.is_active is False
    for customer in customers:
        customer.refresh_from_db()
        assert customer.owner is None
        assert customer.assignments.first().reason == Assignment.Reason.TO_POOL
        # Into the pool of the team they left, whose manager knows them.
        assert customer.pool_team_id == salesperson.team_id


def test_deactivating_an_inactive_user_again_changes_nothing(admin_user, salesperson):
    make_customer(salesperson)
    user_deactivate(user=salesperson, actor=admin_user)

    assert user_deactivate(user=salesperson, actor=admin_user) == []
    assert Assignment.objects.filter(reason=Assignment.Reason.TO_POOL).count() == 1


def test_reassigning_moves_the_customer_and_tells_both(manager, salesperson, teammate):
    customer = make_customer(salesperson)

    services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    customer.refresh_from_db()
    assert customer.owner == teammate
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").exists()
    assert Notification.objects.filter(
        recipient=salesperson, kind="customer_reassigned_away"
    ).exists()


# --- claims --------------------------------------------------------------------------------------


def test_a_claim_waits_for_the_owners_manager(
    manager, salesperson, other_salesperson, other_manager
):
    customer = make_customer(salesperson)

    claim = services.claim_file(
        customer=customer, claimant=other_salesperson, reason="Met them first"
    )

    assert claim.state == OwnershipClaim.State.PENDING
    assert claim.owner_at_claim == salesperson
    told = set(Notification.objects.filter(kind="claim_filed").values_list("recipient", flat=True))
    assert told == {manager.pk}
    assert services.claim_can_decide(manager, claim)
    assert not services.claim_can_decide(other_manager, claim)


def test_one_pending_claim_per_person(salesperson, teammate):
    customer = make_customer(salesperson)
    services.claim_file(customer=customer, claimant=teammate, reason="Mine")

    with pytest.raises(DomainError):
        services.claim_file(customer=customer, claimant=teammate, reason="Mine again")


def test_the_owner_cannot_claim_their_own_customer(salesperson):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.claim_file(customer=customer, claimant=salesperson, reason="x")


def test_keeping_the_owner_is_final(manager, salesperson, teammate):
    customer = make_customer(salesperson)
    claim = services.claim_file(customer=customer, claimant=teammate, reason="Mine")

    services.claim_decide(claim=claim, actor=manager, transfer=False, comment="First record wins")

    claim.refresh_from_db()
    customer.refresh_from_db()
    assert claim.state == OwnershipClaim.State.KEPT
    assert claim.decided_by == manager
    assert customer.owner == salesperson
    with pytest.raises(DomainError):
        services.claim_decide(claim=claim, actor=manager, transfer=True)


def test_transferring_gives_the_claimant_the_customer_and_settles_other_claims(
    manager, salesperson, teammate
):
    customer = make_customer(salesperson)
    third = UserFactory(team=manager.team, username="third")
    claim = services.claim_file(customer=customer, claimant=teammate, reason="Mine")
    other = services.claim_file(customer=customer, claimant=third, reason="No, mine")

    services.claim_decide(claim=claim, actor=manager, transfer=True)

    customer.refresh_from_db()
    other.refresh_from_db()
    assert customer.owner == teammate
    assert customer.assignments.first().reason == Assignment.Reason.CLAIM
    assert other.state == OwnershipClaim.State.KEPT


def test_another_teams_manager_cannot_decide(salesperson, teammate, other_manager):
    claim = services.claim_file(customer=make_customer(salesperson), claimant=teammate, reason="x")

    with pytest.raises(DomainError):
        services.claim_decide(claim=claim, actor=other_manager, transfer=True)
    claim.refresh_from_db()
    assert claim.state == OwnershipClaim.State.PENDING


def test_a_bulk_assignment_runs_the_same_queries_for_3_and_30_customers(manager, salesperson):
    def queries_to_assign(count: int) -> int:
        customers = [make_customer(actor=manager, to_pool=True) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            services.customers_assign(customers=customers, actor=manager, assignee=salesperson)
        assert {c.owner_id for c in Customer.objects.filter(pk__in=[c.pk for c in customers])} == {
            salesperson.pk
        }
        return len(captured)

    assert queries_to_assign(3) == queries_to_assign(30)
    assert Assignment.objects.filter(reason=Assignment.Reason.MANAGER).count() == 33
    assert Customer.history.filter(history_change_reason="owner: manager").count() == 33


def test_a_claim_on_a_customer_of_a_teams_pool_is_that_teams_managers_to_decide(
    manager, salesperson, other_manager, other_salesperson
):
    theirs = make_customer(actor=other_manager, to_pool=True, team_pool=True, name="Their Lead")

    claim = services.claim_file(customer=theirs, claimant=salesperson, reason="Met them first")

    assert Notification.objects.filter(recipient=other_manager, kind="claim_filed").exists()
    assert not Notification.objects.filter(recipient=manager, kind="claim_filed").exists()
    assert not services.claim_can_decide(manager, claim)
    with pytest.raises(DomainError):
        services.claim_decide(claim=claim, actor=manager, transfer=True)
    theirs.refresh_from_db()
    assert theirs.owner is None
    services.claim_decide(claim=claim, actor=other_manager, transfer=False)
