"""Report figures by person and period, worked out by hand from the March fixtures."""

from datetime import date
from decimal import Decimal

import pytest

from reports.periods import Period, PeriodError, parse_period, period_for
from reports.scope import scope_for
from reports.selectors import report_rows
from reports.tests.conftest import SALESPERSON_MARCH

pytestmark = pytest.mark.django_db


def test_periods():
    assert period_for("week", date(2026, 3, 4)) == Period(
        "week", date(2026, 3, 2), date(2026, 3, 9)
    )
    assert period_for("quarter", date(2026, 5, 31)) == Period(
        "quarter", date(2026, 4, 1), date(2026, 7, 1)
    )
    assert period_for("year", date(2026, 5, 31)).end == date(2027, 1, 1)
    assert period_for("month", date(2026, 12, 5)).shifted(1).start == date(2027, 1, 1)
    custom = parse_period({"period": "custom", "start": "2026-03-01", "end": "2026-03-10"},
                          today=date(2026, 1, 1))  # fmt: skip
    assert (custom.start, custom.end, custom.days) == (date(2026, 3, 1), date(2026, 3, 11), 10)
    with pytest.raises(PeriodError):
        parse_period({"period": "custom", "start": "2026-03-10", "end": "2026-03-01"},
                     today=date(2026, 1, 1))  # fmt: skip
    with pytest.raises(PeriodError):
        parse_period({"period": "month", "date": "March"}, today=date(2026, 1, 1))


def test_figures_of_march(march, director, salesperson, teammate, mover, team, other_team):
    period = period_for("month", date(2026, 3, 1))
    rows, teams, company = report_rows(scope_for(director, {}), period)
    by_person = {row.person_id: row.figures for row in rows}
    mine = by_person[salesperson.pk]
    assert {key: mine[key] for key in SALESPERSON_MARCH} == SALESPERSON_MARCH
    assert by_person[teammate.pk]["new_files"] == 1
    assert by_person[teammate.pk]["completed_on_time"] == 1
    assert by_person[mover.pk]["signed_value"] == Decimal("2000.00")
    totals = {row.team_id: row.figures for row in teams}
    # The team the mover joined counts their whole month: 10000 + 5000 + 2000 signed, and
    # (13 + 30 + 10) / 3 days from file to signature.
    assert totals[team.pk]["signed"] == 3
    assert totals[team.pk]["signed_value"] == Decimal("17000.00")
    assert totals[team.pk]["avg_days_to_sign"] == Decimal("17.7")
    assert totals[team.pk]["new_files"] == 4
    assert totals[other_team.pk]["new_files"] == 1
    assert company.figures["new_files"] == 5
    assert company.figures["signed_value"] == Decimal("17000.00")


def test_a_week_and_a_custom_range(march, salesperson):
    week = period_for("week", date(2026, 3, 2))  # 2-8 March
    rows, _teams, _company = report_rows(scope_for(salesperson, {}), week)
    assert [row.figures["new_files"] for row in rows] == [2]
    assert rows[0].figures["contacts"] == 1
    custom = parse_period({"period": "custom", "start": "2026-03-31", "end": "2026-04-01"},
                          today=date(2026, 1, 1))  # fmt: skip
    rows, _teams, _company = report_rows(scope_for(salesperson, {}), custom)
    assert rows[0].figures["new_files"] == 2  # 31 March 23:59 and 1 April 00:00
    assert rows[0].figures["signed_value"] == Decimal("12000.00")  # 5000 + 7000
