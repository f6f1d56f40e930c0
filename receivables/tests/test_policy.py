"""The collection policy is the administrator's (salescrm Policy, with history), not code:
the proposal's default deposit, the balance's working days and the reminder's lead."""

from decimal import Decimal

from django.utils import timezone

from receivables.tests.factories import plan_of, signed_agreement
from salescrm import selectors as salescrm_selectors
from salescrm.workdays import local_midnight


def test_the_proposal_and_the_reminder_follow_the_policy(salesperson, manager):
    policy = salescrm_selectors.policy()
    policy.collection_deposit_percent = Decimal("40")
    policy.collection_balance_working_days = 5
    policy.collection_reminder_working_days = 1
    policy.save()
    agreement = signed_agreement(salesperson, payment_terms="on invoice")
    first, balance = plan_of(agreement).instalments.order_by("number")
    assert (first.amount, balance.amount) == (Decimal("4000.00"), Decimal("6000.00"))
    calendar = salescrm_selectors.work_calendar(today=agreement.signed_on)
    start = max(agreement.period_start or agreement.signed_on, agreement.signed_on)
    assert balance.due_on == calendar.add_working_days(start, 5)
    reminder_day = calendar.add_working_days(balance.due_on, -1)
    assert balance.remind_at == local_midnight(reminder_day, tz=timezone.get_current_timezone())
    assert policy.history.count() == 2


def test_the_defaults_are_thirty_percent_twenty_days_three_days_lead(salesperson, manager):
    policy = salescrm_selectors.policy()
    assert (
        policy.collection_deposit_percent,
        policy.collection_balance_working_days,
        policy.collection_reminder_working_days,
    ) == (Decimal("30.00"), 20, 3)
