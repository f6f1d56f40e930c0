import pytest
from django.urls import reverse

from salescrm.testing.http import assert_sent_to_login, messages_of
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_slip_for


def cancel_url(slip) -> str:
    return reverse("visits:cancel", kwargs={"pk": slip.pk})


@pytest.mark.parametrize("state", [SlipState.DRAFT, SlipState.SUBMITTED, SlipState.APPROVED])
def test_the_owner_cancels_before_departure(client_for, salesperson, customer, state):
    slip = make_slip_for(customer, state)

    response = client_for(salesperson).post(cancel_url(slip), {"reason": "They postponed"})

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    assert messages_of(response) == ["Visit cancelled."]
    slip.refresh_from_db()
    assert (slip.state, slip.cancel_reason) == (SlipState.CANCELLED, "They postponed")


def test_the_manager_cancels_a_teams_slip(client_for, manager, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    client_for(manager).post(cancel_url(slip))

    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.CANCELLED


def test_a_slip_already_out_cannot_be_cancelled(client_for, salesperson, customer):
    slip = make_slip_for(customer, SlipState.DEPARTED)

    response = client_for(salesperson).post(cancel_url(slip))

    assert messages_of(response) == ["That is not possible now: the slip is “Out on the visit”."]
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.DEPARTED


@pytest.mark.parametrize(
    "outsider",
    [
        "teammate",
        "other_salesperson",
        "other_manager",
        "director",
        "front_desk",
        "admin_user",
    ],
)
def test_outsiders_get_404_and_nothing_moves(request, client_for, customer, outsider):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(request.getfixturevalue(outsider)).post(cancel_url(slip))

    assert response.status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


def test_cancel_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert_sent_to_login(client.post(cancel_url(slip)))
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


def test_cancel_refuses_get(client_for, salesperson, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert client_for(salesperson).get(cancel_url(slip)).status_code == 405
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED
