from collections import Counter

import pytest
from django.urls import reverse

from customers import services
from customers.models import Assignment, Customer
from customers.tests.factories import make_customer
from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, html, messages_of, queries_for, shown

POOL = reverse("customers:pool")
ASSIGN = reverse("customers:pool_assign")


def detail(customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def reassign_url(customer) -> str:
    return reverse("customers:reassign", kwargs={"pk": customer.pk})


def owner_of(customer):
    customer.refresh_from_db()
    return customer.owner


@pytest.fixture
def pooled(manager):
    return [make_customer(actor=manager, to_pool=True, name=f"Pool Company {n}") for n in range(4)]


# --- the pool page --------------------------------------------------------------------------------


def test_a_salesperson_sees_pool_customers_by_name_only(client_for, salesperson, pooled):
    response = client_for(salesperson).get(POOL)

    assert response.status_code == 200
    assert response.context["can_assign"] is False
    page = html(response)
    assert all(customer.name in page for customer in pooled)
    assert not any(detail(customer) in page for customer in pooled)
    assert ASSIGN not in page
    assert 'name="customers"' not in page


def test_the_manager_sees_the_pool_with_the_assign_form_and_team_loads(
    client_for, manager, salesperson, teammate, other_salesperson, pooled
):
    response = client_for(manager).get(POOL)

    assert response.status_code == 200
    assert response.context["can_assign"] is True
    page = html(response)
    assert ASSIGN in page
    assert all(detail(customer) in page for customer in pooled)
    assert [person for person, _load in response.context["loads"]] == sorted(
        [salesperson, teammate], key=lambda person: person.username
    )
    assert response.context["proposed"] in (salesperson, teammate)
    assignable = list(response.context["form"].fields["assignee"].queryset)
    assert other_salesperson not in assignable
    assert shown(other_salesperson) not in page


def test_the_director_sees_the_pool_with_links_but_cannot_assign(client_for, director, pooled):
    response = client_for(director).get(POOL)

    assert response.status_code == 200
    assert response.context["can_assign"] is False
    assert detail(pooled[0]) in html(response)
    assert ASSIGN not in html(response)


def test_the_pool_holds_only_unowned_customers(client_for, manager, salesperson, pooled):
    make_customer(salesperson, name="Owned Company")

    response = client_for(manager).get(POOL)

    assert {c.name for c in response.context["page"].object_list} == {c.name for c in pooled}


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_the_pool_is_404_for_front_desk_and_administrator(request, client_for, persona, pooled):
    response = client_for(request.getfixturevalue(persona)).get(POOL)

    assert response.status_code == 404
    assert "Pool Company" not in html(response)


def test_the_pool_sends_anonymous_visitors_to_login(client, pooled):
    assert_sent_to_login(client.get(POOL))


def test_the_pool_refuses_post(client_for, manager):
    assert client_for(manager).post(POOL).status_code == 405


def _pool(manager, numbers):
    for number in numbers:
        make_customer(actor=manager, to_pool=True, name=f"Query Pool Company {number}")


@pytest.mark.parametrize("persona", ["manager", "salesperson"])
def test_the_pool_runs_the_same_queries_for_5_and_60_customers(
    request, client_for, manager, salesperson, teammate, persona
):
    client = client_for(request.getfixturevalue(persona))
    url = f"{POOL}?size=100"
    _pool(manager, range(5))
    client.get(url)
    few = queries_for(client, url)

    _pool(manager, range(5, 60))
    many = queries_for(client, url)

    assert len(client.get(url).context["page"].object_list) == 60
    assert few == many


# --- assigning from the pool ----------------------------------------------------------------------


def test_the_manager_assigns_ticked_customers_to_a_chosen_salesperson(
    client_for, manager, salesperson, teammate, pooled
):
    ticked = pooled[:3]

    response = client_for(manager).post(
        ASSIGN, {"customers": [c.pk for c in ticked], "assignee": teammate.pk}
    )

    assert response.status_code == 302
    assert response.url == POOL
    assert "3 customers assigned." in messages_of(response)
    assert [owner_of(c) for c in ticked] == [teammate] * 3
    assert owner_of(pooled[3]) is None
    for customer in ticked:
        customer.refresh_from_db()
        assert customer.first_contact_due_at is not None
    assert Assignment.objects.filter(assignee=teammate, assigned_by=manager).count() == 3
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").count() == 3


def test_the_manager_assigns_balanced_across_the_team(
    client_for, manager, salesperson, teammate, pooled
):
    response = client_for(manager).post(
        ASSIGN, {"customers": [c.pk for c in pooled], "assignee": ""}
    )

    assert "4 customers assigned." in messages_of(response)
    owners = Counter(owner_of(c) for c in pooled)
    assert owners == {salesperson: 2, teammate: 2}


def test_balanced_assignment_favours_the_less_loaded_salesperson(
    client_for, manager, salesperson, teammate, pooled
):
    for number in range(6):
        make_customer(salesperson, name=f"Busy Company {number}")

    client_for(manager).post(ASSIGN, {"customers": [c.pk for c in pooled]})

    assert Counter(owner_of(c) for c in pooled) == {teammate: 4}


def test_a_customer_assigned_by_someone_else_meanwhile_is_left_alone_with_a_warning(
    client_for, manager, other_manager, salesperson, other_salesperson, pooled
):
    first, second = pooled[:2]
    services.customers_assign(customers=[first], actor=other_manager, assignee=other_salesperson)

    response = client_for(manager).post(
        ASSIGN, {"customers": [first.pk, second.pk], "assignee": salesperson.pk}
    )

    assert response.status_code == 302
    shown_messages = messages_of(response)
    assert "1 customers assigned." in shown_messages
    assert "1 were no longer in the pool and were left alone." in shown_messages
    assert owner_of(first) == other_salesperson
    assert owner_of(second) == salesperson


def test_the_warning_is_a_warning_message(client_for, manager, salesperson, teammate, pooled):
    services.customers_assign(customers=[pooled[0]], actor=manager, assignee=teammate)

    response = client_for(manager).post(
        ASSIGN, {"customers": [pooled[0].pk], "assignee": salesperson.pk}, follow=True
    )

    levels = {str(m): m.tags for m in response.context["messages"]}
    assert levels["1 were no longer in the pool and were left alone."] == "warning"
    assert owner_of(pooled[0]) == teammate


def test_an_owned_customer_of_another_team_cannot_be_taken_through_the_pool_form(
    client_for, manager, salesperson, other_salesperson
):
    foreign = make_customer(other_salesperson, name="Foreign Owned")

    client_for(manager).post(ASSIGN, {"customers": [foreign.pk], "assignee": salesperson.pk})

    assert owner_of(foreign) == other_salesperson


def test_the_manager_cannot_assign_to_another_teams_salesperson(
    client_for, manager, other_salesperson, pooled
):
    response = client_for(manager).post(
        ASSIGN, {"customers": [pooled[0].pk], "assignee": other_salesperson.pk}
    )

    assert "Choose the customers to assign." in messages_of(response)
    assert owner_of(pooled[0]) is None


def test_assigning_nothing_says_so(client_for, manager, pooled):
    response = client_for(manager).post(ASSIGN, {"assignee": ""})

    assert "Choose the customers to assign." in messages_of(response)
    assert Customer.objects.filter(owner__isnull=True).count() == 4


@pytest.mark.parametrize("persona", ["salesperson", "director", "front_desk", "admin_user"])
def test_other_roles_cannot_assign(request, client_for, persona, salesperson, pooled):
    response = client_for(request.getfixturevalue(persona)).post(
        ASSIGN, {"customers": [c.pk for c in pooled], "assignee": salesperson.pk}
    )

    assert response.status_code == 404
    assert Customer.objects.filter(owner__isnull=True).count() == 4


def test_assigning_sends_anonymous_visitors_to_login(client, salesperson, pooled):
    assert_sent_to_login(client.post(ASSIGN, {"customers": [pooled[0].pk]}))
    assert owner_of(pooled[0]) is None


def test_assigning_is_post_only(client_for, manager):
    assert client_for(manager).get(ASSIGN).status_code == 405


# --- reassigning an owned customer ----------------------------------------------------------------


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Reassign Trading")


def test_the_manager_reassigns_a_customer_within_the_team(
    client_for, manager, salesperson, teammate, customer
):
    response = client_for(manager).post(reassign_url(customer), {"assignee": teammate.pk})

    assert response.status_code == 302
    assert response.url == detail(customer)
    assert owner_of(customer) == teammate
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").exists()
    assert Notification.objects.filter(
        recipient=salesperson, kind="customer_reassigned_away"
    ).exists()
    assert client_for(salesperson).get(detail(customer)).status_code == 404


def test_reassigning_to_the_current_owner_says_so(client_for, manager, salesperson, customer):
    response = client_for(manager).post(reassign_url(customer), {"assignee": salesperson.pk})

    assert any("already owns this customer" in m for m in messages_of(response))
    assert owner_of(customer) == salesperson


def test_reassigning_to_another_teams_salesperson_is_refused(
    client_for, manager, salesperson, other_salesperson, customer
):
    response = client_for(manager).post(reassign_url(customer), {"assignee": other_salesperson.pk})

    assert "Choose a salesperson of your team." in messages_of(response)
    assert owner_of(customer) == salesperson


@pytest.mark.parametrize(
    "outsider",
    ["other_manager", "salesperson", "teammate", "director", "front_desk", "admin_user"],
)
def test_others_cannot_reassign(request, client_for, teammate, salesperson, customer, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(
        reassign_url(customer), {"assignee": teammate.pk}
    )

    assert response.status_code == 404
    assert owner_of(customer) == salesperson


def test_reassigning_sends_anonymous_visitors_to_login(client, teammate, customer):
    assert_sent_to_login(client.post(reassign_url(customer), {"assignee": teammate.pk}))


def test_reassigning_is_post_only(client_for, manager, customer):
    assert client_for(manager).get(reassign_url(customer)).status_code == 405
