"""Real Chromium through Playwright, against the live server, as users would."""

import pytest
from django.conf import settings

from salescrm.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(page, people):
    log_in(page, "sales1", "wrong password")

    assert "/accounts/login/" in page.url
    assert "correct username and password" in page.locator("#content form").inner_text()


def test_switching_to_chinese_shows_chinese_navigation(page, people):
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


def test_the_home_page_fits_a_phone_screen(phone_page, people):
    log_in(phone_page, "sales1", settings.DEMO_PASSWORD)
    phone_page.wait_for_url("**/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")

    assert width <= 375
    # The menu folds behind the toggler and opens on tap.
    phone_page.get_by_role("button", name="Toggle navigation").tap()
    phone_page.get_by_role("link", name="Home").wait_for(state="visible")
