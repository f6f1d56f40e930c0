import pytest
from django.urls import reverse

from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, html, messages_of
from salescrm.testing.time import local
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_slip_for

CHANGE = {
    "plan": "A new plan",
    "planned_departure": "2026-03-12T14:00",
    "expected_return": "2026-03-12T16:00",
}


def edit_url(slip) -> str:
    return reverse("visits:edit", kwargs={"pk": slip.pk})


def test_the_owner_opens_their_draft(client_for, salesperson, customer):
    slip = make_slip_for(customer, plan="The old plan")

    response = client_for(salesperson).get(edit_url(slip))

    assert response.status_code == 200
    assert "The old plan" in html(response)


def test_the_owner_changes_their_draft(client_for, salesperson, customer):
    slip = make_slip_for(customer, plan="The old plan")

    response = client_for(salesperson).post(edit_url(slip), with_version(slip, CHANGE))

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    slip.refresh_from_db()
    assert slip.plan == "A new plan"
    assert slip.planned_departure == local(2026, 3, 12, 14)


def test_a_return_before_the_departure_is_refused_and_nothing_changes(
    client_for, salesperson, customer
):
    slip = make_slip_for(customer, plan="The old plan")

    response = client_for(salesperson).post(
        edit_url(slip), with_version(slip, {**CHANGE, "expected_return": "2026-03-12T13:00"})
    )

    assert response.status_code == 200
    assert "The expected return must be after the departure." in html(response)
    slip.refresh_from_db()
    assert slip.plan == "The old plan"


def test_a_submitted_slip_cannot_be_changed(client_for, salesperson, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED, plan="The old plan")

    response = client_for(salesperson).post(edit_url(slip), with_version(slip, CHANGE))

    assert response.status_code == 302
    assert "Only a draft slip can be changed." in messages_of(response)
    slip.refresh_from_db()
    assert (slip.plan, slip.state) == ("The old plan", SlipState.SUBMITTED)


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
def test_outsiders_get_404_and_change_nothing(request, client_for, customer, outsider):
    slip = make_slip_for(customer, plan="The old plan")
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(edit_url(slip)).status_code == 404
    assert client.post(edit_url(slip), with_version(slip, CHANGE)).status_code == 404
    assert VisitSlip.objects.get().plan == "The old plan"


def test_the_edit_form_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, plan="The old plan")

    assert_sent_to_login(client.get(edit_url(slip)))
    assert_sent_to_login(client.post(edit_url(slip), with_version(slip, CHANGE)))
    assert VisitSlip.objects.get().plan == "The old plan"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_edit_form_refuses_other_methods(client_for, salesperson, customer, method):
    slip = make_slip_for(customer)

    assert getattr(client_for(salesperson), method)(edit_url(slip)).status_code == 405
