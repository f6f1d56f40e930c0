"""Browser tests (Playwright): steps shared by more than one app's browser tests.

The browser, page and sign-in fixtures live in the root conftest.py.
"""

from salescrm.models import User
from salescrm.testing.mfa import next_code

VERIFY_PATH = "/accounts/two-factor/verify/"


def log_in(page, username, password):
    """Fill in and send the real login form; when the user has an authenticator (the demo
    approvers have the demo one), type its current code on the second step as well."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if VERIFY_PATH in page.url:
        enter_code(page, next_code(User.objects.get(username=username)))


def enter_code(page, code):
    """Type a code on the second sign-in step and send it (without waiting for the result)."""
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
