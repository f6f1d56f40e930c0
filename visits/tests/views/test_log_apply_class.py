import pytest
from django.urls import reverse

from customers.models import Customer
from salescrm.testing.http import assert_sent_to_login, html, messages_of
from salescrm.testing.time import local
from visits.models import SlipState
from visits.tests.factories import make_slip_for, write_log


@pytest.fixture
def visited(customer):
    return make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )


def apply_url(slip) -> str:
    return reverse("visits:log_apply_class", kwargs={"pk": slip.log.pk})


def class_of(customer) -> str:
    return Customer.objects.get(pk=customer.pk).pipeline_class


def test_the_slip_offers_the_class_the_log_suggests(client_for, salesperson, visited):
    write_log(visited, suggested_class="potential")

    response = client_for(salesperson).get(reverse("visits:detail", kwargs={"pk": visited.pk}))

    assert apply_url(visited) in html(response)
    assert "Apply class: Potential" in html(response)


def test_the_salesperson_applies_the_suggested_class(client_for, salesperson, customer, visited):
    write_log(visited, suggested_class="potential")

    response = client_for(salesperson).post(apply_url(visited))

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": visited.pk})
    assert messages_of(response) == ["Class changed as the log suggests."]
    assert class_of(customer) == "potential"
    change = Customer.objects.get(pk=customer.pk).class_changes.get()
    assert change.reason == "Suggested by the visit log of 11 Mar 2026"


def test_applying_twice_says_the_customer_is_already_there(
    client_for, salesperson, customer, visited
):
    write_log(visited, suggested_class="potential")
    client = client_for(salesperson)
    client.post(apply_url(visited), follow=True)

    response = client.post(apply_url(visited))

    assert messages_of(response) == ["The customer is already in that class."]
    assert Customer.objects.get(pk=customer.pk).class_changes.count() == 1


def test_a_log_suggesting_no_class_changes_nothing(client_for, salesperson, customer, visited):
    write_log(visited, suggested_class="")

    response = client_for(salesperson).post(apply_url(visited))

    assert messages_of(response) == ["The log suggests no class."]
    assert class_of(customer) == "unclassified"


@pytest.mark.parametrize(
    "outsider",
    [
        "teammate",
        "other_salesperson",
        "manager",
        "other_manager",
        "director",
        "front_desk",
        "admin_user",
    ],
)
def test_outsiders_get_404_and_the_class_stays(request, client_for, customer, visited, outsider):
    write_log(visited, suggested_class="potential")

    response = client_for(request.getfixturevalue(outsider)).post(apply_url(visited))

    assert response.status_code == 404
    assert class_of(customer) == "unclassified"


def test_apply_class_sends_anonymous_visitors_to_login(client, customer, visited):
    write_log(visited, suggested_class="potential")

    assert_sent_to_login(client.post(apply_url(visited)))
    assert class_of(customer) == "unclassified"


def test_apply_class_refuses_get(client_for, salesperson, customer, visited):
    write_log(visited, suggested_class="potential")

    assert client_for(salesperson).get(apply_url(visited)).status_code == 405
    assert class_of(customer) == "unclassified"
