"""The instalment job: a reminder N working days before, 逾期 after the due working day.

Every run is at an explicit moment; boundaries are tested to the microsecond."""

from datetime import date
from decimal import Decimal

import pytest

from receivables import jobs, services
from receivables.models import Instalment
from receivables.tests.factories import confirmed_plan, plan_of, receipt, signed_agreement
from salescrm.models import Notification
from salescrm.testing.jobs import no_repeats, reasons
from salescrm.testing.threads import run_together
from salescrm.testing.time import ONE_MICROSECOND, at, end_of

FRIDAY = date(2027, 3, 12)
SATURDAY = date(2027, 3, 13)
NOTHING = {"instalment reminders": 0, "instalments overdue": 0}


@pytest.fixture
def plan(salesperson, manager):
    """10,000.00: 4,000.00 due Friday 12 March 2027, 6,000.00 on Saturday 13 March."""
    return confirmed_plan(
        salesperson, instalments=[(FRIDAY, Decimal("4000")), (SATURDAY, Decimal("6000"))]
    )


def test_an_instalment_falls_due_at_the_end_of_its_working_day(plan):
    friday, saturday = plan.instalments.all()
    assert friday.due_at == end_of(2027, 3, 12)
    assert saturday.due_at == end_of(2027, 3, 15)  # a Saturday: the next working day's end
    assert friday.remind_at == at(2027, 3, 9, 0, 0)  # three working days before


def test_the_salesperson_is_reminded_once_three_working_days_before(plan, salesperson):
    assert jobs.instalments(now=at(2027, 3, 9) - ONE_MICROSECOND) == NOTHING
    assert jobs.instalments(now=at(2027, 3, 9)) == {
        "instalment reminders": 1, "instalments overdue": 0,
    }  # fmt: skip
    assert jobs.instalments(now=at(2027, 3, 9, 12, 0)) == NOTHING
    assert list(no_repeats("instalment_due_soon")) == [
        ("salesperson", plan.agreement.customer.name)
    ]


def test_an_instalment_is_overdue_only_after_its_due_working_day(plan, salesperson, manager):
    jobs.instalments(now=at(2027, 3, 11))  # the reminders
    assert jobs.instalments(now=end_of(2027, 3, 12))["instalments overdue"] == 0
    assert jobs.instalments(now=end_of(2027, 3, 12) + ONE_MICROSECOND)["instalments overdue"] == 1
    # The Saturday instalment is due at the end of Monday.
    assert jobs.instalments(now=end_of(2027, 3, 15))["instalments overdue"] == 0
    assert jobs.instalments(now=end_of(2027, 3, 15) + ONE_MICROSECOND) == {
        "instalment reminders": 0, "instalments overdue": 1,
    }  # fmt: skip
    told = Notification.objects.filter(kind="instalment_overdue")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "manager", "manager", "salesperson", "salesperson",
    ]  # fmt: skip
    friday = plan.instalments.get(number=1)
    assert reasons(friday)[-1] == "instalment: overdue"


def test_running_the_job_twice_changes_nothing_more(plan):
    after = at(2027, 3, 20)
    assert jobs.instalments(now=after)["instalments overdue"] == 2
    notes, history = Notification.objects.count(), Instalment.history.count()
    assert jobs.instalments(now=after) == NOTHING
    assert (Notification.objects.count(), Instalment.history.count()) == (notes, history)


def test_a_paid_instalment_is_never_overdue(plan, finance):
    receipt(plan.agreement, finance, "4000.00")
    assert jobs.instalments(now=at(2027, 3, 13))["instalments overdue"] == 0


def test_a_proposed_plan_is_not_chased_before_the_manager_confirms(salesperson):
    plan = plan_of(signed_agreement(salesperson))
    services.plan_update(plan=plan, actor=salesperson, instalments=[(FRIDAY, plan.total)])
    assert jobs.instalments(now=at(2027, 4, 1)) == NOTHING


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_flag_each_instalment_once(salesperson, manager):
    for _ in range(3):
        confirmed_plan(
            salesperson, instalments=[(FRIDAY, Decimal("4000")), (SATURDAY, Decimal("6000"))]
        )
    results = run_together(
        lambda: jobs.instalments(now=at(2027, 4, 1)), lambda: jobs.instalments(now=at(2027, 4, 1))
    )
    assert sum(r["instalments overdue"] for r in results) == 6, results
    assert Notification.objects.filter(kind="instalment_overdue").count() == 12


def test_the_overdue_notice_waits_until_the_instalment_is_paid(plan, salesperson, finance):
    jobs.instalments(now=at(2027, 3, 13, 9, 0))
    waiting = Notification.objects.filter(
        kind="instalment_overdue", recipient=salesperson, actionable=True, resolved_at=None
    )
    assert waiting.count() == 1
    receipt(plan.agreement, finance, "3999.99")
    assert waiting.count() == 1
    receipt(plan.agreement, finance, "0.01")
    assert waiting.count() == 0
