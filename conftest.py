"""Personas shared by every test: two teams, each role, and an outsider for each."""

import os
import shutil

import pytest
from django.test import Client
from django.utils import translation

from salescrm.roles import Role
from salescrm.tests.factories import ManagerFactory, UserFactory

# The shared test support (salescrm/testing/) asserts too: pytest rewrites its asserts as
# it does a test module's, so a failure shows the values (registered before any import).
pytest.register_assert_rewrite("salescrm.testing")

# Fixtures of the shared test support, available to every test without an import.
pytest_plugins = ["salescrm.testing.celery", "salescrm.testing.mail"]


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    """Tasks enqueued by the code under test run in the test, never in a stray broker queue.

    The integration tests that start a real worker switch this off for themselves.
    """
    from salescrm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language.

    A request by a user who chose Chinese activates it for the thread (the middleware),
    as Django's LocaleMiddleware does; in a worker the next request activates its own,
    but in a test the next test would inherit it.
    """
    yield
    translation.deactivate()


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
def finance(db):
    return UserFactory(username="finance", role=Role.FINANCE)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """client_for(user) -> a test client signed in as `user`."""

    from salescrm.accounts import mfa
    from salescrm.testing.mfa import verify_session

    def make(user):
        client = Client()
        client.force_login(user)
        if mfa.required(user) or mfa.has_authenticator(user):
            # As after a real second step: the session holds the device that verified it.
            verify_session(client, user)
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
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is dropped."""
    return live_server


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module of browser tests.

    Playwright's sync API keeps an event loop running in the main thread while
    it is open, which trips Django's async-safety check on ORM calls made by the
    test itself (still plain synchronous calls) and gives database connections a
    separate context; so it lives only as long as the module that needs it.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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


@pytest.fixture
def people(transactional_db, settings):
    """The demo people (no customers), by username, for browser walks across roles."""
    from demo.people import seed_people
    from salescrm.models import User

    seed_people(password=settings.DEMO_PASSWORD)
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def sign_in(browser, live_server, settings):
    """sign_in(username, phone=False) -> a page signed in through the real login form (and
    the second step, for the demo approvers)."""
    from salescrm.testing.browser import log_in

    contexts = []

    def open_as(username, *, phone=False):
        options = {"base_url": live_server.url, "locale": "en-US"}
        if phone:
            options.update(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, username, settings.DEMO_PASSWORD)
        page.wait_for_url("**/")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def claims_meet(monkeypatch):
    """Small job batches, and each worker thread's first claim that finds rows waits until the
    other's has too: both workers hold locked rows at the same moment and then keep claiming,
    so neither can take everything first (salescrm.jobs.claim)."""
    import threading

    from salescrm import jobs

    monkeypatch.setattr(jobs, "JOB_BATCH", 7)
    barrier = threading.Barrier(2, timeout=10)
    real = jobs.claim
    seen = threading.local()

    def claim_then_wait(queryset, **options):
        rows = real(queryset, **options)
        worker = threading.current_thread() is not threading.main_thread()
        if worker and rows and not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return rows

    monkeypatch.setattr(jobs, "claim", claim_then_wait)
