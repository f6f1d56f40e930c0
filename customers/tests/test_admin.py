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


def test_the_admin_cannot_revert_a_customer_to_an_old_version(
    client_for, admin_user, salesperson, other_salesperson
):
    customer = make_customer(salesperson)
    old = customer.history.earliest()
    client = client_for(admin_user)
    url = reverse("admin:customers_customer_simple_history", args=[customer.pk, old.history_id])
    rows_before = customer.history.count()
    entered_before = customer.entered_at

    response = client.post(
        url,
        {
            "name": "Reverted",
            "owner": other_salesperson.pk,
            "pipeline_class": "signed",
            "entered_at_0": "1999-12-31",
            "entered_at_1": "00:00:00",
        },
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.owner == salesperson
    assert customer.name != "Reverted"
    assert customer.entered_at == entered_before
    assert customer.history.count() == rows_before
    assert not customer.assignments.filter(assignee=other_salesperson).exists()


def test_the_admin_still_reads_a_customers_old_version(client_for, admin_user, salesperson):
    customer = make_customer(salesperson)
    old = customer.history.earliest()

    response = client_for(admin_user).get(
        reverse("admin:customers_customer_simple_history", args=[customer.pk, old.history_id])
    )

    assert response.status_code == 200
    assert b'name="_save"' not in response.content  # no revert button
