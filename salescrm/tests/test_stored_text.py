"""Stored texts are rendered for the reader: their language, their date and amount formats."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.utils import timezone, translation

from salescrm import notifications, stored_text
from salescrm.models import Notification
from salescrm.tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 2, 14, 50, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "2026年12月2日 14:50"), ("en", "2 Dec 2026 14:50")],
)
def test_a_moment_reads_in_the_readers_formats(language, expected):
    with translation.override(language):
        assert stored_text.display(stored_text.moment(DUE)) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "2026年12月2日"), ("en", "2 Dec 2026")]
)
def test_a_day_reads_in_the_readers_formats(language, expected):
    with translation.override(language):
        assert stored_text.display(stored_text.day(date(2026, 12, 2))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("155720.00"), "¥155,720.00"),
        (Decimal("1350704"), "¥1,350,704.00"),
        (Decimal("-80.5"), "-¥80.50"),
        ("0", "¥0.00"),
        (None, ""),
    ],
)
def test_money_has_the_currency_and_separators(value, expected):
    assert stored_text.money(value) == expected


def test_a_notification_written_in_english_reads_in_chinese_for_a_chinese_reader(
    db, django_capture_on_commit_callbacks
):
    reader = UserFactory(email="reader@example.com", language="zh-hans")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[reader],
            kind="first_contact_reminder",
            params={"customer": "远航贸易", "due": notifications.when(DUE)},
            subject=UserFactory(),  # any record: the reminder asks for an action
        )
        notifications.notify(
            recipients=[reader],
            kind="agreement_signed",
            params={
                "customer": "远航贸易",
                "number": "HT-2026-0007",
                "total": stored_text.amount(Decimal("155720")),
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.email_due(now=timezone.now() + timedelta(hours=1))

    reminder, signed = Notification.objects.order_by("pk")
    with translation.override("zh-hans"):
        assert "2026年12月2日 14:50" in notifications.message(reminder)
        assert "¥155,720.00" in notifications.message(signed)
    with translation.override("en"):
        assert "2 Dec 2026 14:50" in notifications.message(reminder)
    e_mails = "\n".join(m.subject + m.body for m in django_mail.outbox)
    assert "2026年12月2日 14:50" in e_mails
    assert "¥155,720.00" in e_mails
    assert "Dec" not in e_mails


def test_a_notification_written_in_chinese_reads_in_english_for_an_english_reader(
    db, django_capture_on_commit_callbacks
):
    reader = UserFactory(email="reader@example.com", language="en")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[reader],
            kind="first_contact_reminder",
            params={"customer": "Yuanhang Trading", "due": notifications.when(DUE)},
            subject=UserFactory(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.email_due(now=timezone.now() + timedelta(hours=1))

    (message,) = django_mail.outbox
    assert "2 Dec 2026 14:50" in message.subject + message.body
    assert "年" not in message.subject + message.body


def test_a_name_ending_in_a_full_stop_gets_no_second_one():
    with translation.override("en"):
        text = stored_text.render(
            notifications.MESSAGES["customer_assigned"], {"customer": "Acme Co., Ltd."}
        )
    assert text == "Acme Co., Ltd. was assigned to you."
    with translation.override("en"):
        text = stored_text.render(
            notifications.MESSAGES["customer_returned_to_pool"], {"customer": "Acme Co., Ltd."}
        )
    assert text == "Acme Co., Ltd. went back to the unowned pool."
    assert ".." not in stored_text.render(
        notifications.MESSAGES["comment"], {"actor": "Li", "customer": "Acme Ltd."}
    )
