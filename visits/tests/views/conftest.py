"""Every visit view test runs on a fixed working Wednesday: "today" and "this week" hold still."""

import pytest
import time_machine

from customers.tests.factories import make_customer

# Wednesday 11 March 2026, 10:00 in Shanghai: a working day in the middle of a working week.
FROZEN_NOW = "2026-03-11 10:00 +08:00"


@pytest.fixture(autouse=True)
def _a_working_wednesday_morning():
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield


@pytest.fixture
def customer(salesperson):
    """A customer owned by `salesperson` (of `manager`'s team)."""
    return make_customer(salesperson, name="Starlight Advertising")
