"""The authentication log (salescrm.accounts.events): who, when, from where, the outcome;
read-only for the administrator, and the database refuses to change it."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salescrm.models import AuthEvent
from salescrm.testing.http import html
from salescrm.testing.mfa import next_code
from salescrm.tests.factories import TEST_PASSWORD, UserFactory

Kind = AuthEvent.Kind
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"


def visitor(ip="192.0.2.20") -> Client:
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER)


def sign_in(client, username, password=TEST_PASSWORD, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def test_a_sign_in_and_a_sign_out_are_recorded_with_who_when_and_where(salesperson):
    client = visitor()
    sign_in(client, "salesperson")
    client.post(reverse("logout"))

    login, logout = AuthEvent.objects.order_by("id")
    assert (login.kind, login.outcome, login.user, login.username) == (
        Kind.LOGIN,
        "success",
        salesperson,
        "salesperson",
    )
    assert login.ip_address == "192.0.2.20"
    assert login.user_agent == BROWSER
    assert login.at is not None
    assert (logout.kind, logout.user) == (Kind.LOGOUT, salesperson)


def test_a_failed_sign_in_is_recorded_even_for_an_unknown_name(salesperson):
    sign_in(visitor(), "salesperson", "wrong")
    sign_in(visitor("192.0.2.21"), "nobody-here", "wrong")

    known, unknown = AuthEvent.objects.order_by("id")
    assert (known.kind, known.outcome, known.user) == (Kind.LOGIN_FAILED, "failure", salesperson)
    assert (unknown.kind, unknown.user, unknown.username) == (
        Kind.LOGIN_FAILED,
        None,
        "nobody-here",
    )
    assert unknown.ip_address == "192.0.2.21"
    assert "wrong" not in {known.detail, unknown.detail}  # never the password


def test_a_lockout_is_recorded(admin_user):
    for _ in range(5):
        sign_in(visitor(), "admin", "wrong", url=reverse("admin:login"))

    events = Counter(AuthEvent.objects.values_list("kind", flat=True))

    assert events == {Kind.LOGIN_FAILED: 5, Kind.LOCKED_OUT: 1}
    assert AuthEvent.objects.get(kind=Kind.LOCKED_OUT).user == admin_user


def test_the_second_factor_is_recorded(manager):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=manager, name="authenticator", confirmed=True)
    client = visitor()
    sign_in(client, "manager")
    client.post(reverse("mfa_verify"), {"code": "not-a-code"})
    # After a wrong code django-otp accepts the next one a second later.
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        client.post(reverse("mfa_verify"), {"code": next_code(manager)})

    kinds = list(AuthEvent.objects.order_by("id").values_list("kind", "outcome"))
    assert kinds == [
        (Kind.LOGIN, "success"),
        (Kind.MFA_FAILED, "failure"),
        (Kind.MFA_VERIFIED, "success"),
    ]


def test_password_change_and_reset_are_recorded(
    client_for, salesperson, django_capture_on_commit_callbacks
):
    client_for(salesperson).post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        visitor().post(reverse("password_reset"), {"email": salesperson.email})
    from django.core import mail

    link = next(word for word in mail.outbox[0].body.split() if "/accounts/reset/" in word)
    client = visitor()
    set_password = client.get(link[link.index("/accounts/") :])["Location"]
    client.post(
        set_password,
        {"new_password1": "yet-another-passphrase", "new_password2": "yet-another-passphrase"},
    )

    events = AuthEvent.objects.exclude(kind=Kind.LOGIN).order_by("id")  # client_for's login
    assert [e.kind for e in events] == [
        Kind.PASSWORD_CHANGED,
        Kind.PASSWORD_RESET_REQUESTED,
        Kind.PASSWORD_RESET_DONE,
    ]
    assert all(e.user == salesperson for e in events)
    assert events[1].username == salesperson.email.lower()


def test_the_administrator_reads_the_log_in_the_admin(client_for, admin_user, salesperson):
    sign_in(visitor(), "salesperson", "wrong")
    event = AuthEvent.objects.get()
    client = client_for(admin_user)

    listing = client.get(reverse("admin:salescrm_authevent_changelist"))
    detail = client.get(reverse("admin:salescrm_authevent_change", args=[event.pk]))

    assert listing.status_code == 200
    assert "192.0.2.20" in html(listing)
    assert detail.status_code == 200
    assert 'name="_save"' not in html(detail)  # read-only
    assert client.get(reverse("admin:salescrm_authevent_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:salescrm_authevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuthEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_list_of_events_keeps_its_query_count(
    client_for, admin_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(admin_user)
    url = reverse("admin:salescrm_authevent_changelist")

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    for n in range(2):
        sign_in(visitor(), f"nobody{n}", "wrong")
    few = count()
    for n in range(12):
        UserFactory(username=f"someone{n}")
        sign_in(visitor(f"192.0.2.{100 + n}"), f"someone{n}", "wrong")
    assert count() == few


@pytest.mark.parametrize(
    "change",
    [lambda events: events.update(outcome="success"), lambda events: events.delete()],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_an_event(salesperson, change):
    sign_in(visitor(), "salesperson", "wrong")

    with pytest.raises(DatabaseError, match="never changed or removed"), transaction.atomic():
        change(AuthEvent.objects.all())
    assert AuthEvent.objects.get().outcome == "failure"
