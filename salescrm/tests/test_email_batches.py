"""Notification e-mail does not flood: one summary per reader per window, a daily summary,
and nothing for the kinds a reader turned off (the inbox still has them)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from salescrm import jobs, notifications
from salescrm.models import Notification
from salescrm.tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def reader(db):
    return UserFactory(email="reader@example.com", language="zh-hans")


def guidance(reader, n):
    notifications.notify(
        recipients=[reader],
        kind="guidance",
        params={"customer": f"客户{n}"},
        url=f"/customers/{n}/",
    )


def run_due(now, capture):
    with capture(execute=True):
        return jobs.run_job("notification_email_due", now=now)


def test_ten_notifications_within_the_window_make_one_email_listing_them_all(
    reader, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://crm.example.com"
    settings.EMAIL_BATCH_MINUTES = 5
    start = timezone.now()
    for n in range(10):
        guidance(reader, n)
    # Spread over the window, as a busy morning would.
    for minute, note in enumerate(Notification.objects.order_by("pk")):
        created = start + timedelta(seconds=25 * minute)
        Notification.objects.filter(pk=note.pk).update(
            created_at=created, email_due_at=created + timedelta(minutes=5)
        )

    assert run_due(start + timedelta(minutes=4), django_capture_on_commit_callbacks) == {
        "readers": 0,
        "notifications": 0,
    }
    assert django_mail.outbox == []

    counts = run_due(start + timedelta(minutes=5, seconds=1), django_capture_on_commit_callbacks)

    assert counts == {"readers": 1, "notifications": 10}
    (message,) = django_mail.outbox
    assert message.to == ["reader@example.com"]
    assert "10" in message.subject
    for n in range(10):
        assert f"客户{n}" in message.body
        assert f"https://crm.example.com/customers/{n}/" in message.body
    assert "指导" in message.body  # the reader's language
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    # Run again (beat twice, a second worker): nothing more.
    run_due(start + timedelta(minutes=7), django_capture_on_commit_callbacks)
    assert len(django_mail.outbox) == 1


def test_a_notification_after_a_summary_waits_for_its_own_window(
    reader, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BATCH_MINUTES = 5
    guidance(reader, 1)
    first = Notification.objects.get()
    run_due(first.email_due_at, django_capture_on_commit_callbacks)
    assert len(django_mail.outbox) == 1

    guidance(reader, 2)
    second = Notification.objects.exclude(pk=first.pk).get()
    assert second.email_due_at - second.created_at > timedelta(minutes=4, seconds=59)
    run_due(second.email_due_at - timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert len(django_mail.outbox) == 1
    run_due(second.email_due_at, django_capture_on_commit_callbacks)
    assert len(django_mail.outbox) == 2


def test_a_kind_turned_off_is_never_emailed_but_stays_in_the_inbox(
    reader, django_capture_on_commit_callbacks
):
    notifications.email_preferences_set(user=reader, preferences={"guidance": "off"})
    guidance(reader, 1)
    notifications.notify(recipients=[reader], kind="slip_approved", params={"customer": "甲"})

    run_due(timezone.now() + timedelta(days=2), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.email_sweep(now=timezone.now() + timedelta(days=1))

    (message,) = django_mail.outbox  # only the slip's
    assert "甲" in message.subject + message.body
    assert "客户1" not in message.subject + message.body
    assert notifications.inbox_for(reader).count() == 2
    off = Notification.objects.get(kind="guidance")
    assert off.emailed_at is None
    assert notifications.email_notifications([off.pk]) == 0


def test_daily_kinds_wait_for_the_daily_summary(
    reader, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_DAILY_DIGEST_HOUR = 8
    notifications.email_preferences_set(user=reader, preferences={"guidance": "daily"})
    guidance(reader, 1)
    guidance(reader, 2)
    note = Notification.objects.first()
    due = timezone.localtime(note.email_due_at)
    assert (due.hour, due.minute) == (8, 0)
    assert note.created_at < due <= note.created_at + timedelta(days=1)

    run_due(due - timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert django_mail.outbox == []
    run_due(due, django_capture_on_commit_callbacks)
    (summary,) = django_mail.outbox
    assert "客户1" in summary.body
    assert "客户2" in summary.body


def test_the_next_daily_summary_is_today_before_the_hour_and_tomorrow_after_it(settings):
    settings.EMAIL_DAILY_DIGEST_HOUR = 8
    settings.TIME_ZONE = "Asia/Shanghai"
    early = datetime(2026, 12, 3, 7, 30, tzinfo=SHANGHAI)
    late = datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)
    assert notifications.next_daily_digest(early) == datetime(2026, 12, 3, 8, tzinfo=SHANGHAI)
    assert notifications.next_daily_digest(late) == datetime(2026, 12, 4, 8, tzinfo=SHANGHAI)


def test_informational_kinds_default_to_the_daily_summary_and_actions_to_the_window(reader):
    assert notifications.email_mode(reader, "comment") == "daily"
    assert notifications.email_mode(reader, "slip_submitted") == "instant"
    notifications.email_preferences_set(user=reader, preferences={"comment": "instant"})
    assert notifications.email_mode(reader, "comment") == "instant"


def test_unknown_preferences_are_refused(reader):
    with pytest.raises(ValueError, match="not a kind and mode"):
        notifications.email_preferences_set(user=reader, preferences={"guidance": "hourly"})
    with pytest.raises(ValueError, match="not a kind and mode"):
        notifications.email_preferences_set(user=reader, preferences={"nonsense": "off"})


def test_a_batch_is_sent_once_and_leaves_what_another_worker_holds(reader):
    for n in range(3):
        guidance(reader, n)
    held, *free = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=held.pk).update(email_claimed_at=timezone.now())
    ids = [held.pk, *(note.pk for note in free)]

    assert notifications.email_notifications(ids) == 1
    assert notifications.email_notifications(ids) == 0

    (message,) = django_mail.outbox
    assert "客户1" in message.body
    assert "客户2" in message.body
    assert "客户0" not in message.body
    held.refresh_from_db()
    assert held.emailed_at is None  # its worker (or the sweep after the lease) sends it


def test_one_summary_per_reader(db, django_capture_on_commit_callbacks):
    one = UserFactory(email="one@example.com")
    two = UserFactory(email="two@example.com")
    for n in range(3):
        guidance(one, n)
        guidance(two, n)

    run_due(timezone.now() + timedelta(minutes=6), django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in django_mail.outbox) == [
        "one@example.com",
        "two@example.com",
    ]
