"""A month of activity (March 2026) whose figures the tests work out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import AgreementState, PlanVersion
from reports.tests import builders as b
from salescrm.testing.time import at, end_of
from salescrm.tests.factories import UserFactory

MARCH = "period=month&date=2026-03-01"


@pytest.fixture
def mover(team):
    """Moved from another team into `team` mid-March: their month counts in `team`."""
    return UserFactory(username="mover", team=team)


@pytest.fixture
def march(salesperson, teammate, mover, other_salesperson):
    sp = salesperson
    # Files: entered 2 March, completed exactly at its deadline (on time).
    c1 = b.customer(
        sp,
        entered=at(2026, 3, 2, 10),
        due=end_of(2026, 3, 4),
        completed=end_of(2026, 3, 4),
        first_contact_due=end_of(2026, 3, 9),
        first_contact=end_of(2026, 3, 9),
        collected_on=date(2026, 3, 2),
    )
    # Completed a day late; first contact late.
    c2 = b.customer(
        sp,
        entered=at(2026, 3, 3, 10),
        due=end_of(2026, 3, 5),
        completed=at(2026, 3, 6, 9),
        first_contact_due=end_of(2026, 3, 10),
        first_contact=at(2026, 3, 11, 9),
    )
    # Entered in February: not a new file of March.
    b.customer(sp, entered=at(2026, 2, 27, 10), due=end_of(2026, 3, 3), completed=at(2026, 3, 2))
    # The last moment of March counts, the first of April does not.
    b.customer(sp, entered=at(2026, 3, 31, 23, 59), due=end_of(2026, 4, 2))
    b.customer(sp, entered=at(2026, 4, 1, 0, 0), due=end_of(2026, 4, 3))
    # Contacts: two in March, one in April.
    b.contact(c1, sp, at(2026, 3, 5, 10))
    b.contact(c2, sp, at(2026, 3, 11, 9))
    b.contact(c2, sp, at(2026, 4, 1, 9))
    # Visits: the log of the first written exactly when due, of the second late.
    b.visit(
        c1,
        sp,
        departed=at(2026, 3, 10, 9),
        expected_return=at(2026, 3, 10, 12),
        returned=at(2026, 3, 10, 11),
        log_due=end_of(2026, 3, 12),
        log_written=end_of(2026, 3, 12),
    )
    b.visit(
        c2,
        sp,
        departed=at(2026, 3, 20, 9),
        expected_return=at(2026, 3, 20, 12),
        returned=at(2026, 3, 20, 14),
        log_due=end_of(2026, 3, 24),
        log_written=at(2026, 3, 25, 9),
    )
    # Plans: one accepted, one declined (both sent in March).
    b.plan(c1, sp, sent=at(2026, 3, 5, 9), outcome=PlanVersion.Outcome.ACCEPTED,
           decided=at(2026, 3, 10, 9))  # fmt: skip
    b.plan(c2, sp, sent=at(2026, 3, 6, 9), outcome=PlanVersion.Outcome.DECLINED,
           decided=at(2026, 3, 8, 9))  # fmt: skip
    # Agreements (drafted in February): signed 15 and 31 March; one cancelled; one in April.
    feb = at(2026, 2, 2, 9)
    b.agreement(c1, sp, total="10000.00", signed_on=date(2026, 3, 15), created=feb)  # 13 days
    c_old = b.customer(sp, entered=at(2026, 2, 1, 9), due=end_of(2026, 2, 3),
                       collected_on=date(2026, 3, 1))  # fmt: skip
    b.agreement(c_old, sp, total="5000.00", signed_on=date(2026, 3, 31), created=feb)  # 30 days
    b.agreement(c2, sp, total="99999.00", state=AgreementState.CANCELLED, created=feb)
    b.agreement(c2, sp, total="7000.00", signed_on=date(2026, 4, 1), created=feb)
    # The teammate: one file, on time.
    b.customer(teammate, entered=at(2026, 3, 10, 9), due=end_of(2026, 3, 12),
               completed=at(2026, 3, 11, 9))  # fmt: skip
    # The mover signed 20 March, 10 days after the file was collected.
    c_mover = b.customer(mover, entered=at(2026, 2, 10, 9), due=end_of(2026, 2, 12),
                         collected_on=date(2026, 3, 10))  # fmt: skip
    b.agreement(c_mover, mover, total="2000.00", signed_on=date(2026, 3, 20), created=feb)
    # The other team: one file.
    b.customer(other_salesperson, entered=at(2026, 3, 2, 9), due=end_of(2026, 3, 4))
    return {"c1": c1, "c2": c2}


SALESPERSON_MARCH = {
    "new_files": 3,
    "completed_on_time": 1,
    "first_contacts_on_time": 1,
    "contacts": 2,
    "visits": 2,
    "logs_on_time": 1,
    "plans_submitted": 2,
    "plans_accepted": 1,
    "plans_declined": 1,
    "signed": 2,
    "signed_value": Decimal("15000.00"),
    "avg_days_to_sign": Decimal("21.5"),
}
