from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, SourceChannel
from customers.tests.factories import make_customer
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, html, messages_of


def edit(customer) -> str:
    return reverse("customers:edit", kwargs={"pk": customer.pk})


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Edit Trading")


def file_data(customer, **changes) -> dict:
    data = {
        "name": customer.name,
        "credit_code": customer.credit_code,
        "source": customer.source,
        "source_detail": customer.source_detail,
        "collected_on": customer.collected_on.isoformat(),
        "industry": customer.industry,
        "city": customer.city,
        "address": customer.address,
        "phone": customer.phone,
        "website": customer.website,
        "needs": customer.needs,
        "notes": customer.notes,
    }
    data.update(changes)
    return data


def test_the_owner_opens_the_edit_form(client_for, salesperson, customer):
    response = client_for(salesperson).get(edit(customer))

    assert response.status_code == 200
    assert response.context["form"].instance == customer
    assert "Edit Trading" in html(response)


def test_the_owner_saves_the_file(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        edit(customer),
        with_version(customer, file_data(customer, industry="Retail", city="Hangzhou")),
    )

    assert response.status_code == 302
    assert response.url == reverse("customers:detail", kwargs={"pk": customer.pk})
    customer.refresh_from_db()
    assert (customer.industry, customer.city) == ("Retail", "Hangzhou")
    assert "File saved." in messages_of(response)


def test_the_owners_manager_opens_and_saves_the_file(client_for, manager, customer):
    client = client_for(manager)

    assert client.get(edit(customer)).status_code == 200
    response = client.post(
        edit(customer), with_version(customer, file_data(customer, needs="A bigger audience"))
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.needs == "A bigger audience"


def test_a_manager_edits_a_pool_customer(client_for, manager):
    customer = make_customer(actor=manager, to_pool=True, name="Pool Edit")

    response = client_for(manager).post(
        edit(customer), with_version(customer, file_data(customer, city="Suzhou"))
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.city == "Suzhou"


def test_the_director_may_read_but_not_edit(client_for, director, customer):
    client = client_for(director)

    assert client.get(reverse("customers:detail", kwargs={"pk": customer.pk})).status_code == 200
    assert client.get(edit(customer)).status_code == 404
    response = client.post(
        edit(customer), with_version(customer, file_data(customer, city="Nowhere"))
    )

    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.city == ""


@pytest.mark.parametrize(
    "outsider", ["teammate", "other_salesperson", "other_manager", "front_desk", "admin_user"]
)
def test_outsiders_get_404_and_change_nothing(request, client_for, customer, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(edit(customer)).status_code == 404
    assert (
        client.post(
            edit(customer), with_version(customer, file_data(customer, city="Nowhere"))
        ).status_code
        == 404
    )
    customer.refresh_from_db()
    assert customer.city == ""


def test_a_salesperson_cannot_edit_a_pool_customer(client_for, salesperson, manager):
    customer = make_customer(actor=manager, to_pool=True, name="Pool Locked")

    assert client_for(salesperson).get(edit(customer)).status_code == 404


def test_the_edit_form_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(edit(customer)))
    assert_sent_to_login(client.post(edit(customer), with_version(customer, file_data(customer))))


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_edit_form_refuses_other_methods(client_for, salesperson, customer, method):
    response = getattr(client_for(salesperson), method)(edit(customer))

    assert response.status_code == 405


def test_a_name_already_on_file_is_refused_and_nothing_changes(
    client_for, salesperson, other_salesperson, customer
):
    make_customer(other_salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(
        edit(customer), with_version(customer, file_data(customer, name="上海远航贸易有限公司"))
    )

    assert response.status_code == 200
    assert "already on file" in html(response)
    customer.refresh_from_db()
    assert customer.name == "Edit Trading"


def test_a_future_date_collected_is_refused(client_for, salesperson, customer):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(salesperson).post(
        edit(customer),
        with_version(customer, file_data(customer, collected_on=tomorrow.isoformat())),
    )

    assert response.status_code == 200
    assert "The date collected cannot be in the future." in html(response)
    customer.refresh_from_db()
    assert customer.collected_on == timezone.localdate()


def test_an_invalid_credit_code_is_refused(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        edit(customer),
        with_version(customer, file_data(customer, credit_code="123456789012345679")),
    )

    assert response.status_code == 200
    assert "is not a valid unified social credit code" in html(response)
    assert Customer.objects.get(pk=customer.pk).credit_code == ""


def test_a_refused_edit_shows_the_saved_name_in_the_heading(
    client_for, salesperson, other_salesperson, customer
):
    make_customer(other_salesperson, name="Taken Name")

    response = client_for(salesperson).post(
        edit(customer),
        with_version(
            customer, file_data(customer, name="Taken Name", source=SourceChannel.INTERNET)
        ),
    )

    assert response.context["customer"].name == "Edit Trading"


def test_the_phone_field_opens_the_phone_keyboard(client_for, salesperson, customer):
    page = html(client_for(salesperson).get(edit(customer)))

    assert 'type="tel"' in page
    assert 'inputmode="tel"' in page


def test_a_phone_of_ones_other_file_is_refused_with_a_link_to_it(client_for, salesperson, customer):
    other = make_customer(salesperson, name="Second Trading", phone="13911112222")

    response = client_for(salesperson).post(
        edit(customer), with_version(customer, {**file_data(customer), "phone": "139 1111 2222"})
    )

    assert response.status_code == 200
    assert response.context["file_url"] == reverse("customers:detail", kwargs={"pk": other.pk})
    assert 'data-testid="duplicate-file"' in html(response)
    customer.refresh_from_db()
    assert customer.phone != "139 1111 2222"


def test_a_phone_of_someone_elses_file_is_refused_with_the_claim_button(
    client_for, salesperson, other_salesperson, customer
):
    make_customer(other_salesperson, name="Their Trading", phone="13911112222")

    response = client_for(salesperson).post(
        edit(customer), with_version(customer, {**file_data(customer), "phone": "13911112222"})
    )

    assert 'data-testid="duplicate-claim"' in html(response)
    assert response.context["file_url"] is None


def test_the_owner_sets_the_language_the_customers_documents_are_printed_in(
    client_for, salesperson, customer
):
    client = client_for(salesperson)
    assert customer.language == "zh-hans"  # Chinese unless said otherwise

    response = client.post(
        edit(customer), with_version(customer, file_data(customer, language="en"))
    )
    customer.refresh_from_db()

    assert response.status_code == 302
    assert customer.language == "en"
    assert customer.history.first().language == "en"
    detail = client.get(reverse("customers:detail", kwargs={"pk": customer.pk}))
    assert 'data-testid="customer-language">English<' in html(detail)


def test_a_form_without_the_language_keeps_it(client_for, salesperson, customer):
    Customer.objects.filter(pk=customer.pk).update(language="en")
    customer.refresh_from_db()

    client_for(salesperson).post(
        edit(customer), with_version(customer, file_data(customer, industry="Retail"))
    )
    customer.refresh_from_db()

    assert customer.industry == "Retail"
    assert customer.language == "en"
