from django.urls import reverse

from customers.tests.factories import make_customer


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
