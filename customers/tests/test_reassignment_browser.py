"""The manager's reassignment queue, in a real Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers import jobs
from customers.models import Customer
from customers.tests.factories import make_customer

pytestmark = pytest.mark.browser


def missed_first_contact(owner, name):
    """A customer of `owner` assigned 8 days ago, queued for the manager by the nightly job."""
    customer = make_customer(owner, name=name, now=timezone.now() - timedelta(days=8))
    jobs.first_contact(now=timezone.now())
    return customer


def test_the_manager_reassigns_a_missed_first_contact_and_the_new_owner_sees_it(sign_in, people):
    customer = missed_first_contact(people["sales1"], "宁波海天广告有限公司")

    manager = sign_in("manager1")
    assert manager.get_by_test_id("reassignment-count").inner_text() == "1"
    manager.get_by_role("button", name="Customers").click()  # the manager's customer pages
    manager.get_by_role("link", name="Reassignment queue", exact=True).click()

    row = manager.get_by_test_id("queued-customer").filter(has_text=customer.name)
    assert str(people["sales1"]) in row.inner_text()
    choice = row.get_by_label("New owner")
    proposed = choice.locator("option:checked").inner_text()
    assert proposed.endswith(" (proposed)")
    proposed_name = proposed.removesuffix(" (proposed)")
    assert proposed_name in {str(people["sales2"]), str(people["sales3"])}
    assert str(people["sales1"]) not in choice.inner_text()
    row.get_by_role("button", name="Reassign").click()

    assert f"Reassigned to {proposed_name}." in manager.locator(".alert-success").inner_text()
    assert "No missed first contacts are waiting." in (
        manager.get_by_test_id("reassignment-queue").inner_text()
    )
    new_owner = Customer.objects.select_related("owner").get(pk=customer.pk).owner
    assert str(new_owner) == proposed_name

    owner = sign_in(new_owner.username)
    assert (
        f"{customer.name} was assigned to you." in owner.get_by_test_id("inbox-card").inner_text()
    )


def test_the_manager_grants_one_extension_on_a_phone(sign_in, people):
    customer = missed_first_contact(people["sales2"], "温州瓯江传媒有限公司")

    manager = sign_in("manager1", phone=True)
    manager.goto("/customers/reassignment/")
    assert manager.evaluate("document.documentElement.scrollWidth") <= 375

    row = manager.get_by_test_id("queued-customer").filter(has_text=customer.name)
    row.get_by_text("Grant one extension").click()
    row.get_by_label("Reason for the extension").fill("Owner was at the Canton Fair all week.")
    row.get_by_role("button", name="Grant one more week").click()

    assert "Extension granted" in manager.locator(".alert-success").inner_text()
    assert manager.evaluate("document.documentElement.scrollWidth") <= 375
    customer.refresh_from_db()
    assert customer.extension_reason == "Owner was at the Canton Fair all week."
    assert customer.owner == people["sales2"]
