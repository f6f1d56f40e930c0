import pytest
from django.urls import reverse

from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, messages_of
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_slip_for


def reject_url(slip) -> str:
    return reverse("visits:reject", kwargs={"pk": slip.pk})


def test_the_manager_rejects_with_a_reason_and_the_slip_is_a_draft_again(
    client_for, manager, salesperson, customer
):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(manager).post(reject_url(slip), {"reason": "Go on Thursday instead"})

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    assert messages_of(response) == ["Slip sent back to draft."]
    slip.refresh_from_db()
    assert (slip.state, slip.rejection_reason) == (SlipState.DRAFT, "Go on Thursday instead")
    assert Notification.objects.filter(recipient=salesperson, kind="slip_rejected").count() == 1


def test_a_rejection_without_a_reason_is_refused(client_for, manager, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(manager).post(reject_url(slip), {"reason": "  "})

    assert messages_of(response) == ["Say why the slip is rejected."]
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED


def test_an_approved_slip_cannot_be_rejected(client_for, manager, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(manager).post(reject_url(slip), {"reason": "Changed my mind"})

    assert messages_of(response) == ["That is not possible now: the slip is “Approved”."]
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


@pytest.mark.parametrize(
    "outsider",
    [
        "salesperson",
        "teammate",
        "other_salesperson",
        "other_manager",
        "director",
        "front_desk",
        "admin_user",
    ],
)
def test_outsiders_get_404_and_nothing_moves(request, client_for, customer, outsider):
    slip = make_slip_for(customer, SlipState.SUBMITTED)
    client = client_for(request.getfixturevalue(outsider))

    assert client.post(reject_url(slip), {"reason": "No"}).status_code == 404
    assert client.post(reject_url(slip), {"reason": ""}).status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED


def test_reject_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    assert_sent_to_login(client.post(reject_url(slip), {"reason": "No"}))
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED


def test_reject_refuses_get(client_for, manager, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    assert client_for(manager).get(reject_url(slip)).status_code == 405
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED
