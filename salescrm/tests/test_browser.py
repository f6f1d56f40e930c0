"""Real Chromium through Playwright, against the live server, as users would."""

import pytest
from django.conf import settings

from demo.people import PEOPLE, seed_people

pytestmark = pytest.mark.browser

HOME_MARKERS = {
    "sales": "My sales profile",
    "manager": "My team",
    "director": "Teams",
    "frontdesk": "Front desk",
    "admin": "Latest job runs",
}


@pytest.fixture
def demo(transactional_db):
    # The demo people only: logging in needs no customers.
    seed_people(password=settings.DEMO_PASSWORD)


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize(("username", "role"), [(p[0], p[3]) for p in PEOPLE])
def test_each_demo_login_lands_on_its_home_page(page, demo, username, role):
    log_in(page, username, settings.DEMO_PASSWORD)

    page.wait_for_url("**/")
    assert page.locator("#home-heading").inner_text().startswith("Welcome")
    assert page.get_by_test_id("role").inner_text().startswith(str(role.label))
    assert HOME_MARKERS[role] in page.locator("#content").inner_text()


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(page, demo):
    log_in(page, "sales1", "wrong password")

    assert "/accounts/login/" in page.url
    assert "correct username and password" in page.locator("#content form").inner_text()


def test_switching_to_chinese_shows_chinese_navigation(page, demo):
    log_in(page, "manager1", settings.DEMO_PASSWORD)
    page.wait_for_url("**/")

    page.select_option("#nav-language", "zh-hans")

    page.wait_for_load_state()
    page.locator("html[lang='zh-hans']").wait_for()
    assert page.locator("nav .nav-link").first.inner_text() == "首页"
    assert "我的团队" in page.locator("#content").inner_text()
    # The choice stays with the user on the next visit.
    page.goto("/")
    assert page.locator("nav .nav-link").first.inner_text() == "首页"


def test_the_home_page_fits_a_phone_screen(phone_page, demo):
    log_in(phone_page, "sales1", settings.DEMO_PASSWORD)
    phone_page.wait_for_url("**/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")

    assert width <= 375
    # The menu folds behind the toggler and opens on tap.
    phone_page.get_by_role("button", name="Toggle navigation").tap()
    phone_page.get_by_role("link", name="Home").wait_for(state="visible")
