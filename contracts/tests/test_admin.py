"""The administrator keeps the price list and records delegations in the admin."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from contracts.models import Delegation, Product
from contracts.tests.factories import make_product


def test_the_administrator_adds_a_product_and_its_price_change_is_kept(client_for, admin_user):
    client = client_for(admin_user)

    client.post(
        reverse("admin:contracts_product_add"),
        {"code": "TV-01", "name": "黄金时段 30秒", "medium": "tv", "unit": "spot",
         "list_price": "168000.00", "active": "on"},
    )  # fmt: skip
    product = Product.objects.get(code="TV-01")
    client.post(
        reverse("admin:contracts_product_change", args=[product.pk]),
        {"code": "TV-01", "name": "黄金时段 30秒", "medium": "tv", "unit": "spot",
         "list_price": "175000.00", "active": "on"},
    )  # fmt: skip

    product.refresh_from_db()
    assert product.list_price == Decimal("175000.00")
    assert [h.list_price for h in product.history.order_by("history_id")] == [
        Decimal("168000.00"),
        Decimal("175000.00"),
    ]
    assert (
        client.get(reverse("admin:contracts_product_delete", args=[product.pk])).status_code == 403
    )


def test_a_zero_list_price_is_refused(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("admin:contracts_product_add"),
        {"code": "X", "name": "Free slot", "medium": "tv", "unit": "spot", "list_price": "0"},
    )

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0.01." in response.content.decode()
    assert not Product.objects.exists()


def test_a_delegation_is_recorded_through_the_rules_and_revoked(
    client_for, admin_user, manager, other_manager, salesperson
):
    client = client_for(admin_user)
    today = timezone.localdate()
    url = reverse("admin:contracts_delegation_add")
    form = {"delegator": manager.pk, "valid_from": today, "valid_until": today + timedelta(3)}

    refused = client.post(url, {**form, "delegate": salesperson.pk})
    assert "only be delegated to an active manager or director" in refused.content.decode()
    assert not Delegation.objects.exists()

    client.post(url, {**form, "delegate": other_manager.pk, "reason": "Holiday"})
    delegation = Delegation.objects.get()
    assert (delegation.delegate, delegation.created_by) == (other_manager, admin_user)

    client.post(
        reverse("admin:contracts_delegation_changelist"),
        {"action": "revoke", "_selected_action": [delegation.pk]},
    )
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_plans_agreements_and_signatures_are_read_only_in_the_admin(client_for, admin_user):
    make_product()
    client = client_for(admin_user)

    for model in ("plan", "agreement", "signature", "changerequest"):
        assert client.get(reverse(f"admin:contracts_{model}_add")).status_code == 403
