"""Today's work in a real Chromium: what a salesperson sees first on a phone, and a manager
approving from the list (the notification that asked stops waiting)."""

import pytest

from customers.filters import batch_label
from customers.tests.factories import a_pool_batch, make_customer
from visits.models import SlipState
from visits.tests.factories import make_slip_for

pytestmark = pytest.mark.browser


def refreshed(customers):
    for customer in customers:
        customer.refresh_from_db()
    return customers


def test_after_a_pool_assignment_the_first_contacts_due_are_above_the_fold_on_a_phone(
    sign_in, people
):
    manager1, sales1 = people["manager1"], people["sales1"]
    batch = a_pool_batch(manager1, file_name="秋季展会.xlsx")
    pool = [
        make_customer(actor=manager1, to_pool=True, name=f"展会线索 {n}", source_import=batch)
        for n in range(5)
    ]
    others = [make_customer(actor=manager1, to_pool=True, name=f"其他线索 {n}") for n in range(2)]

    # manager1, on a phone: the batch's leads, all of them, to sales1, previewed, confirmed.
    manager = sign_in("manager1", phone=True)
    manager.goto("/customers/pool/")
    manager.get_by_text("Filters", exact=True).click()  # folded on a phone
    manager.get_by_label("Import batch").select_option(label=batch_label(batch))
    manager.get_by_role("button", name="Filter").click()
    manager.get_by_test_id("result-count").filter(has_text="5 customers match").wait_for()
    manager.get_by_label("All 5 matching the filters").check()
    manager.get_by_label("Assign to").select_option(label=str(sales1))
    manager.get_by_role("button", name="Preview the assignment").click()
    split = manager.get_by_test_id("preview-person")
    split.first.wait_for()
    assert [row.inner_text().split() for row in split.all()] == [[*str(sales1).split(), "5"]]
    assert all(customer.owner_id is None for customer in refreshed(pool))  # not yet
    manager.get_by_role("button", name="Confirm the assignment").click()
    manager.get_by_text(f"5 customers assigned: {sales1} 5.").wait_for()
    assert manager.evaluate("document.documentElement.scrollWidth") <= 375
    assert {customer.owner_id for customer in refreshed(pool)} == {sales1.pk}
    assert {customer.owner_id for customer in refreshed(others)} == {None}

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
