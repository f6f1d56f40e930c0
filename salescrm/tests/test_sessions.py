"""Sessions end after an idle while and after a working day, whatever happens."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from salescrm.testing.http import messages_of
from salescrm.testing.time import at

LOGIN = at(2026, 3, 2, 8, 0)


@pytest.fixture
def signed_in(salesperson):
    """A client that logged in at LOGIN (Monday 08:00 in Shanghai)."""
    client = Client()
    with time_machine.travel(LOGIN, tick=False):
        client.force_login(salesperson)
    return client


def visit(client, moment):
    with time_machine.travel(moment, tick=False):
        return client.get(reverse("home"))


def test_the_defaults_suit_a_working_day(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 2 * 3600
    assert settings.SESSION_MAX_AGE == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_AGE


def test_a_session_used_within_the_idle_timeout_goes_on(signed_in):
    client = signed_in

    assert visit(client, LOGIN).status_code == 200
    assert visit(client, LOGIN + timedelta(hours=1, minutes=59)).status_code == 200
    assert visit(client, LOGIN + timedelta(hours=3, minutes=58)).status_code == 200


def test_a_session_idle_longer_than_the_timeout_ends(signed_in):
    client = signed_in
    visit(client, LOGIN)

    response = visit(client, LOGIN + timedelta(hours=2, minutes=1))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    follow = client.get(response.url)
    assert "you were logged out" in " ".join(messages_of(follow))
    assert "_auth_user_id" not in client.session


def test_a_session_ends_twelve_hours_after_the_login_even_when_busy(signed_in):
    client = signed_in
    for hour in range(12):
        assert visit(client, LOGIN + timedelta(hours=hour, minutes=59)).status_code == 200

    response = visit(client, LOGIN + timedelta(hours=12, minutes=1))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "Your session has ended" in " ".join(messages_of(client.get(response.url)))


@pytest.mark.parametrize(("idle", "ends"), [(600, False), (601, True)])
def test_the_idle_timeout_is_configurable(signed_in, settings, idle, ends):
    settings.SESSION_IDLE_TIMEOUT = 600
    client = signed_in
    visit(client, LOGIN)

    response = visit(client, LOGIN + timedelta(seconds=idle))

    assert (response.status_code == 302) is ends
