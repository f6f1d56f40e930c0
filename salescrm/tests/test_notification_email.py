import smtplib
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

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


def batch_due(note):
    """A moment at which `note`'s batch is due (its e-mail window has passed)."""
    return note.email_due_at + timedelta(seconds=1)


def test_a_notification_is_emailed_when_its_batch_is_due_in_the_readers_language(
    reader, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://crm.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        notify(reader)
    assert django_mail.outbox == []  # batched: not yet

    with django_capture_on_commit_callbacks(execute=True):
        notifications.email_due(now=batch_due(Notification.objects.get()))

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
    notify(reader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.email_due(now=batch_due(Notification.objects.get()))

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


# --- the lease and the sweep -------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the worker catches it, no cleanup runs."""


def die(*args, **kwargs):
    raise WorkerKilled


def test_a_worker_that_dies_while_sending_keeps_the_lease_and_nothing_is_marked_sent(
    reader, monkeypatch
):
    notify(reader)
    note = Notification.objects.get()
    monkeypatch.setattr(notifications.mail, "send_mail", die)

    with pytest.raises(WorkerKilled):
        notifications.email_notifications([note.pk])

    note.refresh_from_db()
    assert note.emailed_at is None
    assert note.email_claimed_at is not None
    assert note.email_attempts == 1


def test_a_redelivered_task_leaves_a_leased_notification_to_its_worker(reader, monkeypatch):
    notify(reader)
    note = Notification.objects.get()
    monkeypatch.setattr(notifications.mail, "send_mail", die)
    with pytest.raises(WorkerKilled):
        notifications.email_notifications([note.pk])
    monkeypatch.undo()

    # The broker delivers the task again at once (reject_on_worker_lost): the lease holds.
    assert notifications.email_notifications([note.pk]) == 0
    assert django_mail.outbox == []


def test_the_sweep_sends_again_what_a_dead_worker_held_once_the_lease_expires(
    reader, monkeypatch, django_capture_on_commit_callbacks
):
    notify(reader)
    note = Notification.objects.get()
    monkeypatch.setattr(notifications.mail, "send_mail", die)
    with pytest.raises(WorkerKilled):
        notifications.email_notifications([note.pk])
    monkeypatch.undo()
    lease = notifications.email_lease()

    def lease_taken(ago):
        # As if the worker died `ago` before now (the notification a little earlier).
        now = timezone.now()
        Notification.objects.update(
            email_claimed_at=now - ago, created_at=now - ago * 2, email_due_at=now - ago * 2
        )

    lease_taken(lease / 2)
    with django_capture_on_commit_callbacks(execute=True):
        early = notifications.email_sweep(now=timezone.now())
    assert early == {"e-mails queued again": 0}
    assert django_mail.outbox == []

    lease_taken(lease + timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        late = notifications.email_sweep(now=timezone.now())

    assert late == {"e-mails queued again": 1}
    assert [message.to for message in django_mail.outbox] == [["reader@example.com"]]
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert note.email_attempts == 2
    # Sent: a later sweep, or the first task delivered again, sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = notifications.email_sweep(now=timezone.now() + 2 * lease)
    assert again == {"e-mails queued again": 0}
    assert notifications.email_notifications([note.pk]) == 0
    assert len(django_mail.outbox) == 1


def test_the_sweep_queues_a_notification_whose_task_was_lost(
    reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notify(reader)  # its task is never enqueued
    long_ago = timezone.now() - notifications.email_lease() - timedelta(seconds=1)
    Notification.objects.update(created_at=long_ago, email_due_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        counts = notifications.email_sweep(now=timezone.now())

    assert counts == {"e-mails queued again": 1}
    assert len(django_mail.outbox) == 1


def test_the_sweep_gives_up_on_an_address_that_keeps_failing(reader):
    notify(reader)
    Notification.objects.update(email_attempts=notifications.MAX_EMAIL_ATTEMPTS)
    note = Notification.objects.get()
    later = note.email_due_at + notifications.email_lease() + timedelta(seconds=1)

    assert notifications.email_sweep(now=later) == {"e-mails queued again": 0}
    assert notifications.email_notifications([note.pk]) == 0


def test_the_sweep_is_a_scheduled_job_that_sends_nothing_on_a_dry_run(reader):
    from salescrm import jobs

    job = jobs.JOBS["notification_email_sweep"]
    assert job.crontab == {"minute": "*/5"}
    assert job.sends_mail
    notify(reader)
    note = Notification.objects.get()
    later = note.email_due_at + notifications.email_lease() + timedelta(seconds=1)

    assert jobs.run_job("notification_email_sweep", now=later, dry_run=True) == {
        "e-mails queued again": 1
    }
    assert django_mail.outbox == []


def test_the_lease_and_the_visibility_timeout_outlast_the_task_time_limit(settings):
    from salescrm.celery import app

    limit = app.conf.task_time_limit
    assert limit < settings.NOTIFICATION_EMAIL_LEASE
    assert limit < settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    if not app.conf.broker_url.startswith("filesystem://"):
        options = app.conf.broker_transport_options
        assert options["visibility_timeout"] == settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    from salescrm.tasks import send_notification_emails

    assert send_notification_emails.retry_backoff_max < settings.CELERY_BROKER_VISIBILITY_TIMEOUT
