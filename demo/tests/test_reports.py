from datetime import date

import pytest

from demo.people import seed_people
from demo.reports import COSTS, MONTHS, seed_report_data
from reports.models import ChannelCost, RevenueTarget
from salescrm.testing.time import at

pytestmark = pytest.mark.django_db


def test_seeds_six_months_of_costs_and_targets_once(settings):
    seed_people(password=settings.DEMO_PASSWORD)
    counts = seed_report_data(now=at(2026, 3, 13, 9))
    assert counts["channel costs created"] == MONTHS * len(COSTS)
    months = sorted(set(ChannelCost.objects.values_list("month", flat=True)))
    assert months[0] == date(2025, 10, 1)
    assert months[-1] == date(2026, 3, 1)
    # Six salespeople and two teams each month.
    assert RevenueTarget.objects.count() == MONTHS * 8
    # Beside each signed-value target, a collection target (回款) of 80 % of it.
    assert not RevenueTarget.objects.filter(collection_amount__isnull=True).exists()
    target = RevenueTarget.objects.filter(person__isnull=False).first()
    assert target.collection_amount == (target.amount * 8 / 10).quantize(1)
    assert seed_report_data(now=at(2026, 3, 13, 9))["channel costs created"] == 0
