import pytest
from django.urls import reverse

from customers.models import Customer
from salescrm.testing.http import assert_sent_to_login, html
from visits.models import Channel, ContactRecord


def add_url(customer) -> str:
    return reverse("visits:contact_record_add", kwargs={"customer_pk": customer.pk})


def test_the_owner_opens_the_contact_form(client_for, salesperson, customer):
    response = client_for(salesperson).get(add_url(customer))

    assert response.status_code == 200
    assert "Starlight Advertising" in html(response)
    assert 'type="datetime-local"' in html(response)


def test_the_owner_records_a_contact_and_goes_back_to_the_file(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        add_url(customer),
        {"channel": Channel.EMAIL, "brochure_sent": "on", "summary": "Sent the brochure"},
    )

    assert response.status_code == 302
    assert response.url == reverse("customers:detail", kwargs={"pk": customer.pk})
    record = ContactRecord.objects.get()
    assert (record.customer, record.author, record.channel) == (customer, salesperson, "email")
    assert record.brochure_sent is True
    assert Customer.objects.get(pk=customer.pk).first_contact_at is not None


def test_a_meeting_booked_takes_the_owner_to_the_slip_form(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        add_url(customer),
        {"channel": Channel.PHONE, "meeting_at": "2026-03-12T10:00", "summary": "Meeting booked"},
    )

    record = ContactRecord.objects.get()
    assert response.status_code == 302
    assert response.url == (
        reverse("visits:create", kwargs={"customer_pk": customer.pk}) + f"?contact={record.pk}"
    )


def test_a_meeting_in_the_past_is_refused_and_nothing_is_recorded(
    client_for, salesperson, customer
):
    response = client_for(salesperson).post(
        add_url(customer),
        {"channel": Channel.PHONE, "meeting_at": "2026-03-10T10:00", "summary": "Meeting booked"},
    )

    assert response.status_code == 200
    assert "A meeting booked must be in the future." in html(response)
    assert not ContactRecord.objects.exists()


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
def test_outsiders_get_404_and_record_nothing(request, client_for, customer, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(add_url(customer)).status_code == 404
    response = client.post(add_url(customer), {"channel": Channel.PHONE, "summary": "Hello"})

    assert response.status_code == 404
    assert not ContactRecord.objects.exists()


def test_the_contact_form_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(add_url(customer)))
    assert_sent_to_login(client.post(add_url(customer), {"summary": "Hello"}))
    assert not ContactRecord.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_contact_form_refuses_other_methods(client_for, salesperson, customer, method):
    assert getattr(client_for(salesperson), method)(add_url(customer)).status_code == 405
