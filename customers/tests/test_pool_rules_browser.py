"""Pool rules as a salesperson sees them: the warning on the file and the worklist, then the
return to the pool after the job runs (customers.recycling)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from customers import recycling
from customers.models import Customer, PipelineClass, RecycleRule
from customers.tests.factories import make_customer
from salescrm import selectors as salescrm_selectors

pytestmark = pytest.mark.browser


def test_a_salesperson_sees_the_return_coming_and_then_the_customer_is_in_the_pool(sign_in, people):
    RecycleRule.objects.update_or_create(
        pipeline_class=PipelineClass.UNCLASSIFIED,
        defaults={"working_days": 5, "warning_working_days": 3},
    )
    today = timezone.localdate()
    calendar = salescrm_selectors.work_calendar(today=today)
    last_day = calendar.add_working_days(today, 2)
    followed_up = calendar.add_working_days(last_day, -5)
    tz = timezone.get_current_timezone()
    moment = datetime.combine(followed_up, time(10, 0), tzinfo=tz)
    customer = make_customer(people["sales1"], name="宁波海天广告有限公司", now=moment)
    Customer.objects.filter(pk=customer.pk).update(entered_at=moment, assigned_at=moment)

    page = sign_in("sales1")
    returning = page.locator('[data-source="customers.about_to_return"]')
    assert "宁波海天广告有限公司" in returning.inner_text()
    assert "returns to the pool in 2 working days" in returning.inner_text()
    page.goto(f"/customers/{customer.pk}/")
    assert (
        "Returns to the pool in 2 working days" in page.get_by_test_id("pool-return").inner_text()
    )

    after = datetime.combine(last_day + timedelta(days=1), time(1, 20), tzinfo=tz)
    assert recycling.pool_returns(now=after)["customers returned to the pool"] == 1

    customer.refresh_from_db()
    assert customer.owner is None
    page.goto("/")
    assert page.locator('[data-source="customers.about_to_return"]').count() == 0
    page.goto("/customers/pool/")
    row = page.get_by_role("row").filter(has_text="宁波海天广告有限公司")
    assert str(people["sales1"]) in row.get_by_test_id("former-owner").inner_text()
    assert "Not followed up" in row.inner_text()
