"""The customer file lists the customer's plans and agreements; only the owner drafts one."""

import pytest
from django.urls import reverse

from contracts.models import AgreementState, PlanState
from contracts.tests.factories import make_agreement_in, make_plan_in
from contracts.tests.views.helpers import agreement_url, plan_url
from salescrm.testing.http import html, text_of


def detail(customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def draft_link(customer) -> str:
    return reverse("contracts:plan_create", kwargs={"customer_pk": customer.pk})


@pytest.fixture
def documents(salesperson, customer):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson, customer=customer, title="Metro plan")
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson, customer=customer)
    return plan, agreement


def test_the_owner_sees_the_documents_and_may_draft_a_plan(
    client_for, salesperson, customer, documents
):
    plan, agreement = documents

    response = client_for(salesperson).get(detail(customer))

    assert response.status_code == 200
    part = text_of(response, "customer-contracts")
    assert "Metro plan" in part
    assert agreement.number in part
    page = html(response)
    assert plan_url("plan", plan) in page
    assert agreement_url("agreement", agreement) in page
    assert draft_link(customer) in page
    assert "Draft a plan" in page


@pytest.mark.parametrize("persona", ["manager", "director"])
def test_the_manager_and_the_director_see_them_but_draft_nothing(
    request, client_for, customer, documents, persona
):
    _plan, agreement = documents

    response = client_for(request.getfixturevalue(persona)).get(detail(customer))

    assert response.status_code == 200
    part = text_of(response, "customer-contracts")
    assert "Metro plan" in part
    assert agreement.number in part
    assert draft_link(customer) not in html(response)
    assert "Draft a plan" not in html(response)


def test_a_file_without_documents_says_so(client_for, salesperson, customer):
    response = client_for(salesperson).get(detail(customer))

    assert text_of(response, "customer-contracts") == "None yet."
    assert draft_link(customer) in html(response)


def test_other_customers_documents_are_not_listed(client_for, salesperson, customer):
    make_plan_in(PlanState.DRAFT, salesperson, title="Someone else's plan")

    response = client_for(salesperson).get(detail(customer))

    assert text_of(response, "customer-contracts") == "None yet."


def test_the_drafted_plan_link_leads_to_the_form(client_for, salesperson, customer):
    client = client_for(salesperson)

    response = client.get(draft_link(customer))

    assert response.status_code == 200
    assert "Starlight Advertising" in html(response)
