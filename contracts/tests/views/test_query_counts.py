"""The list pages run as many queries for 20 documents as for 3."""

import pytest
from django.urls import reverse

from contracts.models import AgreementState, PlanState
from contracts.tests.factories import make_agreement_in, make_plan_in
from salescrm.testing.http import queries_for

PLAN_STATES = [PlanState.DRAFT, PlanState.IN_REVIEW, PlanState.APPROVED, PlanState.SUBMITTED]
AGREEMENT_STATES = [
    (AgreementState.MANAGER_REVIEW, False),
    (AgreementState.DIRECTOR_REVIEW, True),
    (AgreementState.SIGNED, False),
    (AgreementState.DRAFT, False),
    (AgreementState.APPROVED, True),
]


def make_documents(owners, count, *, customer=None):
    """`count` plans and `count` agreements in a mix of states, shared round `owners`."""
    for number in range(count):
        owner = owners[number % len(owners)]
        make_plan_in(PLAN_STATES[number % len(PLAN_STATES)], owner, customer=customer)
        state, major = AGREEMENT_STATES[number % len(AGREEMENT_STATES)]
        make_agreement_in(state, owner, major=major, customer=customer)


PAGES = {
    "overview": reverse("contracts:list"),
    "plans": reverse("contracts:plans"),
    "agreements": reverse("contracts:agreements"),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_the_page_runs_as_many_queries_for_20_documents_as_for_3(
    request, client_for, salesperson, teammate, other_salesperson, director, persona, page
):
    url = PAGES[page]
    client = client_for(request.getfixturevalue(persona))
    owners = {
        "salesperson": [salesperson],
        "manager": [salesperson, teammate],
        "director": [salesperson, other_salesperson],
    }[persona]
    make_documents(owners, 3)
    client.get(url)
    three = queries_for(client, url)

    make_documents(owners, 17)
    response = client.get(url)
    twenty = queries_for(client, url)

    if page == "overview":
        shown = sum(count for _v, _l, count in response.context["agreement_counts"])
        waiting = len(list(response.context["agreements_to_approve"]))
        assert persona == "salesperson" or waiting >= 4
    else:
        shown = len(response.context["page"].object_list)
    assert shown >= 20
    assert twenty == three


def test_the_customer_file_runs_as_many_queries_for_20_documents_as_for_3(
    client_for, salesperson, director, customer
):
    client = client_for(salesperson)
    url = reverse("customers:detail", kwargs={"pk": customer.pk})
    make_documents([salesperson], 3, customer=customer)
    client.get(url)
    three = queries_for(client, url)

    make_documents([salesperson], 17, customer=customer)
    response = client.get(url)
    twenty = queries_for(client, url)

    (panel,) = [p for p in response.context["panels"] if p.name == "contracts"]
    assert len(panel.context["agreements"]) == 20
    assert twenty == three


def test_the_agreement_edit_page_runs_as_many_queries_for_10_lines_as_for_1(
    client_for, salesperson, manager
):
    """Every line's product list comes from one query, not one per line."""
    from contracts import services
    from contracts.tests.factories import accepted_agreement, agreement_terms, line, make_product

    products = [make_product() for _ in range(5)]
    agreement = accepted_agreement(salesperson, manager)
    url = reverse("contracts:agreement_edit", args=[agreement.pk])
    client = client_for(salesperson)

    def with_lines(count):
        services.agreement_update(
            agreement=agreement,
            actor=salesperson,
            data=agreement_terms(),
            lines=[line(products[n % 5]) for n in range(count)],
        )
        response = client.get(url)
        assert response.content.decode().count('data-testid="line"') == count + 1
        return queries_for(client, url)

    assert with_lines(10) == with_lines(1)
