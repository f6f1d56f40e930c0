"""Overdue instalments (逾期) in the salesperson's and the manager's weekly digests."""

from datetime import date
from decimal import Decimal

from django.core import mail as django_mail

from dashboards import digests
from receivables.tests.factories import confirmed_plan, receipt
from salescrm.testing.time import at

MONDAY = at(2027, 1, 11, 8)


def mails_to(user):
    return [m for m in django_mail.outbox if m.to == [user.email]]


def test_overdue_instalments_are_in_the_salesperson_and_manager_digests(
    salesperson, teammate, manager, finance
):
    plan = confirmed_plan(
        salesperson,
        [(date(2026, 12, 10), Decimal("4000")), (date(2027, 3, 1), Decimal("6000"))],
    )
    receipt(plan.agreement, finance, "1500.00")
    number = plan.agreement.number

    digests.weekly_digests(now=MONDAY)

    (sales,) = mails_to(salesperson)
    assert "Overdue instalments (逾期): 1" in sales.body
    assert f"{number} #1" in sales.body
    assert "2,500.00 outstanding" in sales.body or "2500.00 outstanding" in sales.body
    (other,) = mails_to(teammate)
    assert "Overdue instalments (逾期): 0" in other.body
    (boss,) = mails_to(manager)
    assert "Overdue instalments (逾期): 1" in boss.body
    assert f"{number} #1 ({salesperson})" in boss.body
