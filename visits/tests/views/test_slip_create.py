import pytest
from django.urls import reverse

from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html
from salescrm.testing.time import local
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_contact, make_slip_for

SLIP = {
    "plan": "Present the metro screens; agree a trial",
    "planned_departure": "2026-03-12T09:00",
    "expected_return": "2026-03-12T12:00",
}


def create_url(customer) -> str:
    return reverse("visits:create", kwargs={"customer_pk": customer.pk})


def test_the_slip_form_is_prefilled_from_the_meeting_booked(client_for, salesperson, customer):
    record = make_contact(customer, meeting_at=local(2026, 3, 12, 10))

    response = client_for(salesperson).get(create_url(customer) + f"?contact={record.pk}")

    assert response.status_code == 200
    page = html(response)
    assert 'value="2026-03-12T09:00"' in page  # an hour before the meeting
    assert 'value="2026-03-12T12:00"' in page  # two hours after it
    assert "required: this is a revisit" not in page


def test_the_owner_drafts_a_slip(client_for, salesperson, customer):
    record = make_contact(customer, meeting_at=local(2026, 3, 12, 10))

    response = client_for(salesperson).post(create_url(customer) + f"?contact={record.pk}", SLIP)

    slip = VisitSlip.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": slip.pk})
    assert (slip.state, slip.salesperson, slip.customer) == (SlipState.DRAFT, salesperson, customer)
    assert slip.contact_record == record
    assert slip.planned_departure == local(2026, 3, 12, 9)
    assert slip.is_revisit is False


def test_a_revisit_asks_for_the_pre_visit_report(client_for, salesperson, customer):
    make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 10, 9), back=local(2026, 3, 10, 11)
    )

    response = client_for(salesperson).get(create_url(customer))

    assert response.context["revisit"] is True
    assert "required: this is a revisit" in html(response)


def test_a_departure_in_the_past_is_refused_and_nothing_is_saved(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        create_url(customer),
        {**SLIP, "planned_departure": "2026-03-10T09:00", "expected_return": "2026-03-10T12:00"},
    )

    assert response.status_code == 200
    assert "The planned departure is in the past." in html(response)
    assert not VisitSlip.objects.exists()


def test_a_contact_record_of_another_customer_is_ignored(
    client_for, salesperson, customer, teammate
):
    elsewhere = make_contact(make_customer(teammate), meeting_at=local(2026, 3, 12, 15))

    response = client_for(salesperson).get(create_url(customer) + f"?contact={elsewhere.pk}")

    assert response.status_code == 200
    assert "2026-03-12T14:00" not in html(response)


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
def test_outsiders_get_404_and_create_nothing(request, client_for, customer, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(create_url(customer)).status_code == 404
    assert client.post(create_url(customer), SLIP).status_code == 404
    assert not VisitSlip.objects.exists()


def test_the_slip_form_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(create_url(customer)))
    assert_sent_to_login(client.post(create_url(customer), SLIP))
    assert not VisitSlip.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_slip_form_refuses_other_methods(client_for, salesperson, customer, method):
    assert getattr(client_for(salesperson), method)(create_url(customer)).status_code == 405


def test_a_contact_id_with_unusual_digits_is_ignored(client_for, salesperson):
    customer = make_customer(salesperson)

    response = client_for(salesperson).get(
        reverse("visits:create", args=[customer.pk]) + "?contact=²"
    )

    assert response.status_code == 200
