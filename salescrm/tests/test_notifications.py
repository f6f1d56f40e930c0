"""Notifications that ask for an action wait until it is done, for every recipient."""

import pytest
from django.utils import timezone

from salescrm import notifications
from salescrm.models import Notification
from salescrm.tests.factories import UserFactory


@pytest.fixture
def subject(db):
    """Any record will do as what a notification is about (here: a user)."""
    return UserFactory(username="subject")


def ask(recipients, subject, kind="slip_submitted"):
    notifications.notify(
        recipients=recipients, kind=kind, params={"customer": "Acme"}, subject=subject
    )


def test_a_notification_asking_for_an_action_must_name_its_subject(manager):
    with pytest.raises(ValueError, match="subject"):
        notifications.notify(recipients=[manager], kind="slip_submitted", params={})


def test_resolving_stops_it_waiting_for_every_recipient(manager, director, subject):
    ask([manager, director], subject)
    assert notifications.waiting_for(manager).count() == 1

    resolved = notifications.resolve(subject=subject, kinds=["slip_submitted"])

    assert resolved == 2
    assert not notifications.waiting_for(manager).exists()
    assert not notifications.waiting_for(director).exists()
    assert Notification.objects.filter(resolved_at__isnull=False).count() == 2


def test_resolving_leaves_other_subjects_and_other_kinds_waiting(manager, subject):
    other = UserFactory(username="other-subject")
    ask([manager], subject)
    ask([manager], other)
    ask([manager], subject, kind="claim_filed")

    notifications.resolve(subject=subject, kinds=["slip_submitted"])

    assert sorted(notifications.waiting_for(manager).values_list("kind", flat=True)) == [
        "claim_filed",
        "slip_submitted",
    ]


def test_an_action_read_but_not_done_still_waits(manager, subject):
    ask([manager], subject)
    notifications.mark_read(user=manager)

    assert notifications.waiting_for(manager).count() == 1
    assert notifications.needing_action(manager).count() == 1


def test_information_waits_until_read(manager, subject):
    notifications.notify(
        recipients=[manager], kind="slip_approved", params={"customer": "Acme"}, subject=subject
    )
    assert list(notifications.for_information(manager)) == list(notifications.waiting_for(manager))

    notifications.mark_read(user=manager)

    assert not notifications.waiting_for(manager).exists()


def test_only_kinds_that_ask_for_an_action_are_resolved(subject):
    with pytest.raises(ValueError, match="slip_approved"):
        notifications.resolve(subject=subject, kinds=["slip_approved"])


def test_resolving_twice_changes_nothing_more(manager, subject):
    ask([manager], subject)
    first = timezone.now()
    notifications.resolve(subject=subject, kinds=["slip_submitted"], now=first)

    assert notifications.resolve(subject=subject, kinds=["slip_submitted"]) == 0
    assert Notification.objects.get().resolved_at == first
