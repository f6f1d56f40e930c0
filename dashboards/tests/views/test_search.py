"""The search box in the menu finds customers and agreements the person may open, and
nothing else; a phone number is found however it is typed."""

import pytest
from django.urls import reverse

from contracts.models import AgreementState
from contracts.tests.factories import make_agreement_in
from customers.tests.factories import a_contact_person, make_customer
from salescrm.testing.http import assert_sent_to_login, html, queries_for

SEARCH = reverse("search")


def found(response) -> list[str]:
    return [hit.title for _label, hits in response.context["results"] for hit in hits]


def test_a_phone_typed_differently_finds_the_customer(client_for, salesperson):
    make_customer(salesperson, name="上海远航贸易有限公司", phone="+86 138-1234-5678")

    response = client_for(salesperson).get(SEARCH, {"q": "13812345678"})

    assert found(response) == ["上海远航贸易有限公司"]


def test_a_contact_persons_name_finds_the_customer(client_for, salesperson):
    make_customer(salesperson, name="Acme", contact_people=[a_contact_person(name="王芳")])

    assert found(client_for(salesperson).get(SEARCH, {"q": "王芳"})) == ["Acme"]


def test_nobody_finds_a_customer_they_may_not_open(client_for, salesperson, other_salesperson):
    make_customer(other_salesperson, name="Theirs Trading")

    response = client_for(salesperson).get(SEARCH, {"q": "Theirs"})

    assert found(response) == []
    assert 'data-testid="no-results"' in html(response)


def test_the_manager_finds_the_teams_customers(client_for, manager, salesperson):
    make_customer(salesperson, name="Team Trading")

    assert found(client_for(manager).get(SEARCH, {"q": "Team"})) == ["Team Trading"]


def test_an_agreement_number_finds_the_agreement(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson)

    response = client_for(salesperson).get(SEARCH, {"q": agreement.number[-4:]})

    assert any(title.startswith(agreement.number) for title in found(response))
    assert found(client_for(manager).get(SEARCH, {"q": agreement.number}))


def test_one_character_finds_nothing(client_for, salesperson):
    make_customer(salesperson, name="A Co")

    assert found(client_for(salesperson).get(SEARCH, {"q": "A"})) == []


def test_searching_runs_as_many_queries_for_many_hits_as_for_few(client_for, salesperson):
    client = client_for(salesperson)
    for n in range(2):
        make_customer(salesperson, name=f"Match {n}")
    few = queries_for(client, f"{SEARCH}?q=Match")
    for n in range(2, 12):
        make_customer(salesperson, name=f"Match {n}")

    assert queries_for(client, f"{SEARCH}?q=Match") == few


def test_searching_needs_a_sign_in(client):
    assert_sent_to_login(client.get(SEARCH, {"q": "Acme"}))


@pytest.mark.parametrize("method", ["post", "put"])
def test_searching_is_a_get(client_for, salesperson, method):
    assert getattr(client_for(salesperson), method)(SEARCH).status_code == 405
