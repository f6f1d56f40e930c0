"""Brute force: failed sign-ins lock out the account and the client address for a cool-off,
on the app's login page and the admin's (django-axes, salescrm.accounts.lockout)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salescrm.roles import Role
from salescrm.testing.http import html
from salescrm.tests.factories import TEST_PASSWORD, UserFactory

LOCKED = "Too many failed sign-ins. Signing in is blocked for 15 minutes"


def sign_in(client, username, password, *, url=None, **extra):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_then_the_right_one_is_refused(salesperson):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "salesperson", "wrong").status_code == 200

    fifth = sign_in(client, "salesperson", "wrong")
    right = sign_in(client, "salesperson", TEST_PASSWORD)

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert LOCKED in html(right)
    assert "Log in to SalesCRM" in html(right)  # the login page, not a bare error
    assert not signed_in(client)
    # From another address too: the account itself is locked.
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(other, "salesperson", TEST_PASSWORD).status_code == 429
    assert not signed_in(other)


def test_four_wrong_passwords_do_not_lock_and_a_success_clears_the_count(salesperson):
    client = Client()
    for _ in range(4):
        sign_in(client, "salesperson", "wrong")

    assert sign_in(client, "salesperson", TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        sign_in(client, "salesperson", "wrong")
    assert sign_in(client, "salesperson", TEST_PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_15_minute_cool_off(salesperson):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        for _ in range(5):
            sign_in(client, "salesperson", "wrong")
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert sign_in(Client(), "salesperson", TEST_PASSWORD).status_code == 429
    # The refused try at minute 14 was a failure too: the cool-off runs from it.
    with time_machine.travel(start + timedelta(minutes=14 + 15, seconds=1), tick=False):
        client = Client()
        assert sign_in(client, "salesperson", TEST_PASSWORD).status_code == 302
        assert signed_in(client)


def test_failures_spread_over_eleven_accounts_from_one_address_lock_that_address(db):
    users = [UserFactory(username=f"spread{n}") for n in range(11)]
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [sign_in(attacker, users[n % 11].username, "wrong").status_code for n in range(30)]

    # No account reached 5 failures (at most 2 each by the 20th try), the address did.
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    response = sign_in(attacker, users[0].username, TEST_PASSWORD)
    assert response.status_code == 429
    assert not signed_in(attacker)
    # Someone else, from another address, still signs in to one of those accounts.
    colleague = Client(REMOTE_ADDR="198.51.100.8")
    assert sign_in(colleague, users[0].username, TEST_PASSWORD).status_code == 302


def test_the_admin_login_locks_out_too(admin_user):
    client = Client()
    url = reverse("admin:login")
    for _ in range(5):
        sign_in(client, "admin", "wrong", url=url)

    response = sign_in(client, "admin", TEST_PASSWORD, url=url)

    assert response.status_code == 429
    assert LOCKED in html(response)
    assert 'id="login-form"' in html(response)  # the admin's own login page
    assert not signed_in(client)


def test_ten_wrong_passwords_at_the_admin_login_refuse_the_right_one(admin_user):
    client = Client()
    url = reverse("admin:login")
    statuses = [sign_in(client, "admin", "wrong", url=url).status_code for _ in range(10)]

    assert statuses.count(429) == 6
    assert sign_in(client, "admin", TEST_PASSWORD, url=url).status_code == 429


def test_an_administrator_unlocks_the_account_in_the_admin(client_for, salesperson, admin_user):
    for _ in range(5):
        sign_in(Client(), "salesperson", "wrong")
    assert sign_in(Client(), "salesperson", TEST_PASSWORD).status_code == 429
    attempts = list(AccessAttempt.objects.filter(username="salesperson"))
    assert attempts

    response = client_for(admin_user).post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )

    assert response.status_code == 302, html(response)
    assert response.url == reverse("admin:axes_accessattempt_changelist")
    assert not AccessAttempt.objects.filter(username="salesperson").exists()
    client = Client()
    assert sign_in(client, "salesperson", TEST_PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_page_speaks_chinese(salesperson):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _ in range(5):
        sign_in(client, "salesperson", "wrong")

    response = sign_in(client, "salesperson", TEST_PASSWORD)

    assert response.status_code == 429
    assert "登录失败次数过多" in html(response)


@pytest.mark.parametrize("path", ["login", "admin:login"])
def test_behind_the_proxy_failures_count_against_the_forwarded_client(settings, db, path):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    users = [UserFactory(username=f"proxied{n}", role=Role.ADMIN, is_staff=True) for n in range(11)]
    url = reverse(path)
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    for n in range(20):
        sign_in(attacker, users[n % 11].username, "wrong", url=url)

    assert sign_in(attacker, users[0].username, TEST_PASSWORD, url=url).status_code == 429
    # Another person behind the same proxy is not locked out.
    colleague = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert sign_in(colleague, users[0].username, TEST_PASSWORD, url=url).status_code == 302
    # A client writing its own X-Forwarded-For cannot pick a fresh address: the proxy
    # appends the real one, and only the right-most entry that is not a proxy counts.
    spoofer = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    assert sign_in(spoofer, users[0].username, TEST_PASSWORD, url=url).status_code == 429
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.2").exists()
