"""The worklist's clock: working days for working-day rules, calendar days for the week."""

from datetime import date

import pytest

from salescrm.testing.time import at
from salescrm.workdays import WorkCalendar
from salescrm.worklist import CALENDAR_DAYS, WORKING_DAYS, WorkItem, clock

# 2026: Sat 7 and Sun 8 March off; a plain week otherwise.
CALENDAR = WorkCalendar(days_off=frozenset(), extra_workdays=frozenset(), overrides={})
NOW = at(2026, 3, 6, 10, 0)  # Friday morning


def item(due=None, *, kind=WORKING_DAYS, since=None):
    return WorkItem(
        source="test", what="", title="", url="", action="", due_at=due, clock=kind,
        waiting_since=since,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("due", "kind", "expected"),
    [
        (at(2026, 3, 6, 23, 59), WORKING_DAYS, "due today"),
        (at(2026, 3, 9, 23, 59), WORKING_DAYS, "1 working day left"),  # the weekend skipped
        (at(2026, 3, 10, 23, 59), WORKING_DAYS, "2 working days left"),
        (at(2026, 3, 9, 23, 59), CALENDAR_DAYS, "3 days left"),  # the one-week rule
        (at(2026, 3, 6, 9, 0), WORKING_DAYS, "overdue since today"),
        (at(2026, 3, 5, 23, 59), WORKING_DAYS, "overdue by 1 working day"),
        (at(2026, 3, 3, 23, 59), WORKING_DAYS, "overdue by 3 working days"),
        (at(2026, 3, 3, 23, 59), CALENDAR_DAYS, "overdue by 3 days"),
    ],
)
def test_the_clock_counts_the_days_the_rule_counts(due, kind, expected):
    assert clock(item(due, kind=kind), now=NOW, calendar=CALENDAR) == expected


def test_a_holiday_does_not_count_as_a_working_day_left():
    calendar = WorkCalendar(
        days_off=frozenset({date(2026, 3, 9)}), extra_workdays=frozenset(), overrides={}
    )

    assert clock(item(at(2026, 3, 10, 23, 59)), now=NOW, calendar=calendar) == (
        "1 working day left"
    )


def test_an_approval_shows_how_long_it_has_waited():
    assert clock(item(since=at(2026, 3, 4, 9, 0)), now=NOW, calendar=CALENDAR) == (
        "waiting for 2 days"
    )
    assert clock(item(since=at(2026, 3, 6, 8, 0)), now=NOW, calendar=CALENDAR) == (
        "waiting since today"
    )
