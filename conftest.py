"""Personas shared by every test: two teams, each role, and an outsider for each."""

import os
import shutil

import pytest
from django.test import Client

from salescrm.roles import Role
from salescrm.tests.factories import ManagerFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow by design; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager(db):
    return ManagerFactory(username="manager")


@pytest.fixture
def team(manager):
    return manager.team


@pytest.fixture
def salesperson(team):
    return UserFactory(username="salesperson", team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="teammate", team=team)


@pytest.fixture
def other_manager(db):
    return ManagerFactory(username="other_manager")


@pytest.fixture
def other_team(other_manager):
    return other_manager.team


@pytest.fixture
def other_salesperson(other_team):
    """A salesperson of another team: an outsider to `team`'s records."""
    return UserFactory(username="other_salesperson", team=other_team)


@pytest.fixture
def director(db):
    return UserFactory(username="director", role=Role.DIRECTOR)


@pytest.fixture
def front_desk(db):
    return UserFactory(username="front_desk", role=Role.FRONT_DESK)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """client_for(user) -> a test client signed in as `user`."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


# Browser tests -------------------------------------------------------------


def chromium_path() -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH); None means Playwright's own download."""
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the main thread for
    # the whole session, which trips Django's async-safety check on every later
    # ORM call; the ORM calls in tests are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (desktop size) against the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A browser page 375 px wide, as on a phone."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
