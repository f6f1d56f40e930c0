from datetime import date
from decimal import Decimal

import pytest

from receivables import services, worklist
from receivables.tests.factories import confirmed_plan, plan_of, receipt, signed_agreement
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


def test_the_manager_is_asked_to_confirm_a_proposed_plan(salesperson, manager, other_manager):
    plan = plan_of(signed_agreement(salesperson))
    now = at(2027, 1, 4, 9, 0)
    found = list(worklist.plans_to_confirm(manager, now, WorkCalendar()))
    assert [item.url for item in found] == [f"/receivables/agreements/{plan.agreement_id}/"]
    assert list(worklist.plans_to_confirm(other_manager, now, WorkCalendar())) == []
    assert list(worklist.plans_to_confirm(salesperson, now, WorkCalendar())) == []


def test_finance_is_asked_to_confirm_recorded_receipts(plan, finance, salesperson):
    made = receipt(plan.agreement, finance, "100.00", confirm=False)
    now = at(2027, 1, 4, 9, 0)
    assert len(list(worklist.receipts_to_confirm(finance, now, WorkCalendar()))) == 1
    assert list(worklist.receipts_to_confirm(salesperson, now, WorkCalendar())) == []
    services.receipt_confirm(receipt=made, actor=finance)
    assert list(worklist.receipts_to_confirm(finance, now, WorkCalendar())) == []
