import pytest
from django.urls import reverse

from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, messages_of
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_revisit, make_slip_for


def submit_url(slip) -> str:
    return reverse("visits:submit", kwargs={"pk": slip.pk})


def state_of(slip) -> str:
    return VisitSlip.objects.get(pk=slip.pk).state


def test_the_owner_submits_the_draft_and_the_manager_is_told(
    client_for, salesperson, manager, customer
):
    slip = make_slip_for(customer)

    response = client_for(salesperson).post(submit_url(slip))

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    assert "Sent to your manager for approval." in messages_of(response)
    assert state_of(slip) == SlipState.SUBMITTED
    assert Notification.objects.filter(recipient=manager, kind="slip_submitted").count() == 1


def test_a_revisit_without_its_pre_visit_report_stays_a_draft(client_for, salesperson, customer):
    slip = make_revisit(
        customer,
        SlipState.DRAFT,
        recent_status="",
        purpose="",
        objectives="",
        likely_issues="",
    )

    response = client_for(salesperson).post(submit_url(slip))

    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("This is a revisit: fill in the pre-visit report")
    assert state_of(slip) == SlipState.DRAFT


def test_submitting_twice_says_why_the_second_time(client_for, salesperson, customer):
    slip = make_slip_for(customer)
    client = client_for(salesperson)
    client.post(submit_url(slip), follow=True)

    response = client.post(submit_url(slip))

    assert messages_of(response) == [
        "That is not possible now: the slip is “Waiting for approval”."
    ]
    assert state_of(slip) == SlipState.SUBMITTED


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
def test_outsiders_get_404_and_nothing_moves(request, client_for, customer, outsider):
    slip = make_slip_for(customer)

    response = client_for(request.getfixturevalue(outsider)).post(submit_url(slip))

    assert response.status_code == 404
    assert state_of(slip) == SlipState.DRAFT


def test_submit_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer)

    assert_sent_to_login(client.post(submit_url(slip)))
    assert state_of(slip) == SlipState.DRAFT


def test_submit_refuses_get(client_for, salesperson, customer):
    slip = make_slip_for(customer)

    assert client_for(salesperson).get(submit_url(slip)).status_code == 405
    assert state_of(slip) == SlipState.DRAFT
