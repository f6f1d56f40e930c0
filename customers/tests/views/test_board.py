import pytest
from django.urls import reverse

from customers import services
from customers.models import PipelineClass
from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html, queries_for, shown
from salescrm.tests.factories import UserFactory

BOARD = reverse("customers:board")
CLASSES = list(PipelineClass.values)


def counts_of(response) -> dict:
    """{person: {class value: count}} from the board's table."""
    return {
        person: dict(zip(CLASSES, counts, strict=True))
        for person, counts in response.context["rows"]
    }


def column(response, value) -> list[str]:
    for klass, customers, _total in response.context["columns"]:
        if klass == value:
            return [customer.name for customer in customers]
    raise AssertionError(value)


@pytest.fixture
def pipeline(manager, salesperson, teammate, other_salesperson):
    tracked = make_customer(salesperson, name="Tracked Own")
    services.customer_change_class(
        customer=tracked, actor=salesperson, to_class=PipelineClass.TRACKING, reason="Called"
    )
    make_customer(salesperson, name="New Own")
    make_customer(teammate, name="New Teammate")
    make_customer(other_salesperson, name="New Foreign")
    make_customer(actor=manager, to_pool=True, name="In The Pool")


def test_the_manager_sees_the_teams_pipeline_by_class_and_person(
    client_for, manager, salesperson, teammate, pipeline
):
    response = client_for(manager).get(BOARD)

    assert response.status_code == 200
    counts = counts_of(response)
    assert set(counts) == {salesperson, teammate}
    assert counts[salesperson]["tracking"] == 1
    assert counts[salesperson]["unclassified"] == 1
    assert counts[teammate]["unclassified"] == 1
    assert dict(zip(CLASSES, response.context["totals"], strict=True))["unclassified"] == 2
    assert column(response, "tracking") == ["Tracked Own"]
    page = html(response)
    assert "New Foreign" not in page
    assert "In The Pool" not in page
    assert shown(salesperson) in page


def test_the_director_sees_every_team(
    client_for, director, salesperson, teammate, other_salesperson, pipeline
):
    response = client_for(director).get(BOARD)

    assert response.status_code == 200
    assert set(counts_of(response)) == {salesperson, teammate, other_salesperson}
    assert set(column(response, "unclassified")) == {"New Own", "New Teammate", "New Foreign"}


def test_another_teams_manager_sees_only_their_team(
    client_for, other_manager, other_salesperson, pipeline
):
    response = client_for(other_manager).get(BOARD)

    assert set(counts_of(response)) == {other_salesperson}
    assert "Tracked Own" not in html(response)


@pytest.mark.parametrize("persona", ["salesperson", "front_desk", "admin_user"])
def test_the_board_is_404_for_other_roles(request, client_for, persona, pipeline):
    response = client_for(request.getfixturevalue(persona)).get(BOARD)

    assert response.status_code == 404
    assert "Tracked Own" not in html(response)


def test_the_board_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(BOARD))


def test_the_board_refuses_post(client_for, manager):
    assert client_for(manager).post(BOARD).status_code == 405


def test_a_long_column_links_to_the_full_list(client_for, manager, salesperson):
    for number in range(15):
        make_customer(salesperson, name=f"Long Column {number}")

    response = client_for(manager).get(BOARD)

    assert len(column(response, "unclassified")) == 12
    assert f"{reverse('customers:list')}?pipeline_class=unclassified" in html(response)


def _customers(team, numbers):
    """Customers spread over new salespeople and over the classes."""
    people = [UserFactory(team=team) for _ in range(3)]
    for number in numbers:
        person = people[number % 3]
        customer = make_customer(person, name=f"Board Company {number}")
        to_class = CLASSES[1 + number % 5]  # tracking … letter of intent
        services.customer_change_class(
            customer=customer, actor=person, to_class=to_class, reason="Moved"
        )


@pytest.mark.parametrize("persona", ["manager", "director"])
def test_the_board_runs_the_same_queries_for_5_and_60_customers(request, client_for, team, persona):
    client = client_for(request.getfixturevalue(persona))
    _customers(team, range(5))
    client.get(BOARD)
    few = queries_for(client, BOARD)

    _customers(team, range(5, 60))
    many = queries_for(client, BOARD)

    assert sum(client.get(BOARD).context["totals"]) == 60
    assert few == many
