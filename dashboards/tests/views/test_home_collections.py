"""The home page's collections card: collected against the collection target, as a chart
with its data table, for the salesperson, manager, director and finance; nobody else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from receivables.tests.factories import confirmed_plan, receipt
from reports.services import set_target
from salescrm.testing.http import queries_for, text_of
from salescrm.tests.factories import UserFactory

HOME = reverse("home")


@pytest.fixture
def collected(salesperson, manager, finance, team):
    today = timezone.localdate()
    plan = confirmed_plan(
        salesperson,
        [(today - timedelta(days=40), Decimal("4000")), (today, Decimal("6000"))],
    )
    receipt(plan.agreement, finance, "3000.00", received_on=today)
    month = today.replace(day=1)
    set_target(actor=manager, month=month, amount=Decimal("6000"), person=salesperson,
               kind="collected")  # fmt: skip
    set_target(actor=manager, month=month, amount=Decimal("12000"), team=team, kind="collected")
    return plan


@pytest.mark.parametrize(
    ("persona", "month_row"),
    [
        ("salesperson", "This month 3000.00 6000.00 50"),
        ("manager", "This month 3000.00 12000.00 25"),
        ("director", "This month 3000.00 12000.00 25"),
        ("finance", "This month 3000.00 12000.00 25"),
        ("teammate", "This month 0.00 0.00 —"),
    ],
)
def test_the_card_shows_collections_against_target(request, client_for, collected, persona,
                                                   month_row):  # fmt: skip
    response = client_for(request.getfixturevalue(persona)).get(HOME)
    assert text_of(response, "collected-month") == month_row
    assert text_of(response, "chart-collected-by-month") is not None
    expected_overdue = "0.00" if persona == "teammate" else "1000.00"
    assert text_of(response, "overdue-total") == expected_overdue


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_no_card_for_those_who_see_no_money(request, client_for, collected, persona):
    response = client_for(request.getfixturevalue(persona)).get(HOME)
    assert response.status_code == 200
    assert text_of(response, "collections-card") is None


def test_the_card_runs_a_constant_number_of_queries(client_for, director, collected, team, finance):
    client = client_for(director)
    few = queries_for(client, HOME)
    for index in range(3):
        seller = UserFactory(username=f"more{index}", team=team)
        plan = confirmed_plan(seller, [(timezone.localdate(), Decimal("10000"))])
        receipt(plan.agreement, finance, "1000.00")
    assert queries_for(client, HOME) == few


def test_a_team_without_its_own_target_has_its_peoples_together(
    client_for, salesperson, teammate, manager, finance
):
    month = timezone.localdate().replace(day=1)
    for person, amount in ((salesperson, "6000"), (teammate, "3000")):
        set_target(actor=manager, month=month, amount=Decimal(amount), person=person,
                   kind="collected")  # fmt: skip
    for persona in (manager, finance):
        response = client_for(persona).get(HOME)
        assert text_of(response, "collected-month") == "This month 0.00 9000.00 0"
    assert text_of(client_for(teammate).get(HOME), "collected-month") == (
        "This month 0.00 3000.00 0"
    )
