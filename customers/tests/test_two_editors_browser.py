"""Two editors of one customer file in two real browsers: the owner's older form loses nothing."""

import pytest

from customers.models import Customer
from customers.tests.factories import make_customer
from salescrm import people as salescrm_people

pytestmark = pytest.mark.browser

NEEDS = "Needs and problems (as the customer sees them)"


def test_the_owner_saving_an_older_form_sees_the_managers_change_keeps_their_text_and_merges(
    sign_in, people
):
    owner_user = people["sales1"]
    manager_user = salescrm_people.manager_of(owner_user)
    customer = make_customer(
        owner_user, name="杭州云帆文化传媒有限公司", needs="Wants outdoor screens"
    )
    edit = f"/customers/{customer.pk}/edit/"
    owner, manager = sign_in(owner_user.username), sign_in(manager_user.username)
    owner.goto(edit)
    manager.goto(edit)

    manager.get_by_label(NEEDS).fill("Wants outdoor screens and metro panels")
    manager.get_by_role("button", name="Save file").click()
    manager.wait_for_url(f"**/customers/{customer.pk}/")
    owner.get_by_label(NEEDS).fill("Wants outdoor screens before the autumn fair")
    owner.get_by_label("Notes", exact=True).fill("Budget approved by their CEO")
    owner.get_by_role("button", name="Save file").click()

    page_text = owner.locator("main").inner_text()
    manager_name = manager_user.get_full_name() or manager_user.username
    assert f"{manager_name} changed the customer file at" in page_text
    assert f"Saved meanwhile by {manager_name}: Wants outdoor screens and metro panels" in page_text
    assert owner.get_by_label(NEEDS).input_value() == "Wants outdoor screens before the autumn fair"
    assert owner.get_by_label("Notes", exact=True).input_value() == "Budget approved by their CEO"
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.needs, saved.notes) == ("Wants outdoor screens and metro panels", "")

    owner.get_by_label(NEEDS).fill("Metro panels, and outdoor screens before the autumn fair")
    owner.get_by_role("button", name="Save file").click()
    owner.wait_for_url(f"**/customers/{customer.pk}/")

    saved = Customer.objects.get(pk=customer.pk)
    assert saved.needs == "Metro panels, and outdoor screens before the autumn fair"
    assert saved.notes == "Budget approved by their CEO"
    assert saved.history.filter(history_change_reason="file edited").count() == 2
