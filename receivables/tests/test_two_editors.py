"""Two editors of billing details or a collection plan: the older form is refused.

The mechanism is salescrm.concurrency; these tests hold it to the billing details (开票信息),
which the owner and their manager both edit, and the collection plan (回款计划).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from receivables import services
from receivables.models import BillingDetails
from receivables.tests.factories import plan_of, signed_agreement
from salescrm.concurrency import StaleEdit
from salescrm.testing.concurrency import version_of
from salescrm.testing.http import html

TAX_ID = "91350100M000100Y43"


def who(user) -> str:
    return user.get_full_name() or user.get_username()


@pytest.fixture
def agreement(salesperson, manager):
    return signed_agreement(salesperson)


@pytest.fixture
def details(agreement, salesperson):
    return services.billing_update(
        customer=agreement.customer,
        actor=salesperson,
        data={"invoice_title": "Acme Ltd", "taxpayer_id": TAX_ID, "bank": "ICBC"},
    )


# --- billing details -----------------------------------------------------------------------------


def test_a_stale_billing_save_is_refused_and_changes_nothing(details, salesperson, manager):
    customer = details.customer
    opened = details.edit_version
    services.billing_update(
        customer=customer, actor=manager, expected_version=opened,
        data={"invoice_title": "Acme Ltd", "taxpayer_id": TAX_ID, "bank": "Bank of China"},
    )  # fmt: skip

    with pytest.raises(StaleEdit) as refused:
        services.billing_update(
            customer=customer, actor=salesperson, expected_version=opened,
            data={"invoice_title": "Acme Ltd", "taxpayer_id": TAX_ID, "bank": "ICBC",
                  "phone": "021-5555"},
        )  # fmt: skip

    saved = BillingDetails.objects.get(pk=details.pk)
    assert (saved.bank, saved.phone, saved.edit_version) == ("Bank of China", "", opened + 1)
    assert refused.value.changes == {"bank": "Bank of China"}


def test_billing_details_created_meanwhile_refuse_the_empty_form(agreement, salesperson, manager):
    customer = agreement.customer
    services.billing_update(
        customer=customer, actor=manager, expected_version=0,
        data={"invoice_title": "Acme Ltd", "taxpayer_id": TAX_ID},
    )  # fmt: skip

    with pytest.raises(StaleEdit):
        services.billing_update(
            customer=customer, actor=salesperson, expected_version=0,
            data={"invoice_title": "Acme Trading", "taxpayer_id": TAX_ID},
        )  # fmt: skip

    assert BillingDetails.objects.get().invoice_title == "Acme Ltd"


def test_the_current_billing_version_saves_and_goes_up(details, salesperson):
    opened = details.edit_version

    services.billing_update(
        customer=details.customer, actor=salesperson, expected_version=opened,
        data={"invoice_title": "Acme Ltd", "taxpayer_id": TAX_ID, "bank": "Bank of China"},
    )  # fmt: skip

    saved = BillingDetails.objects.get(pk=details.pk)
    assert (saved.bank, saved.edit_version) == ("Bank of China", opened + 1)


def test_an_older_billing_form_keeps_the_owners_text_and_shows_the_managers(
    client_for, details, salesperson, manager
):
    url = reverse("receivables:billing_edit", kwargs={"customer_pk": details.customer_id})
    form = {"invoice_title": "Acme Ltd", "taxpayer_id": TAX_ID, "address": "", "phone": "",
            "bank": "ICBC", "account": ""}  # fmt: skip
    opened = version_of(details)
    client_for(manager).post(url, {**form, "bank": "Bank of China", "edit_version": opened})

    stale = client_for(salesperson).post(url, {**form, "phone": "021-5555", "edit_version": opened})

    assert stale.status_code == 409
    page = html(stale)
    assert "021-5555" in page
    assert f"{who(manager)} changed the billing details at" in page
    assert f"Saved meanwhile by {who(manager)}: Bank of China" in page
    assert f'name="edit_version" value="{opened + 1}"' in page
    saved = BillingDetails.objects.get(pk=details.pk)
    assert (saved.bank, saved.phone) == ("Bank of China", "")


# --- collection plan -----------------------------------------------------------------------------


def instalments(*amounts):
    today = timezone.localdate()
    return [(today + timedelta(days=30 * i), Decimal(a)) for i, a in enumerate(amounts)]


def test_a_stale_collection_plan_save_is_refused_and_changes_nothing(agreement, salesperson):
    plan = plan_of(agreement)
    opened = plan.edit_version
    services.plan_update(
        plan=plan, actor=salesperson, instalments=instalments("5000.00", "5000.00"),
        expected_version=opened,
    )  # fmt: skip

    with pytest.raises(StaleEdit):
        services.plan_update(
            plan=plan, actor=salesperson, instalments=instalments("1000.00", "9000.00"),
            expected_version=opened,
        )  # fmt: skip

    plan.refresh_from_db()
    assert [i.amount for i in plan.instalments.all()] == [Decimal("5000.00")] * 2
    assert plan.edit_version == opened + 1


def test_the_current_collection_plan_version_saves_and_goes_up(agreement, salesperson):
    plan = plan_of(agreement)
    opened = plan.edit_version

    services.plan_update(
        plan=plan, actor=salesperson, instalments=instalments("10000.00"), expected_version=opened
    )

    plan.refresh_from_db()
    assert [i.amount for i in plan.instalments.all()] == [Decimal("10000.00")]
    assert plan.edit_version == opened + 1


def test_an_older_collection_plan_form_keeps_the_amounts_and_lists_the_saved_ones(
    client_for, agreement, salesperson
):
    plan = plan_of(agreement)
    url = reverse("receivables:plan_edit", kwargs={"pk": agreement.pk})
    today = timezone.localdate().isoformat()
    client = client_for(salesperson)
    opened = version_of(plan)

    def form(first, second):
        return {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "edit_version": opened,
                "form-0-due_on": today, "form-0-amount": first,
                "form-1-due_on": today, "form-1-amount": second}  # fmt: skip

    assert client.post(url, form("4000.00", "6000.00")).status_code == 302
    stale = client.post(url, form("2500.00", "7500.00"))

    assert stale.status_code == 409
    page = html(stale)
    assert 'value="2500.00"' in page
    assert 'value="7500.00"' in page
    assert "¥6,000.00" in page  # saved meanwhile, listed beside the form
    assert f'name="edit_version" value="{opened + 1}"' in page
    assert [i.amount for i in plan.instalments.all()] == [Decimal("4000.00"), Decimal("6000.00")]
