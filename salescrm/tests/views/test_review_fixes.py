"""Edges found in review: a manager without a team, odd digits in ids, the front desk's view."""

from django.urls import reverse

from customers.tests.factories import make_customer
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory


def teamless_manager():
    return UserFactory(username="teamless", role=Role.MANAGER, team=None)


def test_a_manager_without_a_team_sees_no_ones_files_to_check_or_claims(
    client_for, salesperson, db
):
    make_customer(salesperson)
    client = client_for(teamless_manager())

    assert client.get(reverse("customers:checks")).context["groups"] == []
    assert list(client.get(reverse("customers:claims")).context["claims"]) == []
    assert client.get(reverse("customers:pool")).context["loads"] == []
    assert client.post(reverse("customers:check_mark"), {"customers": []}).status_code == 404


def test_unusual_digits_in_ids_are_refused_without_an_error(client_for, salesperson):
    client = client_for(salesperson)

    response = client.post(reverse("inbox_mark_read"), {"notification": ["²", "1"]})
    assert response.status_code == 302
    customer = make_customer(salesperson)
    response = client.get(reverse("visits:create", args=[customer.pk]) + "?contact=²")
    assert response.status_code == 200
