"""Today's work in a real Chromium: what a salesperson sees first on a phone, and a manager
approving from the list (the notification that asked stops waiting)."""

import pytest

from customers import services as customer_services
from customers.tests.factories import make_customer
from visits.models import SlipState
from visits.tests.factories import make_slip_for

pytestmark = pytest.mark.browser


def test_after_a_pool_assignment_the_first_contacts_due_are_above_the_fold_on_a_phone(
    sign_in, people
):
    pool = [
        make_customer(actor=people["manager1"], to_pool=True, name=f"展会线索 {n}")
        for n in range(5)
    ]
    customer_services.customers_assign(
        customers=pool, actor=people["manager1"], assignee=people["sales1"]
    )

    phone = sign_in("sales1", phone=True)

    # The five fold into one row, on the first screen of a 375 × 740 phone.
    group = phone.get_by_test_id("work-group").filter(has_text="Make the first contact")
    group.wait_for()
    box = group.bounding_box()
    assert box["y"] + box["height"] <= 740
    assert "5" in group.inner_text()
    assert "the soonest: 7 days left" in group.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # A tap shows each of them, with its button.
    group.locator("summary").tap()
    assert group.get_by_role("link", name="Record a contact").count() == 5


def test_the_manager_approves_a_visit_from_the_worklist_and_the_badge_drops(sign_in, people):
    slip = make_slip_for(make_customer(people["sales1"], name="星河传媒"), SlipState.SUBMITTED)
    manager = sign_in("manager1")
    badge = manager.get_by_test_id("unread-count")
    before = int(badge.inner_text())

    rows = manager.get_by_test_id("work-item").filter(has_text="Approve the visit")
    rows.filter(has_text="星河传媒").get_by_role("button", name="Approve").click()

    manager.get_by_text("Visit approved.").wait_for()
    assert rows.filter(has_text="星河传媒").count() == 0
    after = manager.get_by_test_id("unread-count")
    assert (int(after.inner_text()) if after.count() else 0) == before - 1
    slip.refresh_from_db()
    assert slip.state == SlipState.APPROVED
