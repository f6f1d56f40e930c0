"""Two editors of one customer file or contact person: the second, older form is refused.

The mechanism is salescrm.concurrency; these tests hold it to the customer file (客户信息档案)
and its contact people, through the services and through the edit pages.
"""

import pytest
from django.urls import reverse

from customers import services
from customers.models import ContactPerson, Customer
from customers.tests.factories import a_contact_person, make_customer
from salescrm.concurrency import StaleEdit
from salescrm.testing.concurrency import version_of, with_version
from salescrm.testing.http import html


def who(user) -> str:
    return user.get_full_name() or user.get_username()


@pytest.fixture
def customer(salesperson):
    return make_customer(
        salesperson,
        name="Two Editors Trading",
        needs="Weekend shoppers",
        notes="Met at the fair",
        contact_people=[a_contact_person(name="Wang Fang", title="CEO")],
    )


def edit(customer) -> str:
    return reverse("customers:edit", kwargs={"pk": customer.pk})


def file_data(customer, **changes) -> dict:
    data = {
        field: getattr(customer, field) or ""
        for field in ["name", "credit_code", "source", "source_detail", "industry", "city",
                      "address", "phone", "website", "needs", "notes"]
    }  # fmt: skip
    data["collected_on"] = customer.collected_on.isoformat()
    data.update(changes)
    return data


# --- services ------------------------------------------------------------------------------------


def test_a_stale_file_save_is_refused_and_changes_nothing(customer, salesperson, manager):
    opened = customer.edit_version
    services.customer_update(
        customer=customer, actor=manager, data={"needs": "Metro riders"}, expected_version=opened
    )

    with pytest.raises(StaleEdit) as refused:
        services.customer_update(
            customer=customer,
            actor=salesperson,
            data={"needs": "Weekend shoppers, families", "notes": "Call back in May"},
            expected_version=opened,
        )

    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.needs, saved.notes) == ("Metro riders", "Met at the fair")
    assert saved.edit_version == opened + 1
    assert refused.value.changes == {"needs": "Metro riders"}
    assert refused.value.version == opened + 1


def test_the_current_file_version_saves_and_goes_up(customer, salesperson):
    opened = customer.edit_version

    services.customer_update(
        customer=customer, actor=salesperson, data={"notes": "New notes"}, expected_version=opened
    )

    saved = Customer.objects.get(pk=customer.pk)
    assert saved.notes == "New notes"
    assert saved.edit_version == opened + 1


def test_a_stale_contact_person_save_is_refused_and_changes_nothing(customer, salesperson, manager):
    contact = customer.contact_people.get()
    opened = contact.edit_version
    services.contact_person_save(
        customer=customer,
        actor=manager,
        contact=contact,
        data=a_contact_person(name="Wang Fang", title="Chairwoman"),
        expected_version=opened,
    )

    with pytest.raises(StaleEdit) as refused:
        services.contact_person_save(
            customer=customer,
            actor=salesperson,
            contact=contact,
            data=a_contact_person(name="Wang Fang", title="CEO", phone="13911112222"),
            expected_version=opened,
        )

    saved = ContactPerson.objects.get(pk=contact.pk)
    assert (saved.title, saved.phone, saved.edit_version) == (
        "Chairwoman",
        "13800138000",
        opened + 1,
    )
    assert refused.value.changes == {"title": "Chairwoman"}


def test_the_current_contact_person_version_saves_and_goes_up(customer, salesperson):
    contact = customer.contact_people.get()
    opened = contact.edit_version

    services.contact_person_save(
        customer=customer,
        actor=salesperson,
        contact=contact,
        data=a_contact_person(name="Wang Fang", title="Chairwoman"),
        expected_version=opened,
    )

    saved = ContactPerson.objects.get(pk=contact.pk)
    assert (saved.title, saved.edit_version) == ("Chairwoman", opened + 1)


# --- the edit pages ------------------------------------------------------------------------------


def test_the_owner_saving_an_older_file_form_keeps_their_text_and_sees_the_managers(
    client_for, customer, salesperson, manager
):
    owner, boss = client_for(salesperson), client_for(manager)
    shown = owner.get(edit(customer))
    opened = shown.context["form"]["edit_version"].value()
    assert f'name="edit_version" value="{opened}"' in html(shown)
    assert boss.post(
        edit(customer), with_version(customer, file_data(customer, needs="Metro riders"))
    )["Location"]

    stale = owner.post(
        edit(customer),
        {**file_data(customer, needs="Families", notes="Call back in May"), "edit_version": opened},
    )

    assert stale.status_code == 409
    page = html(stale)
    assert f"{who(manager)} changed the customer file at" in page
    assert "Families" in page  # their text, kept in the fields
    assert "Call back in May" in page
    assert f"Saved meanwhile by {who(manager)}: Metro riders" in page
    assert f'name="edit_version" value="{version_of(customer)}"' in page
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.needs, saved.notes) == ("Metro riders", "Met at the fair")

    merged = owner.post(
        edit(customer),
        {
            **file_data(customer, needs="Metro riders; families", notes="Call back in May"),
            "edit_version": version_of(customer),
        },
    )

    assert merged.status_code == 302
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.needs, saved.notes) == ("Metro riders; families", "Call back in May")
    edits = saved.history.filter(history_change_reason="file edited").order_by("history_date")
    assert [(row.history_user, row.needs) for row in edits] == [
        (manager, "Metro riders"),
        (salesperson, "Metro riders; families"),
    ]


def test_a_file_form_without_its_version_is_refused(client_for, customer, salesperson):
    response = client_for(salesperson).post(edit(customer), file_data(customer, notes="Lost?"))

    assert response.status_code == 200
    assert Customer.objects.get(pk=customer.pk).notes == "Met at the fair"


def test_an_older_contact_person_form_keeps_the_text_and_shows_the_other_value(
    client_for, customer, salesperson, manager
):
    contact = customer.contact_people.get()
    url = reverse(
        "customers:contact_person_edit", kwargs={"pk": customer.pk, "contact_pk": contact.pk}
    )
    person = {
        "name": "Wang Fang",
        "title": "CEO",
        "phone": "13800138000",
        "email": "",
        "decision_power": "yes",
    }
    opened = version_of(contact)
    first = client_for(manager).post(url, {**person, "title": "Chairwoman", "edit_version": opened})
    assert first.status_code == 302

    stale = client_for(salesperson).post(
        url, {**person, "email": "wang@example.com", "edit_version": opened}
    )

    assert stale.status_code == 409
    page = html(stale)
    assert "wang@example.com" in page
    assert f"Saved meanwhile by {who(manager)}: Chairwoman" in page
    assert f'name="edit_version" value="{opened + 1}"' in page
    saved = ContactPerson.objects.get(pk=contact.pk)
    assert (saved.title, saved.email) == ("Chairwoman", "")
