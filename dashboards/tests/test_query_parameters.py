"""Junk in the query string never breaks a page: the app answers 200 (the junk ignored,
a valid page shown), 400 with a clear message, or 404 -- never 500.

Every view that reads request.GET is here (grep request.GET); each gets every junk value.
The dashboards' tests are the top layer, so they may build records of every app.
"""

import pytest
from django.test import Client
from django.urls import reverse

from contracts.tests.factories import accepted_agreement
from customers.tests.factories import make_customer
from salescrm.testing.mfa import verify_session

JUNK = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "9" * 40},
    {"size": "abc"},
    {"size": "-5"},
    {"week": "garbage"},
    {"week": "0001-01-01"},
    {"week": "9999-12-31"},
    {"week": "2026-02-30"},
    {"before": "garbage"},
    {"before": "0001-01-01T00:00:00+08:00"},
    {"before": "9999-12-31T23:59:59+08:00"},
    {"before": "9999-12-31T23:59:59-14:00"},
    {"sort": "unknown"},
    {"sort": "-__class__"},
    {"state": "unknown"},
    {"tab": "unknown"},
    {"show": "unknown"},
    {"quick": "unknown"},
    {"format": "unknown"},
    {"q": "x" * 5000},
    {"q": "nul\x00byte"},
    {"credit_code": "nul\x00byte"},
    {"owner": "abc"},
    {"owner": "9" * 30},
    {"pipeline_class": "zzz"},
    {"source": "zzz"},
    {"overdue": "maybe"},
    {"contact": "abc"},
    {"contact": "9" * 30},
    {"contact": "١٢"},  # Arabic-Indic digits: isdigit() but not ASCII
    {"next": "//evil.example/"},
    {"period": "custom", "start": "0001-01-01", "end": "9999-12-31"},
    {"period": "custom", "start": "garbage", "end": "2026-02-30"},
    {"period": "unknown"},
    {"month": "0001-01"},
    {"month": "9999-12"},
    {"month": "garbage"},
    {"team": "abc"},
    {"team": "9" * 30},
    {"person": "abc"},
    {"person": "9" * 30},
]


@pytest.fixture
def urls(salesperson, manager, director):
    agreement = accepted_agreement(salesperson, manager)
    customer = agreement.customer
    make_customer(salesperson)
    return {
        "salesperson": [
            reverse("home"),
            reverse("inbox"),
            reverse("search"),
            reverse("customers:list"),
            reverse("customers:export"),
            reverse("customers:timeline", args=[customer.pk]),
            reverse("customers:detail", args=[customer.pk]),
            reverse("customers:my_claims"),
            reverse("visits:list"),
            reverse("visits:create", args=[customer.pk]),
            reverse("contracts:list"),
            reverse("contracts:plans"),
            reverse("contracts:agreements"),
            reverse("receivables:list"),
        ],
        "manager": [
            reverse("home"),
            reverse("customers:list"),
            reverse("customers:checks"),
            reverse("customers:pool"),
            reverse("customers:claims"),
            reverse("customers:reassignment_queue"),
            reverse("customers:board"),
            reverse("visits:list"),
        ],
        "director": [
            reverse("reports:people"),
            reverse("reports:export"),
            reverse("reports:compliance"),
            reverse("reports:dashboard"),
            reverse("reports:channels"),
            reverse("reports:targets"),
            reverse("customers:checks"),
        ],
    }


def test_no_junk_query_parameter_breaks_a_page(urls, salesperson, manager, director):
    people = {"salesperson": salesperson, "manager": manager, "director": director}
    broken = []
    for persona, pages in urls.items():
        client = Client(raise_request_exception=False)
        client.force_login(people[persona])
        verify_session(client, people[persona])  # approvers have passed their second factor
        for url in pages:
            for junk in JUNK:
                response = client.get(url, junk)
                if response.status_code not in (200, 400, 404):
                    broken.append((persona, url, junk, response.status_code))

    assert broken == []


@pytest.mark.parametrize("url", ["search", "visits:list", "contracts:plans", "customers:list"])
def test_a_nul_character_in_the_query_gets_a_clear_400(client_for, salesperson, url):
    response = client_for(salesperson).get(reverse(url), {"q": "nul\x00byte"})

    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()
