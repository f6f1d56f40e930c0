from datetime import date
from decimal import Decimal

import pytest

from receivables import rules
from salescrm.workdays import WorkCalendar, china_calendar

PLAIN = WorkCalendar()


@pytest.mark.parametrize(
    ("terms", "percent"),
    [
        ("30% on signing, the balance within 20 working days", Decimal("30")),
        ("签约付50％，余款上线后付清", Decimal("50")),
        ("100% in advance", Decimal("30")),
        ("on invoice", Decimal("30")),
        ("", Decimal("30")),
    ],
)
def test_the_deposit_is_the_first_percentage_in_the_terms(terms, percent):
    assert rules.deposit_percent(terms) == percent


def test_a_proposal_adds_up_to_the_total_to_the_cent():
    proposed = rules.propose(
        total=Decimal("10000.01"),
        payment_terms="30% on signing",
        signed_on=date(2027, 3, 1),
        period_start=date(2027, 3, 8),
        calendar=PLAIN,
    )
    assert [p.amount for p in proposed] == [Decimal("3000.00"), Decimal("7000.01")]
    assert sum(p.amount for p in proposed) == Decimal("10000.01")


def test_the_deposit_is_due_on_a_working_day_and_the_balance_n_working_days_after_the_start():
    proposed = rules.propose(
        total=Decimal("1000.00"),
        payment_terms="",
        signed_on=date(2027, 3, 6),  # a Saturday
        period_start=date(2027, 3, 8),  # Monday
        calendar=PLAIN,
        balance_days=5,
    )
    assert [p.due_on for p in proposed] == [date(2027, 3, 8), date(2027, 3, 15)]


def test_the_balance_skips_the_national_day_holiday():
    calendar = china_calendar([2026])
    proposed = rules.propose(
        total=Decimal("1000.00"),
        payment_terms="",
        signed_on=date(2026, 9, 30),
        period_start=date(2026, 9, 30),
        calendar=calendar,
        balance_days=1,
    )
    assert calendar.is_working_day(date(2026, 10, 1)) is False
    assert proposed[1].due_on == date(2026, 10, 8)  # 1-7 Oct off


@pytest.mark.parametrize(
    ("received", "settled"),
    [
        ("0", ["0", "0", "0"]),
        ("50", ["50", "0", "0"]),
        ("150", ["100", "50", "0"]),
        ("300", ["100", "100", "100"]),
    ],
)
def test_receipts_settle_the_earliest_instalments_first(received, settled):
    amounts = [Decimal("100")] * 3
    assert rules.allocate(amounts, Decimal(received)) == [Decimal(s) for s in settled]
