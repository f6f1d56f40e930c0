"""Pure rules of collections (回款): no ORM, no clock. Dates and calendars are arguments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from salescrm.workdays import WorkCalendar

CENT = Decimal("0.01")
# The defaults of the company policy (salescrm.models.Policy: the administrator changes
# them, with history; the services pass the policy's values in).
# Paid on signing when the payment terms name no percentage.
DEFAULT_DEPOSIT_PERCENT = Decimal("30")
# The balance is due this many working days after the campaign starts (or the signing).
BALANCE_WORKING_DAYS = 20
# The salesperson is reminded this many working days before an instalment is due.
REMINDER_WORKING_DAYS = 3

_PERCENT = Decimal("30")
# The balance is due this many working days after the campaign starts (or the signing).
BALANCE_WORKING_DAYS = 20
# The salesperson is reminded this many working days before an instalment is due.
REMINDER_WORKING_DAYS = 3

_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*[%\uff05]")


@dataclass(frozen=True)
class Proposed:
    due_on: date
    amount: Decimal


def deposit_percent(payment_terms: str, default: Decimal = DEFAULT_DEPOSIT_PERCENT) -> Decimal:
    """The first percentage in the payment terms ("30% on signing" → 30), if it is one
    strictly between 0 and 100; else `default`."""
    match = _PERCENT.search(payment_terms or "")
    if match:
        value = Decimal(match.group(1))
        if 0 < value < 100:
            return value
    return default


def propose(
    *,
    total: Decimal,
    payment_terms: str,
    signed_on: date,
    period_start: date | None,
    calendar: WorkCalendar,
    balance_days: int = BALANCE_WORKING_DAYS,
    default_percent: Decimal = DEFAULT_DEPOSIT_PERCENT,
) -> list[Proposed]:
    """A deposit on the first working day from the signing, the balance `balance_days`
    working days after the campaign starts (or after the signing if it started before)."""
    deposit = (total * deposit_percent(payment_terms, default_percent) / 100).quantize(
        CENT, ROUND_HALF_UP
    )
    first_due = calendar.add_working_days(signed_on, 0)
    start = max(period_start or signed_on, signed_on)
    balance_due = calendar.add_working_days(start, balance_days)
    if deposit <= 0 or deposit >= total:
        return [Proposed(due_on=balance_due, amount=total)]
    return [
        Proposed(due_on=first_due, amount=deposit),
        Proposed(due_on=balance_due, amount=total - deposit),
    ]


def allocate(amounts: Sequence[Decimal], received: Decimal) -> list[Decimal]:
    """What `received` settles of each instalment, the earliest first."""
    left, settled = received, []
    for amount in amounts:
        part = min(amount, max(left, Decimal("0")))
        settled.append(part)
        left -= part
    return settled


def remind_on(due_on: date, calendar: WorkCalendar, days: int = REMINDER_WORKING_DAYS) -> date:
    """The working day `days` working days before `due_on`."""
    return calendar.add_working_days(due_on, -days)
