import smtplib

import pytest
from django.core import mail as django_mail

from salescrm import notifications
from salescrm.models import Notification
from salescrm.tests.factories import UserFactory


@pytest.fixture
def reader(db):
    return UserFactory(email="reader@example.com", language="zh-hans")


def notify(recipient, **kwargs):
    notifications.notify(
        recipients=[recipient],
        kind="guidance",
        actor=UserFactory(first_name="Li", last_name="Wang"),
        params={"customer": "远航贸易"},
        url="/customers/1/",
        body="先约对方市场总监。",
        **kwargs,
    )


def test_a_notification_is_emailed_after_commit_in_the_readers_language(
    reader, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://crm.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        notify(reader)

    (message,) = django_mail.outbox
    assert message.to == ["reader@example.com"]
    assert "远航贸易" in message.subject
    assert "指导意见" in message.body or "指导" in message.body
    assert "先约对方市场总监。" in message.body
    assert "https://crm.example.com/customers/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "先约对方市场总监。" in html
    assert Notification.objects.get().emailed_at is not None


def test_nothing_is_emailed_before_the_transaction_commits(
    reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(reader)

    assert len(callbacks) == 1
    assert django_mail.outbox == []


def test_a_notification_is_emailed_once_even_if_the_task_runs_twice(reader):
    notify(reader)
    note = Notification.objects.get()

    assert notifications.email_notifications([note.pk]) == 1
    assert notifications.email_notifications([note.pk]) == 0
    assert len(django_mail.outbox) == 1


def test_people_without_an_address_get_no_email(db):
    person = UserFactory(email="")
    notify(person)

    assert (
        notifications.email_notifications(list(Notification.objects.values_list("pk", flat=True)))
        == 0
    )


def test_a_failed_send_is_given_back_for_the_retry(reader, monkeypatch):
    notify(reader)
    note = Notification.objects.get()

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(notifications.mail, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.email_notifications([note.pk])

    note.refresh_from_db()
    assert note.emailed_at is None


def test_the_email_task_retries_on_mail_server_errors():
    from salescrm.tasks import send_notification_emails

    assert smtplib.SMTPException in send_notification_emails.autoretry_for
    assert send_notification_emails.max_retries > 0
