import pytest
from django.urls import reverse

from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html, queries_for
from visits.models import SlipState
from visits.tests.factories import (
    PRE_VISIT_REPORT,
    make_late_slip,
    make_many_slips,
    make_revisit,
    make_slip_for,
)

LIST = reverse("visits:list")


def test_the_salesperson_sees_only_their_own_slips(client_for, salesperson, teammate, customer):
    mine = make_slip_for(customer, SlipState.SUBMITTED)
    make_slip_for(make_customer(teammate, name="Teammate Trading"), SlipState.SUBMITTED)

    response = client_for(salesperson).get(LIST)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert "queue" not in response.context
    page = html(response)
    assert "Starlight Advertising" in page
    assert "Teammate Trading" not in page


def test_the_manager_sees_the_teams_slips_and_not_another_teams(
    client_for, manager, teammate, other_salesperson, customer
):
    mine = make_slip_for(customer)
    teammates = make_slip_for(make_customer(teammate, name="Teammate Trading"))
    make_slip_for(make_customer(other_salesperson, name="Southern Trading"))

    response = client_for(manager).get(LIST)

    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {mine, teammates}
    assert "Southern Trading" not in html(response)


def test_the_director_sees_every_slip(client_for, director, customer, other_salesperson):
    mine = make_slip_for(customer)
    southern = make_slip_for(make_customer(other_salesperson, name="Southern Trading"))

    response = client_for(director).get(LIST)

    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {mine, southern}


@pytest.mark.parametrize("persona", ["teammate", "other_salesperson", "other_manager"])
def test_a_slip_is_not_listed_for_those_outside_it(request, client_for, customer, persona):
    make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(request.getfixturevalue(persona)).get(LIST)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "Starlight Advertising" not in html(response)


@pytest.mark.parametrize("outsider", ["front_desk", "admin_user"])
def test_the_list_is_404_for_the_front_desk_and_the_admin(request, client_for, customer, outsider):
    make_slip_for(customer, SlipState.APPROVED)

    response = client_for(request.getfixturevalue(outsider)).get(LIST)

    assert response.status_code == 404
    assert "Starlight Advertising" not in html(response)


def test_the_list_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(LIST))


def test_the_list_refuses_post(client_for, salesperson):
    assert client_for(salesperson).post(LIST).status_code == 405


def test_the_managers_list_shows_the_approval_queue_with_a_revisits_pre_visit_report(
    client_for, manager, customer, teammate, other_salesperson
):
    revisit = make_revisit(customer, plan="Second visit: close the trial")
    first = make_slip_for(make_customer(teammate, name="Teammate Trading"), SlipState.SUBMITTED)
    make_slip_for(make_customer(teammate, name="Draft Trading"))
    make_slip_for(make_customer(other_salesperson, name="Southern Trading"), SlipState.SUBMITTED)

    response = client_for(manager).get(LIST)

    assert set(response.context["queue"]) == {revisit, first}
    queue = html(response).split('data-testid="late"')[0]
    assert queue.count('data-testid="approval"') == 2
    assert "Second visit: close the trial" in queue
    for text in PRE_VISIT_REPORT.values():
        assert text in queue
    assert reverse("visits:approve", kwargs={"pk": revisit.pk}) in queue
    assert "Draft Trading" not in queue
    assert "Southern Trading" not in queue


def test_the_managers_list_shows_late_returns(client_for, manager, customer, teammate):
    late = make_late_slip(customer)
    make_slip_for(make_customer(teammate, name="On Time Trading"), SlipState.DEPARTED)

    response = client_for(manager).get(LIST)

    assert list(response.context["late"]) == [late]
    assert (
        "Starlight Advertising" in html(response).split('data-testid="late"')[1].split("</ul>")[0]
    )


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_the_list_runs_as_many_queries_for_40_slips_as_for_5(
    request, client_for, salesperson, teammate, persona
):
    client = client_for(request.getfixturevalue(persona))
    owners = [salesperson] if persona == "salesperson" else [salesperson, teammate]
    make_many_slips(owners, 5)
    client.get(LIST)
    five = queries_for(client, LIST)

    make_many_slips(owners, 35)
    response = client.get(LIST)
    forty = queries_for(client, LIST)

    assert len(response.context["page"].object_list) >= 40
    assert forty == five
