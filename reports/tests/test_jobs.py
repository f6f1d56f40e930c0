"""The daily_figures job: the stored days add up to the live figures; it is idempotent; what
happens after its run is still counted (live)."""

from datetime import date
from decimal import Decimal

import pytest

from reports import jobs
from reports.models import DailyFigures
from reports.periods import period_for
from reports.scope import scope_for
from reports.selectors import figures_by_person, report_rows, stored_through
from reports.tests import builders as b
from reports.tests.conftest import SALESPERSON_MARCH
from salescrm import jobs as job_registry
from salescrm.testing.time import at, end_of

pytestmark = pytest.mark.django_db

MARCH = period_for("month", date(2026, 3, 1))


def test_stored_days_give_the_same_figures(march, director, salesperson):
    live = figures_by_person(scope_for(director, {}).ids, MARCH)
    counts = job_registry.run_job("daily_figures", now=at(2026, 4, 15, 1, 10))
    assert counts["rows"] > 0
    assert stored_through() == date(2026, 4, 14)
    assert figures_by_person(scope_for(director, {}).ids, MARCH) == live
    rows, _teams, _company = report_rows(scope_for(salesperson, {}), MARCH)
    assert {key: rows[0].figures[key] for key in SALESPERSON_MARCH} == SALESPERSON_MARCH
    # Run again: the same rows, not twice as many.
    before = DailyFigures.objects.count()
    jobs.daily_figures(now=at(2026, 4, 15, 2))
    assert DailyFigures.objects.count() == before


def test_what_happens_after_the_run_is_counted_live(march, salesperson):
    jobs.daily_figures(now=at(2026, 3, 20, 1))  # stores 1-19 March
    b.customer(salesperson, entered=at(2026, 3, 20, 9), due=end_of(2026, 3, 24))
    figures = figures_by_person([salesperson.pk], MARCH)[salesperson.pk]
    assert figures["new_files"] == SALESPERSON_MARCH["new_files"] + 1
    assert figures["signed_value"] == Decimal("15000.00")
