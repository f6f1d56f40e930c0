"""Passwords: at least 12 characters; reset e-mails throttled per address and per client,
sent by the worker; the reset token kept out of every log."""

import io
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salescrm import tasks
from salescrm.models import AuthEvent
from salescrm.testing.http import html
from salescrm.tests.factories import TEST_PASSWORD, UserFactory

Kind = AuthEvent.Kind
TOKEN_PATH = "/accounts/reset/MTIz/cwlu4h-0f1e2d3c4b5a69788796a5b4c3d2e1f0/"


@pytest.mark.parametrize(("password", "accepted"), [("eleven-char", False), ("twelve-chars", True)])
def test_a_new_password_has_at_least_12_characters(client_for, salesperson, password, accepted):
    response = client_for(salesperson).post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )

    salesperson.refresh_from_db()
    assert salesperson.check_password(password) is accepted
    if not accepted:
        assert "at least 12 characters" in html(response)


def test_the_reset_e_mail_is_sent_by_the_worker_not_in_the_request(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    user = UserFactory(email="reset.me@example.com")
    enqueued = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", lambda *args: enqueued.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("password_reset"), {"email": "Reset.Me@example.com"})

    assert response.status_code == 302
    assert django_mail.outbox == []  # nothing sent inside the request
    assert enqueued == [(user.pk,)]  # only the id travels; the worker makes the token
    assert tasks.send_password_reset(user.pk) == 1
    assert len(django_mail.outbox) == 1
    assert re.search(r"/accounts/reset/[^/]+/[^/]+/", django_mail.outbox[0].body)


def post_reset(email, *, ip="192.0.2.10"):
    return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def test_ten_requests_for_one_address_send_three_e_mails(db, django_capture_on_commit_callbacks):
    UserFactory(email="target@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            post_reset("target@example.com", ip=f"192.0.2.{n}").status_code for n in range(10)
        ]

    assert statuses == [302] * 3 + [429] * 7
    assert len(django_mail.outbox) == 3
    refused = post_reset("TARGET@example.com", ip="192.0.2.99")
    assert "Too many reset e-mails were asked for this address" in html(refused)
    assert AuthEvent.objects.filter(kind=Kind.PASSWORD_RESET_REFUSED).count() == 8
    # An hour later the address may ask again.
    later = timezone.now() + timedelta(hours=1, minutes=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert post_reset("target@example.com").status_code == 302
    assert len(django_mail.outbox) == 4


def test_one_client_asks_for_at_most_ten_resets_an_hour(db, django_capture_on_commit_callbacks):
    for n in range(11):
        UserFactory(email=f"person{n}@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post_reset(f"person{n}@example.com").status_code for n in range(11)]

    assert statuses == [302] * 10 + [429]
    assert len(django_mail.outbox) == 10
    assert "Too many password resets were asked from your network" in html(
        post_reset("person0@example.com")
    )
    # Another client is not held back.
    assert post_reset("person10@example.com", ip="192.0.2.77").status_code == 302


def test_unknown_addresses_count_too_and_send_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post_reset("nobody@example.com").status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert django_mail.outbox == []


def log_through(logger_name, message, *args) -> str:
    """What the configured handlers of `logger_name` write for one record."""
    logger = logging.getLogger(logger_name)
    handlers, current = [], logger
    while current is not None:  # the handlers the record reaches, as logging walks up
        # Our configured stream handlers (pytest's capture handlers are subclasses).
        handlers += [h for h in current.handlers if type(h) is logging.StreamHandler]
        current = current.parent if current.propagate else None
    assert handlers
    buffer = io.StringIO()
    streams = [handler.setStream(buffer) for handler in handlers]
    try:
        logger.error(message, *args)
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)
    return buffer.getvalue()


@pytest.mark.parametrize("logger_name", ["django.server", "django.request", "celery", "root"])
def test_no_reset_token_reaches_a_log(logger_name):
    line = log_through(
        None if logger_name == "root" else logger_name,
        '"%s" %s %s',
        f"GET {TOKEN_PATH} HTTP/1.1",
        "302",
        "0",
    )

    assert "cwlu4h-0f1e2d3c4b5a69788796a5b4c3d2e1f0" not in line
    assert "/accounts/reset/MTIz/[redacted]/" in line


def test_the_set_password_step_is_logged_as_it_is():
    line = log_through("django.server", "GET /accounts/reset/MTIz/set-password/ HTTP/1.1")

    assert "/accounts/reset/MTIz/set-password/" in line


def test_gunicorns_access_log_has_no_reset_token(tmp_path):
    from datetime import timedelta as duration
    from types import SimpleNamespace

    from gunicorn.config import Config

    from salescrm.accounts.redact import RedactingGunicornLogger

    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    logger = RedactingGunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": TOKEN_PATH,
        "PATH_INFO": TOKEN_PATH,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://crm.example.com{TOKEN_PATH}",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", f"https://crm.example.com{TOKEN_PATH}")])

    logger.access(response, request, environ, duration(milliseconds=5))

    written = log_file.read_text()
    assert "GET /accounts/reset/MTIz/[redacted]/ HTTP/1.1" in written
    assert "cwlu4h" not in written


def test_the_procfile_runs_gunicorn_with_the_redacting_logger(settings):
    procfile = (settings.BASE_DIR / "Procfile").read_text()

    assert "--logger-class salescrm.accounts.redact.RedactingGunicornLogger" in procfile
