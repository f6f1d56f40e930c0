import pytest
from django.urls import reverse

from customers.tests.factories import a_contact_person, complete_fields, make_customer
from salescrm.testing.http import assert_sent_to_login, html, shown


def detail(customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Detail Trading", contact_people=[a_contact_person()])


@pytest.fixture
def pool_customer(manager):
    return make_customer(actor=manager, to_pool=True, name="Pool Detail Trading")


def test_the_owner_opens_the_file(client_for, salesperson, customer):
    response = client_for(salesperson).get(detail(customer))

    assert response.status_code == 200
    assert response.context["customer"] == customer
    assert response.context["can_change"] is True
    page = html(response)
    assert "Detail Trading" in page
    assert "Zhang Wei" in page  # the contact person
    assert reverse("customers:edit", kwargs={"pk": customer.pk}) in page


def test_the_owners_manager_opens_the_file_and_may_change_it(client_for, manager, customer):
    response = client_for(manager).get(detail(customer))

    assert response.status_code == 200
    assert response.context["can_change"] is True
    assert response.context["manages"] is True
    assert reverse("customers:reassign", kwargs={"pk": customer.pk}) in html(response)


def test_the_director_reads_the_file_without_edit_controls(client_for, director, customer):
    response = client_for(director).get(detail(customer))

    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert response.context["manages"] is False
    page = html(response)
    assert reverse("customers:edit", kwargs={"pk": customer.pk}) not in page
    assert reverse("customers:change_class", kwargs={"pk": customer.pk}) not in page


@pytest.mark.parametrize(
    "outsider", ["teammate", "other_salesperson", "other_manager", "front_desk", "admin_user"]
)
def test_outsiders_get_404(request, client_for, customer, outsider):
    response = client_for(request.getfixturevalue(outsider)).get(detail(customer))

    assert response.status_code == 404
    assert "Detail Trading" not in html(response)


def test_a_customer_that_does_not_exist_is_404(client_for, director):
    assert client_for(director).get("/customers/999999/").status_code == 404


def test_the_detail_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(detail(customer)))


def test_the_detail_refuses_post(client_for, salesperson, customer):
    assert client_for(salesperson).post(detail(customer)).status_code == 405


@pytest.mark.parametrize("persona", ["manager", "other_manager", "director"])
def test_managers_and_the_director_open_a_pool_customer(
    request, client_for, pool_customer, persona
):
    response = client_for(request.getfixturevalue(persona)).get(detail(pool_customer))

    assert response.status_code == 200
    assert "In the unowned pool" in html(response)


def test_a_salesperson_sees_a_pool_customer_only_by_name_in_the_pool(
    client_for, salesperson, pool_customer
):
    client = client_for(salesperson)

    assert client.get(detail(pool_customer)).status_code == 404
    pool_page = html(client.get(reverse("customers:pool")))
    assert "Pool Detail Trading" in pool_page
    assert detail(pool_customer) not in pool_page


def test_the_page_names_what_the_file_still_lacks(client_for, salesperson):
    customer = make_customer(salesperson, name="Half Done")

    response = client_for(salesperson).get(detail(customer))

    assert response.context["missing"]
    assert 'data-testid="missing"' in html(response)


def test_a_complete_file_says_so(client_for, salesperson):
    customer = make_customer(
        salesperson, name="All Done", contact_people=[a_contact_person()], **complete_fields()
    )

    response = client_for(salesperson).get(detail(customer))

    assert response.context["missing"] == []
    assert 'data-testid="complete"' in html(response)


def test_the_page_shows_who_entered_the_file(client_for, manager, salesperson, customer):
    assert shown(salesperson) in html(client_for(manager).get(detail(customer)))


def test_phone_numbers_and_emails_on_the_file_are_tap_to_call_and_mail_links(
    client_for, salesperson
):
    customer = make_customer(
        salesperson,
        name="Link Trading",
        phone="021-6123 4567",
        contact_people=[
            a_contact_person(name="Li Na", phone="+86 139 0013 9000", email="li.na@example.cn")
        ],
    )

    page = html(client_for(salesperson).get(detail(customer)))

    assert 'href="tel:02161234567"' in page
    assert 'href="tel:+8613900139000"' in page
    assert 'href="mailto:li.na@example.cn"' in page
