from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from salescrm.testing.http import assert_sent_to_login, messages_of
from salescrm.testing.time import local
from visits.models import SlipState, VisitLog, VisitSlip
from visits.tests.factories import make_slip_for


def return_url(slip) -> str:
    return reverse("visits:return", kwargs={"pk": slip.pk})


def out_now(customer):
    return make_slip_for(
        customer, SlipState.DEPARTED, departure=local(2026, 3, 11, 8), back=local(2026, 3, 11, 12)
    )


def test_the_front_desk_registers_the_return_in_one_tap_and_the_log_falls_due(
    client_for, front_desk, salesperson, customer
):
    slip = out_now(customer)

    response = client_for(front_desk).post(return_url(slip), {"next": "desk"})

    assert response.status_code == 302
    assert response.url == reverse("visits:desk")
    assert messages_of(response) == ["Return registered."]
    slip.refresh_from_db()
    assert (slip.state, slip.return_by, slip.overdue_at) == (SlipState.RETURNED, front_desk, None)
    log = VisitLog.objects.get(slip=slip)
    assert log.author == salesperson
    assert timezone.localdate(log.due_at) == date(2026, 3, 13)  # the 2nd working day after


def test_the_salesperson_registers_their_own_return(client_for, salesperson, customer):
    slip = out_now(customer)

    response = client_for(salesperson).post(return_url(slip))

    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    slip.refresh_from_db()
    assert (slip.state, slip.return_by) == (SlipState.RETURNED, salesperson)


def test_the_front_desk_registers_the_return_of_someone_out_since_yesterday(
    client_for, front_desk, customer
):
    slip = make_slip_for(
        customer, SlipState.DEPARTED, departure=local(2026, 3, 10, 16), back=local(2026, 3, 10, 17)
    )

    client_for(front_desk).post(return_url(slip))

    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.RETURNED


def test_a_second_tap_on_return_says_why_and_keeps_one_log(client_for, front_desk, customer):
    slip = out_now(customer)
    client = client_for(front_desk)
    client.post(return_url(slip), follow=True)

    response = client.post(return_url(slip))

    assert messages_of(response) == ["That is not possible now: the slip is “Returned”."]
    assert VisitLog.objects.filter(slip=slip).count() == 1


def test_a_slip_not_yet_out_cannot_come_back(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(front_desk).post(return_url(slip))

    assert messages_of(response) == ["That is not possible now: the slip is “Approved”."]
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


def test_the_front_desk_gets_404_for_a_slip_planned_tomorrow(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED, departure=local(2026, 3, 12, 10))

    assert client_for(front_desk).post(return_url(slip)).status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


@pytest.mark.parametrize(
    "outsider",
    [
        "teammate",
        "other_salesperson",
        "manager",
        "other_manager",
        "director",
        "admin_user",
    ],
)
def test_outsiders_get_404_and_nothing_moves(request, client_for, customer, outsider):
    slip = out_now(customer)

    response = client_for(request.getfixturevalue(outsider)).post(return_url(slip))

    assert response.status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.DEPARTED
    assert not VisitLog.objects.exists()


def test_return_sends_anonymous_visitors_to_login(client, customer):
    slip = out_now(customer)

    assert_sent_to_login(client.post(return_url(slip)))
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.DEPARTED


def test_return_refuses_get(client_for, front_desk, customer):
    slip = out_now(customer)

    assert client_for(front_desk).get(return_url(slip)).status_code == 405
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.DEPARTED
