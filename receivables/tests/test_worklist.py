from datetime import date
from decimal import Decimal

import pytest

from receivables import worklist
from receivables.tests.factories import confirmed_plan, receipt
from salescrm.testing.time import at
from salescrm.workdays import WorkCalendar

AFTER = at(2027, 3, 16, 9, 0)  # the Friday instalment is overdue


@pytest.fixture
def plan(salesperson, manager):
    return confirmed_plan(
        salesperson,
        instalments=[(date(2027, 3, 12), Decimal("4000")), (date(2027, 4, 12), Decimal("6000"))],
    )


def items(user, now=AFTER):
    return list(worklist.overdue_instalments(user, now, WorkCalendar()))


@pytest.mark.parametrize("persona", ["salesperson", "manager", "finance"])
def test_an_overdue_instalment_is_on_these_worklists(request, plan, persona):
    found = items(request.getfixturevalue(persona))
    assert [item.title for item in found] == [
        f"{plan.agreement.number} · {plan.agreement.customer.name} · #1"
    ]


@pytest.mark.parametrize("persona", ["teammate", "other_manager", "front_desk"])
def test_nobody_else_sees_it(request, plan, persona):
    assert items(request.getfixturevalue(persona)) == []


def test_a_paid_instalment_leaves_the_worklist(plan, salesperson, finance):
    receipt(plan.agreement, finance, "4000.00")
    assert items(salesperson) == []


def test_nothing_is_overdue_before_the_end_of_the_due_day(plan, salesperson):
    assert items(salesperson, now=at(2027, 3, 12, 23, 0)) == []
