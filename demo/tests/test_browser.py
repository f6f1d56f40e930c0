"""The demo logins printed by `make run`, in a real Chromium against the live server."""

import pytest
from django.conf import settings

from demo.people import PEOPLE
from salescrm.testing.browser import log_in

pytestmark = pytest.mark.browser

HOME_MARKERS = {
    "sales": "My sales profile",
    "manager": "My team",
    "director": "Teams",
    "frontdesk": "Front desk",
    "admin": "Latest job runs",
    "finance": "Open the receivables",
}


@pytest.mark.parametrize(("username", "role"), [(p[0], p[3]) for p in PEOPLE])
def test_each_demo_login_lands_on_its_home_page(page, people, username, role):
    log_in(page, username, settings.DEMO_PASSWORD)

    page.wait_for_url("**/")
    assert page.locator("#home-heading").inner_text().startswith("Welcome")
    assert page.get_by_test_id("role").inner_text().startswith(str(role.label))
    assert HOME_MARKERS[role] in page.locator("#content").inner_text()
