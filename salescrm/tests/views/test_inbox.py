import pytest
from django.urls import reverse

from salescrm import notifications
from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, html
from salescrm.tests.factories import UserFactory


def test_marking_read_ignores_ids_with_unusual_digits(client_for, salesperson):
    response = client_for(salesperson).post(
        reverse("inbox_mark_read"), {"notification": ["²", "1"]}
    )

    assert response.status_code == 302


def note(recipient, kind="slip_approved", *, subject=None, url="/customers/"):
    subject = subject or recipient
    notifications.notify(
        recipients=[recipient], kind=kind, params={"customer": "Acme"}, url=url, subject=subject
    )
    return Notification.objects.filter(recipient=recipient).latest("pk")


def test_opening_a_notification_marks_it_read_and_opens_its_page(client_for, salesperson):
    opened = note(salesperson, url="/visits/")

    response = client_for(salesperson).get(reverse("inbox_open", args=[opened.pk]))

    assert response.status_code == 302
    assert response.url == "/visits/"
    opened.refresh_from_db()
    assert opened.read_at is not None


def test_nobody_opens_someone_elses_notification(client_for, salesperson, teammate):
    theirs = note(teammate)

    response = client_for(salesperson).get(reverse("inbox_open", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_needs_a_sign_in(client, salesperson):
    assert_sent_to_login(client.get(reverse("inbox_open", args=[note(salesperson).pk])))


def test_the_inbox_has_a_tab_of_what_needs_action_and_one_for_information(client_for, manager):
    subject = UserFactory(username="the-subject")
    note(manager, "slip_submitted", subject=subject)
    note(manager, "slip_approved")
    client = client_for(manager)

    action = client.get(reverse("inbox"))  # opens on what needs action
    info = client.get(reverse("inbox") + "?tab=info")

    assert action.context["tab"] == "action"
    assert [n.kind for n in action.context["page"]] == ["slip_submitted"]
    assert "Approve or reject" in html(action)
    assert [n.kind for n in info.context["page"]] == ["slip_approved"]


def test_an_action_done_moves_to_information_marked_done(client_for, manager):
    subject = UserFactory(username="the-subject")
    note(manager, "slip_submitted", subject=subject)
    notifications.resolve(subject=subject, kinds=["slip_submitted"])

    response = client_for(manager).get(reverse("inbox") + "?tab=info")

    assert [n.kind for n in response.context["page"]] == ["slip_submitted"]
    assert 'data-testid="done"' in html(response)


@pytest.mark.parametrize("tab", ["", "nonsense"])
def test_an_unknown_tab_falls_back(client_for, salesperson, tab):
    assert client_for(salesperson).get(reverse("inbox") + f"?tab={tab}").status_code == 200


def test_the_badge_counts_what_still_waits(client_for, manager):
    subject = UserFactory(username="the-subject")
    note(manager, "slip_submitted", subject=subject)
    note(manager, "slip_approved")
    notifications.mark_read(user=manager)  # read, but the approval is not done

    response = client_for(manager).get(reverse("inbox"))

    assert response.context["unread_count"] == 1
    notifications.resolve(subject=subject, kinds=["slip_submitted"])
    assert client_for(manager).get(reverse("inbox")).context["unread_count"] == 0
