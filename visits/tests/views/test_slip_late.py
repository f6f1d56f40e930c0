import pytest
from django.urls import reverse

from salescrm import notifications
from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, messages_of
from salescrm.testing.time import local
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_late_slip, make_slip_for

NOTICE = {"new_return": "2026-03-11T15:30", "text": "Meeting runs long"}


def late_url(slip) -> str:
    return reverse("visits:late", kwargs={"pk": slip.pk})


def test_the_salesperson_out_sends_a_late_notice_and_the_manager_is_told(
    client_for, salesperson, manager, customer
):
    slip = make_late_slip(customer)

    response = client_for(salesperson).post(late_url(slip), NOTICE)

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    assert messages_of(response) == ["Your manager has been told."]
    slip.refresh_from_db()
    assert slip.expected_return == slip.overdue_at == local(2026, 3, 11, 15, 30)
    assert slip.late_notice_text == "Meeting runs long"
    notice = Notification.objects.get(recipient=manager, kind="slip_late")
    assert "new return 11 Mar 2026 15:30." in notifications.message(notice)


def test_a_late_notice_without_a_time_is_refused(client_for, salesperson, customer):
    slip = make_late_slip(customer)
    before = slip.expected_return

    response = client_for(salesperson).post(late_url(slip), {"text": "Late"})

    assert messages_of(response) == ["Give the new return time."]
    assert VisitSlip.objects.get(pk=slip.pk).expected_return == before


def test_a_new_return_time_in_the_past_is_refused(client_for, salesperson, customer):
    slip = make_late_slip(customer)
    before = slip.expected_return

    response = client_for(salesperson).post(late_url(slip), {"new_return": "2026-03-11T09:00"})

    assert messages_of(response) == ["The new return time must be in the future."]
    assert VisitSlip.objects.get(pk=slip.pk).expected_return == before


def test_a_slip_not_out_sends_no_late_notice(client_for, salesperson, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(salesperson).post(late_url(slip), NOTICE)

    assert messages_of(response) == ["Only a slip that is out can send a late notice."]
    assert not Notification.objects.filter(kind="slip_late").exists()


@pytest.mark.parametrize(
    "outsider",
    [
        "teammate",
        "other_salesperson",
        "manager",
        "other_manager",
        "director",
        "front_desk",
        "admin_user",
    ],
)
def test_outsiders_get_404_and_nothing_changes(request, client_for, customer, outsider):
    slip = make_late_slip(customer)
    before = slip.expected_return
    client = client_for(request.getfixturevalue(outsider))

    assert client.post(late_url(slip), NOTICE).status_code == 404
    assert client.post(late_url(slip), {}).status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).expected_return == before
    assert not Notification.objects.filter(kind="slip_late").exists()


def test_late_sends_anonymous_visitors_to_login(client, customer):
    slip = make_late_slip(customer)

    assert_sent_to_login(client.post(late_url(slip), NOTICE))
    assert not Notification.objects.filter(kind="slip_late").exists()


def test_late_refuses_get(client_for, salesperson, customer):
    slip = make_late_slip(customer)

    assert client_for(salesperson).get(late_url(slip)).status_code == 405
