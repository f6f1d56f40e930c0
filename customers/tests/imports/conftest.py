"""Fixtures shared by the import tests."""

import pytest

from customers.tests.factories import make_customer


@pytest.fixture
def existing(teammate):
    return make_customer(teammate, name="Existing Co")
