import pytest
from django.urls import reverse

from customers.models import ContactPerson, IdentityKey
from customers.tests.factories import a_contact_person, make_customer
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, html, messages_of

OUTSIDERS = [
    "teammate",
    "other_salesperson",
    "other_manager",
    "director",
    "front_desk",
    "admin_user",
]


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Contact Trading", contact_people=[a_contact_person()])


@pytest.fixture
def contact(customer):
    return customer.contact_people.get()


def add_url(customer) -> str:
    return reverse("customers:contact_person_add", kwargs={"pk": customer.pk})


def edit_url(contact) -> str:
    return reverse(
        "customers:contact_person_edit",
        kwargs={"pk": contact.customer_id, "contact_pk": contact.pk},
    )


def delete_url(contact) -> str:
    return reverse(
        "customers:contact_person_delete",
        kwargs={"pk": contact.customer_id, "contact_pk": contact.pk},
    )


def person(**changes) -> dict:
    data = {
        "name": "Wang Fang",
        "title": "CEO",
        "phone": "13911112222",
        "email": "",
        "decision_power": "yes",
    }
    data.update(changes)
    return data


# --- add ------------------------------------------------------------------------------------------


def test_the_owner_adds_a_contact_person(client_for, salesperson, customer):
    client = client_for(salesperson)

    assert client.get(add_url(customer)).status_code == 200
    response = client.post(add_url(customer), person())

    assert response.status_code == 302
    assert response.url == reverse("customers:detail", kwargs={"pk": customer.pk})
    assert customer.contact_people.filter(name="Wang Fang", decision_power="yes").exists()
    assert IdentityKey.objects.filter(customer=customer, kind="phone", value="13911112222").exists()
    assert "Contact person saved." in messages_of(response)


def test_the_owners_manager_adds_a_contact_person(client_for, manager, customer):
    response = client_for(manager).post(add_url(customer), person())

    assert response.status_code == 302
    assert customer.contact_people.filter(name="Wang Fang").exists()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_cannot_add_a_contact_person(request, client_for, customer, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(add_url(customer)).status_code == 404
    assert client.post(add_url(customer), person()).status_code == 404
    assert customer.contact_people.count() == 1


def test_adding_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(add_url(customer)))
    assert_sent_to_login(client.post(add_url(customer), person()))
    assert customer.contact_people.count() == 1


def test_adding_refuses_other_methods(client_for, salesperson, customer):
    assert client_for(salesperson).put(add_url(customer)).status_code == 405


def test_a_contact_person_needs_a_phone_or_an_email(client_for, salesperson, customer):
    response = client_for(salesperson).post(add_url(customer), person(phone="", email=""))

    assert response.status_code == 200
    assert "Give a phone number or an e-mail address." in html(response)
    assert customer.contact_people.count() == 1


def test_a_phone_of_another_customer_is_refused_and_nothing_is_saved(
    client_for, salesperson, other_salesperson, customer
):
    make_customer(other_salesperson, name="Phone Owner", phone="13911112222")

    response = client_for(salesperson).post(add_url(customer), person())

    assert response.status_code == 200
    assert "already on file" in html(response)
    assert customer.contact_people.count() == 1
    assert not ContactPerson.objects.filter(name="Wang Fang").exists()


# --- edit -----------------------------------------------------------------------------------------


def test_the_owner_changes_a_contact_person(client_for, salesperson, contact):
    client = client_for(salesperson)

    assert client.get(edit_url(contact)).status_code == 200
    response = client.post(
        edit_url(contact), with_version(contact, person(name="Zhang Wei", title="Director"))
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.title, contact.phone) == ("Director", "13911112222")
    # The old phone is no longer a key of the customer; the new one is.
    keys = set(
        IdentityKey.objects.filter(customer=contact.customer, kind="phone").values_list(
            "value", flat=True
        )
    )
    assert keys == {"13911112222"}


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_cannot_change_a_contact_person(request, client_for, contact, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(edit_url(contact)).status_code == 404
    assert (
        client.post(edit_url(contact), with_version(contact, person(name="Hacked"))).status_code
        == 404
    )
    contact.refresh_from_db()
    assert contact.name == "Zhang Wei"


def test_a_contact_of_another_customer_is_404_under_this_customer(
    client_for, salesperson, customer, other_salesperson
):
    foreign = make_customer(
        other_salesperson,
        name="Foreign",
        contact_people=[a_contact_person(name="Foreign Person", phone="13500135000")],
    ).contact_people.get()
    url = reverse(
        "customers:contact_person_edit", kwargs={"pk": customer.pk, "contact_pk": foreign.pk}
    )

    client = client_for(salesperson)
    assert client.get(url).status_code == 404
    assert client.post(url, person(name="Hacked")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign Person"


def test_editing_sends_anonymous_visitors_to_login(client, contact):
    assert_sent_to_login(client.get(edit_url(contact)))


def test_editing_refuses_other_methods(client_for, salesperson, contact):
    assert client_for(salesperson).delete(edit_url(contact)).status_code == 405


# --- delete ---------------------------------------------------------------------------------------


def test_the_owner_removes_a_contact_person(client_for, salesperson, contact):
    response = client_for(salesperson).post(delete_url(contact))

    assert response.status_code == 302
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()
    assert not IdentityKey.objects.filter(customer=contact.customer, kind="phone").exists()
    assert "Contact person removed." in messages_of(response)


def test_the_owners_manager_removes_a_contact_person(client_for, manager, contact):
    assert client_for(manager).post(delete_url(contact)).status_code == 302
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_cannot_remove_a_contact_person(request, client_for, contact, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(delete_url(contact))

    assert response.status_code == 404
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


def test_removing_sends_anonymous_visitors_to_login(client, contact):
    assert_sent_to_login(client.post(delete_url(contact)))
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


def test_removing_is_post_only(client_for, salesperson, contact):
    assert client_for(salesperson).get(delete_url(contact)).status_code == 405
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


def test_the_contact_person_form_opens_the_phone_keyboard(client_for, salesperson, customer):
    url = reverse("customers:contact_person_add", kwargs={"pk": customer.pk})

    page = html(client_for(salesperson).get(url))

    assert 'type="tel"' in page
    assert 'inputmode="tel"' in page


def test_a_phone_of_someone_elses_customer_offers_the_claim_button(
    client_for, salesperson, other_salesperson, customer
):
    make_customer(other_salesperson, name="Phone Owner", phone="13911112222")

    response = client_for(salesperson).post(add_url(customer), person())

    assert 'data-testid="duplicate-claim"' in html(response)
    assert response.context["file_url"] is None
