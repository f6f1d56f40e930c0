"""Two-factor sign-in in a real Chromium: the director enrols an authenticator app, logs out,
and logs in with the password and a code; a wrong code is refused."""

import time

import pytest
from django_otp.oath import hotp

from salescrm.roles import Role
from salescrm.testing.browser import enter_code
from salescrm.testing.mfa import next_code
from salescrm.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def app_code(secret: str) -> str:
    """What an authenticator app shows for the secret typed into it (base32), now."""
    import base64

    key = base64.b32decode(secret.replace(" ", ""))
    return str(hotp(key, int(time.time()) // 30)).zfill(6)


def password_step(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def test_the_director_enrols_logs_out_and_logs_in_with_password_and_code(page, transactional_db):
    director = UserFactory(username="wei.zhang", role=Role.DIRECTOR)

    # Password first: the director must set up the second factor before anything else.
    password_step(page, "wei.zhang")
    assert "/accounts/two-factor/setup/" in page.url
    page.goto("/customers/")
    assert "/accounts/two-factor/setup/" in page.url
    assert page.get_by_test_id("mfa-qr").locator("svg").is_visible()
    secret = page.get_by_test_id("mfa-secret").inner_text()
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/accounts/two-factor/recovery-codes/")
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them").click()
    page.wait_for_url("**/")
    assert page.locator("#home-heading").is_visible()
    log_out(page)

    # Password, then the code from the app.
    password_step(page, "wei.zhang")
    assert "/accounts/two-factor/verify/" in page.url
    enter_code(page, next_code(director))
    page.wait_for_url("**/")
    assert page.locator("#home-heading").is_visible()
    log_out(page)

    # A wrong code is refused: still on the second step, and the app stays closed.
    password_step(page, "wei.zhang")
    enter_code(page, "000000" if next_code(director) != "000000" else "111111")
    page.get_by_text("That code is not right").wait_for()
    assert "/accounts/two-factor/verify/" in page.url
    page.goto("/customers/")
    assert "/accounts/two-factor/verify/" in page.url
