"""The customer file as users walk it, in a real Chromium."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer, OwnershipClaim
from customers.tests.factories import a_contact_person, complete_fields, make_customer

pytestmark = pytest.mark.browser


def test_a_salesperson_captures_a_lead_on_a_phone_and_completes_the_file(sign_in, people):
    page = sign_in("sales1", phone=True)

    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Company name").fill("杭州云帆文化传媒有限公司")
    page.get_by_label("Source channel").select_option("trade_show")
    page.get_by_label("Source detail").fill("2026 Hangzhou Ad Expo")
    page.get_by_label("Phone").fill("0571-8888 1234")
    page.get_by_role("button", name="Save customer").click()

    assert page.get_by_test_id("customer-name").inner_text() == "杭州云帆文化传媒有限公司"
    assert "Missing" in page.get_by_test_id("missing").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="Edit file").click()
    page.get_by_label("Industry").fill("Culture and media")
    page.get_by_label("City").fill("杭州")
    page.get_by_label("Needs and problems (as the customer sees them)").fill(
        "Wants outdoor screens"
    )
    page.get_by_role("button", name="Save file").click()
    page.get_by_role("link", name="Add contact person").click()
    page.get_by_label("Name").fill("王芳")
    page.get_by_label("Job title").fill("品牌总监")
    page.get_by_label("Phone").fill("13912345678")
    page.get_by_label("Decision power").select_option("yes")
    page.get_by_role("button", name="Save contact person").click()

    assert "File complete" in page.get_by_test_id("complete").inner_text()
    assert "王芳" in page.get_by_test_id("contact_people").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_second_salesperson_is_refused_claims_and_the_manager_transfers(sign_in, people):
    make_customer(people["sales1"], name="杭州云帆文化传媒有限公司")

    page = sign_in("sales4")
    page.goto("/customers/new/")
    page.get_by_label("Company name").fill("杭州云帆文化传媒股份有限公司")
    page.get_by_label("Source channel").select_option("internet")
    page.get_by_role("button", name="Save customer").click()

    refusal = page.get_by_test_id("duplicate").inner_text()
    assert str(people["sales1"]) in refusal
    page.get_by_role("link", name="File an ownership claim").click()
    page.get_by_label("Why should this customer be yours?").fill("Their CEO is my old client.")
    page.get_by_role("button", name="File the claim").click()
    assert "Claim filed" in page.locator(".alert-success").inner_text()
    assert Customer.objects.count() == 1

    manager = sign_in("manager1")
    manager.get_by_role("button", name="Customers").click()  # the manager's customer pages
    manager.get_by_role("link", name="Claims", exact=True).click()
    claim = manager.get_by_test_id("claim")
    assert "Their CEO is my old client." in claim.inner_text()
    claim.get_by_label("Transfer to the claimant").check()
    claim.get_by_label("Comment").fill("Relationship counts here.")
    claim.get_by_role("button", name="Decide").click()

    assert "Claim decided" in manager.locator(".alert-success").inner_text()
    assert Customer.objects.get().owner == people["sales4"]
    assert OwnershipClaim.objects.get().state == OwnershipClaim.State.TRANSFERRED


def test_the_manager_assigns_pool_customers_in_bulk(sign_in, people):
    for number in range(6):
        make_customer(
            actor=people["manager1"],
            to_pool=True,
            name=f"Expo Lead {number}",
            source="marketing_event",
        )

    page = sign_in("manager1")
    page.get_by_role("button", name="Customers").click()  # the manager's customer pages
    page.get_by_role("link", name="Pool", exact=True).click()
    page.get_by_text("Your team's load").click()
    assert "proposed" in page.get_by_test_id("loads").inner_text()
    page.get_by_label("Tick all on this page").check()
    page.get_by_role("button", name="Preview the assignment").click()

    # The preview names the balanced split; nothing is assigned until it is confirmed.
    split = page.get_by_test_id("preview-split").inner_text()
    for username in ("sales1", "sales2", "sales3"):
        assert str(people[username]) in split
    assert set(Customer.objects.values_list("owner", flat=True)) == {None}
    page.get_by_role("button", name="Confirm the assignment").click()

    shown = page.locator(".alert-success").inner_text()
    owners = Counter(Customer.objects.values_list("owner__username", flat=True))
    assert None not in owners
    assert set(owners) <= {"sales1", "sales2", "sales3"}
    # The confirmation names who got how many, most first, as the preview did.
    split = sorted(owners.items(), key=lambda entry: (-entry[1], str(people[entry[0]])))
    named = " · ".join(f"{people[username]} {count}" for username, count in split)
    assert f"6 customers assigned: {named}." in shown
    assert "No customer in the pool matches." in page.get_by_test_id("pool").inner_text()


def test_the_manager_checks_two_weeks_of_files_and_sends_one_back_from_its_row_on_a_phone(
    sign_in, people
):
    sales1 = people["sales1"]
    complete = make_customer(
        sales1,
        name="完整档案公司",
        contact_people=[a_contact_person()],
        now=timezone.now() - timedelta(days=7),
        **complete_fields(),
    )
    incomplete = make_customer(sales1, name="缺资料公司")
    to_return = make_customer(sales1, name="要退回公司")

    page = sign_in("manager1", phone=True)
    page.goto("/")
    assert page.get_by_test_id("pending-checks").inner_text() == "3"
    page.goto("/customers/checks/")
    assert page.get_by_test_id("check-week").count() == 2
    assert page.get_by_test_id("check-total").inner_text() == "3"
    box = page.get_by_role("checkbox", name="缺资料公司")
    assert not box.is_checked()  # incomplete: never ticked for the manager
    assert page.get_by_role("checkbox", name="完整档案公司").is_checked()
    tap = box.locator("xpath=..").bounding_box()
    assert tap["width"] >= 44
    assert tap["height"] >= 44

    row = page.get_by_test_id("check-row").filter(has_text="要退回公司")
    row.get_by_role("textbox").fill("请补充城市和需求")
    row.get_by_role("button", name="Send back").click()

    page.get_by_text(f"要退回公司 returned to {sales1} for correction.").wait_for()
    assert page.get_by_test_id("check-total").inner_text() == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/")
    assert page.get_by_test_id("pending-checks").inner_text() == "2"
    to_return.refresh_from_db()
    assert (to_return.check_state, to_return.check_comment) == ("returned", "请补充城市和需求")
    incomplete.refresh_from_db()
    complete.refresh_from_db()
    assert incomplete.check_state == complete.check_state == "pending"


def test_at_a_booth_save_and_add_another_keeps_the_source_and_a_double_tap_files_once(
    sign_in, people
):
    page = sign_in("sales1", phone=True)
    page.goto("/customers/new/")
    before = page.get_by_test_id("today-count").inner_text()

    page.get_by_label("Company name").fill("杭州云帆文化传媒有限公司")
    page.get_by_label("Source channel").select_option("trade_show")
    page.get_by_label("Source detail").fill("2026 Hangzhou Ad Expo")
    page.get_by_role("button", name="Save and add another").dblclick()
    page.wait_for_url("**/customers/new/?*")

    assert "is on file" in page.locator(".alert-success").inner_text()
    assert page.get_by_label("Company name").input_value() == ""
    assert page.get_by_label("Source channel").input_value() == "trade_show"
    assert page.get_by_label("Source detail").input_value() == "2026 Hangzhou Ad Expo"
    assert page.get_by_test_id("today-count").inner_text() != before
    assert page.get_by_test_id("today-count").inner_text().startswith("1 ")
    assert Customer.objects.count() == 1

    # The plain save on the next lead opens the new file, as before.
    page.get_by_label("Company name").fill("宁波海港广告有限公司")
    page.get_by_role("button", name="Save customer").click()
    assert page.get_by_test_id("customer-name").inner_text() == "宁波海港广告有限公司"
    assert Customer.objects.count() == 2


def test_a_refusal_for_ones_own_customer_opens_it(sign_in, people):
    existing = make_customer(people["sales1"], name="杭州云帆文化传媒有限公司")

    page = sign_in("sales1")
    page.goto("/customers/new/")
    page.get_by_label("Company name").fill("杭州云帆文化传媒股份有限公司")
    page.get_by_label("Source channel").select_option("internet")
    page.get_by_role("button", name="Save customer").click()
    page.get_by_test_id("duplicate").get_by_role("link", name="Open the file").click()

    page.wait_for_url(f"**/customers/{existing.pk}/")
    assert page.get_by_test_id("customer-name").inner_text() == "杭州云帆文化传媒有限公司"
