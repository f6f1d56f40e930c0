"""Plan and agreement lists people work from: a search box, a sort, saved views."""

from django.urls import reverse

from contracts.models import AgreementState, PlanState
from contracts.tests.factories import make_agreement_in, make_plan_in
from customers.tests.factories import make_customer
from salescrm.testing.http import queries_for

AGREEMENTS = reverse("contracts:agreements")
PLANS = reverse("contracts:plans")


def numbers(response):
    return [agreement.number for agreement in response.context["page"].object_list]


def test_the_agreement_list_finds_by_number_and_by_customer(client_for, salesperson):
    acme = make_agreement_in(
        AgreementState.DRAFT, salesperson, customer=make_customer(salesperson, name="Acme")
    )
    other = make_agreement_in(
        AgreementState.DRAFT, salesperson, customer=make_customer(salesperson, name="Zenith")
    )
    client = client_for(salesperson)

    assert numbers(client.get(AGREEMENTS, {"q": acme.number})) == [acme.number]
    assert numbers(client.get(AGREEMENTS, {"q": "zenith"})) == [other.number]


def test_the_agreement_list_sorts_by_number_and_keeps_the_state_filter(client_for, salesperson):
    first = make_agreement_in(AgreementState.DRAFT, salesperson)
    second = make_agreement_in(AgreementState.DRAFT, salesperson)
    make_agreement_in(AgreementState.CANCELLED, salesperson)

    response = client_for(salesperson).get(AGREEMENTS, {"sort": "number", "state": "draft"})

    assert numbers(response) == [first.number, second.number]
    assert "state=draft" in response.context["query"]


def test_an_unknown_sort_falls_back_to_the_newest(client_for, salesperson):
    make_agreement_in(AgreementState.DRAFT, salesperson)

    assert client_for(salesperson).get(AGREEMENTS, {"sort": "password"}).status_code == 200


def test_the_plan_list_finds_by_title(client_for, salesperson):
    make_plan_in(PlanState.DRAFT, salesperson, title="Spring outdoor")
    make_plan_in(PlanState.DRAFT, salesperson, title="Autumn radio")

    response = client_for(salesperson).get(PLANS, {"q": "spring"})

    assert [plan.title for plan in response.context["page"].object_list] == ["Spring outdoor"]


def test_a_searched_and_sorted_list_runs_as_many_queries_for_many_rows_as_for_few(
    client_for, salesperson
):
    client = client_for(salesperson)
    make_agreement_in(AgreementState.DRAFT, salesperson)
    url = f"{AGREEMENTS}?q=AD&sort=customer"
    client.get(url)
    few = queries_for(client, url)
    for _ in range(6):
        make_agreement_in(AgreementState.DRAFT, salesperson)

    assert queries_for(client, url) == few
