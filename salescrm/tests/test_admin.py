import pytest
from django.contrib import admin
from django.forms import modelform_factory
from django.urls import reverse

from customers.tests.factories import make_customer
from salescrm.models import User


def test_every_admin_list_opens_for_the_administrator(client_for, admin_user, salesperson):
    make_customer(salesperson)
    client = client_for(admin_user)

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_salespeople_cannot_open_the_admin(client_for, salesperson):
    response = client_for(salesperson).get(reverse("admin:index"))

    assert response.status_code == 302


def test_customers_are_read_only_in_the_admin(client_for, admin_user, salesperson):
    customer = make_customer(salesperson)
    client = client_for(admin_user)

    response = client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), {"name": "Renamed"}
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name != "Renamed"


def test_deactivating_a_user_in_the_admin_returns_their_customers_to_the_pool(
    client_for, admin_user, salesperson
):
    customer = make_customer(salesperson)

    response = client_for(admin_user).post(
        reverse("admin:salescrm_user_changelist"),
        {"action": "deactivate", "_selected_action": [salesperson.pk]},
    )

    assert response.status_code == 302
    salesperson.refresh_from_db()
    customer.refresh_from_db()
    assert salesperson.is_active is False
    assert customer.owner is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("ability_weight", 0), ("ability_weight", 6), ("discount_authority", "100.5")],
)
def test_user_forms_refuse_values_out_of_range(salesperson, field, value):
    form = modelform_factory(User, fields=[field])(instance=salesperson, data={field: value})

    assert field in form.errors
