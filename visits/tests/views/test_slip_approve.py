import pytest
from django.urls import reverse

from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, messages_of
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_slip_for


def approve_url(slip) -> str:
    return reverse("visits:approve", kwargs={"pk": slip.pk})


def test_the_manager_approves_and_the_salesperson_is_told(
    client_for, manager, salesperson, customer
):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(manager).post(approve_url(slip))

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    assert messages_of(response) == ["Visit approved."]
    slip.refresh_from_db()
    assert (slip.state, slip.decided_by) == (SlipState.APPROVED, manager)
    assert Notification.objects.filter(recipient=salesperson, kind="slip_approved").count() == 1


def test_approving_from_the_queue_goes_back_to_the_list(client_for, manager, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(manager).post(approve_url(slip), {"next": "list"})

    assert response.url == reverse("visits:list")
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED


def test_a_second_approve_says_it_is_already_approved_and_changes_nothing(
    client_for, manager, salesperson, customer
):
    slip = make_slip_for(customer, SlipState.SUBMITTED)
    client = client_for(manager)
    client.post(approve_url(slip), follow=True)  # the manager sees "Visit approved."
    decided_at = VisitSlip.objects.get(pk=slip.pk).decided_at

    response = client.post(approve_url(slip))

    assert response.status_code == 302
    assert messages_of(response) == ["That is not possible now: the slip is “Approved”."]
    slip.refresh_from_db()
    assert (slip.state, slip.decided_at) == (SlipState.APPROVED, decided_at)
    assert Notification.objects.filter(recipient=salesperson, kind="slip_approved").count() == 1


def test_a_draft_cannot_be_approved(client_for, manager, customer):
    slip = make_slip_for(customer)

    response = client_for(manager).post(approve_url(slip))

    assert messages_of(response) == ["That is not possible now: the slip is “Draft”."]
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.DRAFT


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

    response = client_for(request.getfixturevalue(outsider)).post(approve_url(slip))

    assert response.status_code == 404
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED


def test_approve_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    assert_sent_to_login(client.post(approve_url(slip)))
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED


def test_approve_refuses_get(client_for, manager, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    assert client_for(manager).get(approve_url(slip)).status_code == 405
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.SUBMITTED


def test_a_double_click_on_approve_approves_once(client_for, manager, salesperson, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)
    client = client_for(manager)

    client.post(approve_url(slip))
    response = client.post(approve_url(slip))

    assert "That is not possible now: the slip is “Approved”." in messages_of(response)
    assert VisitSlip.objects.get(pk=slip.pk).state == SlipState.APPROVED
    assert Notification.objects.filter(recipient=salesperson, kind="slip_approved").count() == 1
