import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import jobs, selectors, services
from customers.models import Assignment
from customers.tests.factories import make_customer
from salescrm.models import Notification
from salescrm.roles import Role
from salescrm.testing.http import assert_sent_to_login, html, messages_of, queries_for, shown
from salescrm.tests.factories import UserFactory

QUEUE = reverse("customers:reassignment_queue")
HOME = reverse("home")
# Long enough for the one-week first-contact deadline to have passed.
ASSIGNED_AGO = timedelta(days=8)


def reassign_url(customer) -> str:
    return reverse("customers:queue_reassign", kwargs={"pk": customer.pk})


def extend_url(customer) -> str:
    return reverse("customers:queue_extend", kwargs={"pk": customer.pk})


def missed(owner, count=1, *, now=None, **fields):
    """`count` customers of `owner`, assigned 8 days ago, queued by the first-contact job."""
    now = now or timezone.now()
    customers = [make_customer(owner, now=now - ASSIGNED_AGO, **fields) for _ in range(count)]
    jobs.first_contact(now=now)
    for customer in customers:
        customer.refresh_from_db()
    return customers


def queued(client):
    return [customer for customer, _proposed, _choices in client.get(QUEUE).context["rows"]]


def select_of(page: str, customer) -> str:
    """The reassignment <select> of `customer`'s row."""
    match = re.search(rf'id="assignee-{customer.pk}".*?</select>', page, re.DOTALL)
    assert match, f"no reassignment form for {customer}"
    return match.group(0)


def reloaded(customer):
    customer.refresh_from_db()
    return customer


@pytest.fixture
def third(team):
    return UserFactory(username="third", team=team)


@pytest.fixture
def customer(salesperson, teammate):
    (customer,) = missed(salesperson, name="Missed Contact Trading")
    return customer


# --- the queue page -------------------------------------------------------------------------------


def test_the_manager_sees_exactly_the_teams_missed_first_contacts_oldest_miss_first(
    client_for, manager, salesperson, teammate, other_salesperson
):
    now = timezone.now()
    # Filed first, but its week ends last: the order is by the miss, not by the file.
    last = make_customer(salesperson, name="Missed Last", now=now - timedelta(days=7, hours=1))
    (first,) = missed(teammate, name="Missed First", now=now - timedelta(hours=3))
    (second, contacted_late) = missed(salesperson, 2, now=now)
    services.customer_contacted(customer=contacted_late, at=now)
    make_customer(salesperson, name="Still In Its Week")
    missed(other_salesperson, name="Other Team Missed")
    make_customer(actor=manager, to_pool=True, name="Pool Company")

    response = client_for(manager).get(QUEUE)

    assert response.status_code == 200
    assert [customer for customer, _p, _c in response.context["rows"]] == [first, second, last]
    page = html(response)
    for name in ("Still In Its Week", "Other Team Missed", "Pool Company", contacted_late.name):
        assert name not in page
    for customer in (first, second, last):
        assert reverse("customers:detail", kwargs={"pk": customer.pk}) in page


def test_each_row_shows_the_owner_and_the_deadlines(client_for, manager, customer, salesperson):
    page = html(client_for(manager).get(QUEUE))

    assert shown(salesperson) in page
    assert customer.reassignment_due_at is not None
    assert customer.first_contact_missed_at is not None
    assert "Not yet" in page
    assert extend_url(customer) in page
    assert reassign_url(customer) in page


def test_the_proposal_is_pre_selected_and_never_the_current_owner(
    client_for, manager, salesperson, teammate, third
):
    # By load and ability the owner comes first (1 customer / 5), then third (2 / 3), then
    # teammate (1 / 1): the team's general proposal would be the owner.
    salesperson.ability_weight = 5
    salesperson.save(update_fields=["ability_weight"])
    teammate.ability_weight = 1
    teammate.save(update_fields=["ability_weight"])
    make_customer(teammate, name="Teammate Busy")
    make_customer(third, name="Third Busy 1")
    make_customer(third, name="Third Busy 2")
    (customer,) = missed(salesperson)
    assert selectors.proposed_assignee(salesperson.team, now=timezone.now()) == salesperson

    response = client_for(manager).get(QUEUE)

    ((row_customer, proposed, choices),) = response.context["rows"]
    assert row_customer == customer
    assert proposed == third
    assert choices == [teammate, third]
    select = select_of(html(response), customer)
    assert re.search(rf'value="{third.pk}"\s+selected', select)
    assert f'value="{salesperson.pk}"' not in select
    assert f'value="{teammate.pk}"' in select
    assert "(proposed)" in select


def test_the_proposals_spread_the_queue_across_the_team_by_load(
    client_for, manager, salesperson, teammate, third
):
    missed(salesperson, 4)

    rows = client_for(manager).get(QUEUE).context["rows"]

    assert Counter(proposed for _c, proposed, _choices in rows) == {teammate: 2, third: 2}
    assert all(proposed != customer.owner for customer, proposed, _choices in rows)


def test_a_customer_with_no_one_else_in_the_team_has_no_reassignment_form(
    client_for, manager, salesperson
):
    (customer,) = missed(salesperson)

    response = client_for(manager).get(QUEUE)

    ((_customer, proposed, choices),) = response.context["rows"]
    assert proposed is None
    assert choices == []
    assert reassign_url(customer) not in html(response)
    assert "No other salesperson in your team to reassign to." in html(response)


def test_a_customer_the_job_could_not_reassign_stays_for_the_manager(
    client_for, manager, salesperson
):
    (customer,) = missed(salesperson)
    result = jobs.reassignment(now=customer.reassignment_due_at + timedelta(minutes=1))
    assert result["left for the manager"] == 1
    client = client_for(manager)

    page = html(client.get(QUEUE))

    assert queued(client) == [customer]
    assert "Not automatically: no one else in the team" in page
    assert extend_url(customer) in page
    newcomer = UserFactory(username="newcomer", team=salesperson.team)
    ((_customer, proposed, _choices),) = client.get(QUEUE).context["rows"]
    assert proposed == newcomer
    response = client.post(reassign_url(customer), {"assignee": newcomer.pk})
    assert f"Reassigned to {newcomer}." in messages_of(response)
    assert reloaded(customer).owner == newcomer


def test_a_customer_the_job_could_not_reassign_can_be_extended(client_for, manager, salesperson):
    (customer,) = missed(salesperson)
    jobs.reassignment(now=customer.reassignment_due_at + timedelta(minutes=1))

    response = client_for(manager).post(extend_url(customer), {"reason": "Owner back Monday"})

    assert response.url == QUEUE
    assert reloaded(customer).extension_granted_at is not None


def test_the_extension_form_is_hidden_once_an_extension_was_granted(
    client_for, manager, salesperson, teammate, customer
):
    now = timezone.now()
    services.first_contact_extend(customer=customer, actor=manager, reason="Owner was ill", now=now)
    jobs.first_contact(now=now + ASSIGNED_AGO)

    page = html(client_for(manager).get(QUEUE))

    assert customer.name in page
    assert extend_url(customer) not in page
    assert reassign_url(customer) in page
    assert "Owner was ill" in page
    assert "An extension was granted once already: reassign the customer." in page


def test_an_empty_queue_says_so(client_for, manager, salesperson):
    response = client_for(manager).get(QUEUE)

    assert response.context["rows"] == []
    assert "No missed first contacts are waiting." in html(response)


def test_another_teams_manager_sees_only_their_own_team(
    client_for, other_manager, other_salesperson, customer
):
    (own,) = missed(other_salesperson, name="Own Team Missed")

    response = client_for(other_manager).get(QUEUE)

    assert queued(client_for(other_manager)) == [own]
    assert customer.name not in html(response)


def test_a_manager_without_a_team_sees_an_empty_queue(client_for, customer):
    lone = UserFactory(username="lone_manager", role=Role.MANAGER)

    response = client_for(lone).get(QUEUE)

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert customer.name not in html(response)


@pytest.mark.parametrize("persona", ["salesperson", "director", "front_desk", "admin_user"])
def test_the_queue_is_404_for_everyone_but_managers(request, client_for, persona, customer):
    response = client_for(request.getfixturevalue(persona)).get(QUEUE)

    assert response.status_code == 404
    assert customer.name not in html(response)


def test_the_queue_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(QUEUE))


def test_the_queue_refuses_post(client_for, manager):
    assert client_for(manager).post(QUEUE).status_code == 405


def test_the_queue_runs_the_same_queries_for_3_and_25_customers(
    client_for, manager, salesperson, teammate, third
):
    client = client_for(manager)
    missed(salesperson, 2)
    missed(teammate, 1)
    client.get(QUEUE)
    few = queries_for(client, QUEUE)

    missed(salesperson, 11)
    missed(teammate, 11)
    many = queries_for(client, QUEUE)

    assert len(client.get(QUEUE).context["rows"]) == 25
    assert few == many


def test_the_nav_and_the_managers_home_lead_to_the_queue(
    client_for, manager, salesperson, teammate
):
    missed(salesperson, 2)

    page = html(client_for(manager).get(HOME))

    assert f'href="{QUEUE}"' in page
    assert re.search(r'data-testid="reassignment-count">2<', page)
    assert f'href="{QUEUE}"' not in html(client_for(salesperson).get(HOME))


# --- reassigning from the queue -------------------------------------------------------------------


def test_the_manager_reassigns_a_queued_customer_to_the_chosen_salesperson(
    client_for, manager, salesperson, teammate, customer
):
    client = client_for(manager)

    response = client.post(reassign_url(customer), {"assignee": teammate.pk})

    assert response.status_code == 302
    assert response.url == QUEUE
    assert f"Reassigned to {teammate}." in messages_of(response)
    customer = reloaded(customer)
    assert customer.owner == teammate
    assert customer.first_contact_missed_at is None
    assert customer.reassignment_due_at is None
    assert customer.first_contact_due_at > timezone.now()
    assignment = customer.assignments.first()
    assert assignment.reason == Assignment.Reason.REASSIGNED
    assert (assignment.assignee, assignment.previous_owner) == (teammate, salesperson)
    assert assignment.assigned_by == manager
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").exists()
    assert Notification.objects.filter(
        recipient=salesperson, kind="customer_reassigned_away"
    ).exists()
    assert queued(client) == []


def test_reassigning_to_the_current_owner_says_so(client_for, manager, salesperson, customer):
    response = client_for(manager).post(reassign_url(customer), {"assignee": salesperson.pk})

    assert response.url == QUEUE
    assert any("already owns this customer" in m for m in messages_of(response))
    assert reloaded(customer).owner == salesperson


def test_reassigning_to_another_teams_salesperson_is_refused(
    client_for, manager, salesperson, other_salesperson, customer
):
    response = client_for(manager).post(reassign_url(customer), {"assignee": other_salesperson.pk})

    assert "Choose a salesperson of your team." in messages_of(response)
    assert reloaded(customer).owner == salesperson


def test_a_customer_that_left_the_queue_meanwhile_is_not_reassigned(
    client_for, manager, salesperson, teammate, customer
):
    services.customer_contacted(customer=customer, at=timezone.now())

    response = client_for(manager).post(reassign_url(customer), {"assignee": teammate.pk})

    assert "This customer is not waiting in the reassignment queue." in messages_of(response)
    assert reloaded(customer).owner == salesperson


@pytest.mark.parametrize(
    "outsider",
    ["other_manager", "salesperson", "teammate", "director", "front_desk", "admin_user"],
)
def test_others_cannot_reassign_from_the_queue(
    request, client_for, outsider, salesperson, teammate, customer
):
    response = client_for(request.getfixturevalue(outsider)).post(
        reassign_url(customer), {"assignee": teammate.pk}
    )

    assert response.status_code == 404
    assert reloaded(customer).owner == salesperson


def test_a_manager_without_a_team_cannot_reassign(client_for, salesperson, teammate, customer):
    lone = UserFactory(username="lone_manager", role=Role.MANAGER)

    response = client_for(lone).post(reassign_url(customer), {"assignee": teammate.pk})

    assert response.status_code == 404
    assert reloaded(customer).owner == salesperson


def test_reassigning_sends_anonymous_visitors_to_login(client, salesperson, teammate, customer):
    assert_sent_to_login(client.post(reassign_url(customer), {"assignee": teammate.pk}))
    assert reloaded(customer).owner == salesperson


def test_reassigning_is_post_only(client_for, manager, customer):
    assert client_for(manager).get(reassign_url(customer)).status_code == 405


# --- granting an extension ------------------------------------------------------------------------


def test_the_manager_grants_one_extension_with_a_reason(client_for, manager, salesperson, customer):
    client = client_for(manager)

    response = client.post(extend_url(customer), {"reason": "  Owner was at the Canton Fair  "})

    assert response.status_code == 302
    assert response.url == QUEUE
    assert (
        f"Extension granted: {salesperson} has one more week to contact {customer.name}."
        in messages_of(response)
    )
    customer = reloaded(customer)
    assert customer.extension_granted_at is not None
    assert customer.extension_reason == "Owner was at the Canton Fair"
    assert customer.owner == salesperson
    assert customer.first_contact_due_at > timezone.now() + timedelta(days=6)
    assert Notification.objects.filter(
        recipient=salesperson, kind="first_contact_extended"
    ).exists()
    assert queued(client) == []


def test_a_second_click_on_extend_is_refused_with_a_message(
    client_for, manager, salesperson, customer
):
    client = client_for(manager)
    client.post(extend_url(customer), {"reason": "Owner was ill"})
    granted_at = reloaded(customer).extension_granted_at

    response = client.post(extend_url(customer), {"reason": "Again"})

    assert "This customer is not waiting in the reassignment queue." in messages_of(response)
    assert reloaded(customer).extension_granted_at == granted_at


def test_a_second_extension_after_another_miss_is_refused(
    client_for, manager, salesperson, customer
):
    now = timezone.now()
    client = client_for(manager)
    client.post(extend_url(customer), {"reason": "Owner was ill"})
    granted_at = reloaded(customer).extension_granted_at
    jobs.first_contact(now=now + ASSIGNED_AGO)
    assert queued(client) == [customer]

    response = client.post(extend_url(customer), {"reason": "Still ill"})

    assert response.url == QUEUE
    assert "An extension was granted once already: reassign the customer." in messages_of(response)
    customer = reloaded(customer)
    assert customer.extension_granted_at == granted_at
    assert customer.extension_reason == "Owner was ill"
    assert customer.reassignment_due_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_without_a_reason_is_refused(client_for, manager, customer, reason):
    client = client_for(manager)

    response = client.post(extend_url(customer), {"reason": reason})

    assert "Say why the extension is granted." in messages_of(response)
    assert reloaded(customer).extension_granted_at is None
    assert queued(client) == [customer]


@pytest.mark.parametrize(
    "outsider",
    ["other_manager", "salesperson", "teammate", "director", "front_desk", "admin_user"],
)
def test_others_cannot_grant_an_extension(request, client_for, outsider, customer):
    response = client_for(request.getfixturevalue(outsider)).post(
        extend_url(customer), {"reason": "Because"}
    )

    assert response.status_code == 404
    assert reloaded(customer).extension_granted_at is None


def test_extending_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.post(extend_url(customer), {"reason": "Because"}))
    assert reloaded(customer).extension_granted_at is None


def test_extending_is_post_only(client_for, manager, customer):
    assert client_for(manager).get(extend_url(customer)).status_code == 405
