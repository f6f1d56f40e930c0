import pytest
from django.urls import reverse

from salescrm.testing.http import assert_sent_to_login, messages_of
from salescrm.testing.time import local
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_slip_for


def depart_url(slip) -> str:
    return reverse("visits:depart", kwargs={"pk": slip.pk})


def test_the_front_desk_registers_the_departure_in_one_tap(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(front_desk).post(depart_url(slip), {"next": "desk"})

    assert response.status_code == 302
    assert response.url == reverse("visits:desk")
    assert messages_of(response) == ["Departure registered."]
    slip.refresh_from_db()
    assert (slip.state, slip.departure_by) == (SlipState.DEPARTED, front_desk)
    assert slip.departed_at == local(2026, 3, 11, 10)
    assert slip.overdue_at == slip.expected_return


@pytest.mark.parametrize("state", [SlipState.SUBMITTED, SlipState.CANCELLED])
def test_an_unapproved_slip_is_refused_with_the_reason_and_nothing_changes(
    client_for, front_desk, customer, state
):
    slip = make_slip_for(customer, state)

    response = client_for(front_desk).post(depart_url(slip), {"next": "desk"})

    assert response.status_code == 302
    assert response.url == reverse("visits:desk")
    [message] = messages_of(response)
    assert message == f"That is not possible now: the slip is “{state.label}”."
    slip.refresh_from_db()
    assert (slip.state, slip.departed_at, slip.departure_by) == (state, None, None)


def test_a_second_tap_on_departure_says_the_salesperson_is_already_out(
    client_for, front_desk, customer
):
    slip = make_slip_for(customer, SlipState.APPROVED)
    client = client_for(front_desk)
    client.post(depart_url(slip), {"next": "desk"}, follow=True)
    departed_at = VisitSlip.objects.get(pk=slip.pk).departed_at

    response = client.post(depart_url(slip), {"next": "desk"})

    assert messages_of(response) == ["That is not possible now: the slip is “Out on the visit”."]
    slip.refresh_from_db()
    assert (slip.state, slip.departed_at) == (SlipState.DEPARTED, departed_at)


def test_the_front_desk_gets_404_for_a_slip_planned_tomorrow(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED, departure=local(2026, 3, 12, 10))

    response = client_for(front_desk).post(depart_url(slip))

    assert response.status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


@pytest.mark.parametrize(
    "outsider",
    [
        "salesperson",
        "teammate",
        "other_salesperson",
        "manager",
        "other_manager",
        "director",
        "admin_user",
    ],
)
def test_outsiders_get_404_and_nothing_moves(request, client_for, customer, outsider):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(request.getfixturevalue(outsider)).post(depart_url(slip))

    assert response.status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


def test_depart_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert_sent_to_login(client.post(depart_url(slip)))
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


def test_depart_refuses_get(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert client_for(front_desk).get(depart_url(slip)).status_code == 405
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED
