"""Customer pages, exports and downloads are never kept by a browser or proxy cache, and
an outsider gets the site's 404 page (contracts is the lowest layer that sees both)."""

import pytest
from django.urls import reverse

from contracts.tests.factories import accepted_agreement, approved_plan
from customers.tests.factories import make_customer
from salescrm.testing.http import html, inline_code


def test_an_outsider_gets_the_same_404_page_for_a_customer_of_another_team(
    client_for, salesperson, other_salesperson
):
    customer = make_customer(other_salesperson)

    response = client_for(salesperson).get(reverse("customers:detail", args=[customer.pk]))

    assert response.status_code == 404
    assert "Page not found" in html(response)
    assert customer.name not in html(response)


@pytest.fixture
def pages(salesperson, manager):
    customer = make_customer(salesperson)
    plan = approved_plan(salesperson, manager, customer=customer)
    agreement = accepted_agreement(salesperson, manager)
    return [
        reverse("home"),
        reverse("customers:list"),
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
        reverse("customers:timeline", args=[customer.pk]) + "?before=2100-01-01T00:00:00%2B08:00",
        reverse("customers:export") + "?format=csv",
        reverse("customers:export") + "?format=xlsx",
        reverse("customers:import_template", args=["csv"]),
        reverse("customers:import_template", args=["xlsx"]),
        reverse("contracts:plan", args=[plan.pk]),
        reverse("contracts:plan_print", args=[plan.pk]),
        reverse("contracts:plan_pdf", args=[plan.pk]),
        reverse("contracts:agreement", args=[agreement.pk]),
        reverse("contracts:agreement_pdf", args=[agreement.pk]),
    ]


def test_customer_pages_exports_and_downloads_are_never_stored(client_for, salesperson, pages):
    client = client_for(salesperson)

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_customer_and_contract_pages_have_no_inline_code(client_for, salesperson, pages):
    client = client_for(salesperson)
    for url in pages:
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            assert "script-src 'self'" in response["Content-Security-Policy"], url
            assert inline_code(response.content.decode()) == [], url
