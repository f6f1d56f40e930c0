"""Browser tests (Playwright): steps shared by more than one app's browser tests.

The browser, page and sign-in fixtures live in the root conftest.py.
"""


def log_in(page, username, password):
    """Fill in and send the real login form (without waiting for where it leads)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
