from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Assignment, Customer, SourceChannel
from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html, messages_of, shown

CREATE = reverse("customers:create")


def capture(**changes) -> dict:
    data = {
        "name": "上海远航贸易有限公司",
        "source": SourceChannel.TRADE_SHOW,
        "source_detail": "Shanghai retail expo",
        "collected_on": timezone.localdate().isoformat(),
        "phone": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_salespeople_and_managers_open_the_quick_capture_form(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(CREATE)

    assert response.status_code == 200
    assert 'name="name"' in html(response)


def test_only_a_manager_is_offered_the_pool(client_for, manager, salesperson):
    assert 'name="to_pool"' in html(client_for(manager).get(CREATE))
    assert 'name="to_pool"' not in html(client_for(salesperson).get(CREATE))


@pytest.mark.parametrize("persona", ["director", "front_desk", "admin_user"])
def test_other_roles_get_404_and_create_nothing(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, capture()).status_code == 404
    assert not Customer.objects.exists()


def test_the_form_sends_anonymous_visitors_to_login(client, db):
    assert_sent_to_login(client.get(CREATE))
    assert_sent_to_login(client.post(CREATE, capture()))
    assert not Customer.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_form_refuses_other_methods(client_for, salesperson, method):
    assert getattr(client_for(salesperson), method)(CREATE).status_code == 405


def test_quick_capture_creates_an_owned_customer_with_its_deadlines(client_for, salesperson):
    response = client_for(salesperson).post(CREATE, capture(phone="138 0013 8000"))

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("customers:detail", kwargs={"pk": customer.pk})
    assert customer.owner == salesperson
    assert customer.entered_by == salesperson
    assert customer.completion_due_at == services.completion_due(customer.collected_on)
    assert customer.completion_due_at > timezone.now()
    assert customer.first_contact_due_at is not None
    assert customer.first_contact_due_at == services.first_contact_due(customer.assigned_at)
    assert Assignment.objects.filter(customer=customer, assignee=salesperson).exists()
    assert any("上海远航贸易有限公司 is on file" in message for message in messages_of(response))


def test_a_manager_captures_a_customer_for_themselves(client_for, manager):
    client_for(manager).post(CREATE, capture())

    assert Customer.objects.get().owner == manager


def test_a_manager_puts_a_customer_in_the_pool(client_for, manager):
    response = client_for(manager).post(CREATE, capture(to_pool="on"))

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert customer.owner is None
    assert customer.first_contact_due_at is None
    assert customer.completion_due_at is not None
    assert customer.entered_by == manager


def test_a_salesperson_cannot_put_a_customer_in_the_pool(client_for, salesperson):
    client_for(salesperson).post(CREATE, capture(to_pool="on"))

    assert Customer.objects.get().owner == salesperson


def test_a_duplicate_name_in_another_legal_form_names_the_owner_and_offers_a_claim(
    client_for, salesperson, other_salesperson
):
    existing = make_customer(other_salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture(name="上海远航贸易有限公司"))

    assert response.status_code == 200
    page = html(response)
    assert 'data-testid="duplicate"' in page
    assert shown(other_salesperson) in page
    assert response.context["claim_url"].startswith("/customers/claim/")
    assert response.context["claim_url"] in page
    assert response.context["duplicate"].existing == existing
    assert list(Customer.objects.all()) == [existing]


def test_a_duplicate_phone_in_another_format_is_refused_with_a_claim_link(
    client_for, salesperson, teammate
):
    existing = make_customer(teammate, name="Phone First", phone="13800138000")

    response = client_for(salesperson).post(
        CREATE, capture(name="Completely Different Name", phone="+86 138-0013-8000")
    )

    assert response.status_code == 200
    assert shown(teammate) in html(response)
    assert "(same phone)" in html(response)
    assert response.context["claim_url"] in html(response)
    assert list(Customer.objects.all()) == [existing]


def test_a_manager_sees_the_duplicate_without_a_claim_link(client_for, manager, other_salesperson):
    make_customer(other_salesperson, name="上海远航贸易股份有限公司")

    response = client_for(manager).post(CREATE, capture())

    assert response.status_code == 200
    assert response.context["claim_url"] is None
    assert "already on file" in html(response)
    assert shown(other_salesperson) in html(response)
    assert Customer.objects.count() == 1


def test_a_salesperson_gets_no_claim_link_for_their_own_customer(client_for, salesperson):
    make_customer(salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    assert response.context["claim_url"] is None
    assert "already on file" in html(response)
    assert Customer.objects.count() == 1


def test_a_duplicate_of_a_pool_customer_says_it_is_in_the_pool(client_for, salesperson, manager):
    make_customer(actor=manager, to_pool=True, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    assert "unowned pool" in html(response)
    assert Customer.objects.count() == 1


def test_a_future_date_collected_is_refused_and_creates_nothing(client_for, salesperson):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(salesperson).post(CREATE, capture(collected_on=tomorrow.isoformat()))

    assert response.status_code == 200
    assert "The date collected cannot be in the future." in html(response)
    assert not Customer.objects.exists()


def test_a_missing_name_is_refused(client_for, salesperson):
    response = client_for(salesperson).post(CREATE, capture(name=""))

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Customer.objects.exists()


def test_a_company_event_lead_goes_to_the_pool_and_the_salesperson_sees_the_pool(
    client_for, salesperson
):
    response = client_for(salesperson).post(
        reverse("customers:create"),
        {"name": "Event Lead Co", "source": "marketing_event", "collected_on": "2026-03-02"},
    )

    assert response.status_code == 302
    assert response.url == reverse("customers:pool")
    assert Customer.objects.get(name="Event Lead Co").owner is None
