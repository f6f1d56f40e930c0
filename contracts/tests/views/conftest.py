"""Every contracts view test runs at a fixed moment: "today" holds still for dates and
delegations."""

import pytest
import time_machine

from contracts.tests.factories import make_product
from customers.tests.factories import make_customer

# Wednesday 11 March 2026, 10:00 in Shanghai.
FROZEN_NOW = "2026-03-11 10:00 +08:00"


@pytest.fixture(autouse=True)
def _a_fixed_morning():
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield


@pytest.fixture
def customer(salesperson):
    """A customer owned by `salesperson` (of `manager`'s team)."""
    return make_customer(salesperson, name="Starlight Advertising")


@pytest.fixture
def product(db):
    """A product on the price list at 1000.00 a spot."""
    return make_product(list_price="1000.00", name="Prime-time spot")
