"""The money pages: the right people succeed, outsiders get 404, anonymous goes to login,
the wrong method is refused; the agreement page shows received and outstanding."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from receivables.models import BillingDetails, PlanState, Receipt, ReceiptState
from receivables.tests.factories import plan_of, receipt, signed_agreement
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, text_of


@pytest.fixture
def agreement(salesperson, manager):
    return signed_agreement(salesperson)


def money_url(agreement, name="receivables:agreement", **kwargs):
    return reverse(name, kwargs={"pk": agreement.pk, **kwargs})


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director", "finance"])
def test_the_money_page_opens_for_these_roles(request, client_for, agreement, persona):
    response = client_for(request.getfixturevalue(persona)).get(money_url(agreement))
    assert response.status_code == 200
    assert text_of(response, "outstanding") == "¥10,000.00"


@pytest.mark.parametrize("persona", ["teammate", "other_manager", "front_desk", "admin_user"])
def test_the_money_page_is_404_for_outsiders(request, client_for, agreement, persona):
    response = client_for(request.getfixturevalue(persona)).get(money_url(agreement))
    assert response.status_code == 404


def test_the_money_page_sends_anonymous_visitors_to_login(client, agreement):
    assert_sent_to_login(client.get(money_url(agreement)))


def test_recording_a_receipt_refuses_get(client_for, agreement, finance):
    response = client_for(finance).get(money_url(agreement, "receivables:receipt_add"))
    assert response.status_code == 405


def test_finance_records_and_confirms_a_partial_receipt_and_the_agreement_shows_it(
    client_for, agreement, finance, salesperson
):
    client = client_for(finance)
    client.post(
        money_url(agreement, "receivables:receipt_add"),
        {"amount": "2500.00", "received_on": timezone.localdate().isoformat(),
         "method": "transfer", "reference": "B-1", "token": str(uuid.uuid4())},
    )  # fmt: skip
    made = Receipt.objects.get()
    assert made.state == ReceiptState.RECORDED
    client.post(money_url(agreement, "receivables:receipt_confirm", receipt_pk=made.pk))
    made.refresh_from_db()
    assert made.state == ReceiptState.CONFIRMED
    page = client_for(salesperson).get(reverse("contracts:agreement", kwargs={"pk": agreement.pk}))
    assert text_of(page, "received") == "¥2,500.00"
    assert text_of(page, "outstanding") == "¥7,500.00"


def test_the_salesperson_cannot_record_a_receipt(client_for, agreement, salesperson):
    response = client_for(salesperson).post(
        money_url(agreement, "receivables:receipt_add"),
        {"amount": "1.00", "received_on": timezone.localdate().isoformat(),
         "method": "cash", "token": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 404
    assert not Receipt.objects.exists()


def test_the_salesperson_edits_and_the_manager_confirms_the_plan(
    client_for, agreement, salesperson, manager
):
    today = timezone.localdate()
    data = {
        "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
        "form-0-due_on": today.isoformat(), "form-0-amount": "1000.00",
        "form-1-due_on": today.isoformat(), "form-1-amount": "8000.00",
    }  # fmt: skip
    response = client_for(salesperson).post(
        money_url(agreement, "receivables:plan_edit"), with_version(plan_of(agreement), data)
    )
    assert response.status_code == 200
    assert "add up to" in text_of(response, "plan-error")
    data["form-1-amount"] = "9000.00"
    client_for(salesperson).post(
        money_url(agreement, "receivables:plan_edit"), with_version(plan_of(agreement), data)
    )
    plan = plan_of(agreement)
    assert [i.amount for i in plan.instalments.all()] == [Decimal("1000.00"), Decimal("9000.00")]
    client_for(manager).post(money_url(agreement, "receivables:plan_confirm"))
    plan.refresh_from_db()
    assert plan.state == PlanState.CONFIRMED


def test_the_receivables_list_keeps_a_constant_query_count(
    client_for, salesperson, finance, django_assert_num_queries
):
    client = client_for(finance)
    agreement = signed_agreement(salesperson)
    receipt(agreement, finance, "100.00")
    before = _count(client)
    signed_agreement(salesperson)
    with django_assert_num_queries(before):
        response = client.get(reverse("receivables:list"))
    assert response.content.count(b"/receivables/agreements/") == 2


def _count(client) -> int:
    return _count_of(client, reverse("receivables:list"))


def test_the_owner_edits_billing_details_and_finance_reads_them(
    client_for, agreement, salesperson, finance
):
    customer = agreement.customer
    url = reverse("receivables:billing_edit", kwargs={"customer_pk": customer.pk})
    client_for(salesperson).post(url, {"invoice_title": "Acme Ltd", "taxpayer_id": "bad"})
    assert not BillingDetails.objects.exists()
    client_for(salesperson).post(
        url, {"invoice_title": "Acme Ltd", "taxpayer_id": "91350100M000100Y43"}
    )
    assert BillingDetails.objects.get().invoice_title == "Acme Ltd"
    assert client_for(finance).get(url).status_code == 404
    page = client_for(finance).get(
        reverse("receivables:billing", kwargs={"customer_pk": customer.pk})
    )
    assert "91350100M000100Y43" in text_of(page, "billing")
    # ... and no customer file beyond them.
    detail = reverse("customers:detail", kwargs={"pk": customer.pk})
    assert client_for(finance).get(detail).status_code == 404


def test_finance_has_a_home_page_and_a_menu_to_the_receivables(client_for, finance, agreement):
    response = client_for(finance).get(reverse("home"))
    assert response.status_code == 200
    assert reverse("receivables:list").encode() in response.content
    assert reverse("customers:list").encode() not in response.content


def test_the_agreement_page_itself_stays_closed_to_finance(client_for, finance, agreement):
    page = reverse("contracts:agreement", kwargs={"pk": agreement.pk})
    assert client_for(finance).get(page).status_code == 404


def test_the_money_page_keeps_a_constant_query_count(
    client_for, agreement, salesperson, finance, django_assert_num_queries
):
    client = client_for(finance)
    receipt(agreement, finance, "100.00")
    before = _count_of(client, money_url(agreement))
    receipt(agreement, finance, "200.00")
    receipt(agreement, finance, "300.00", confirm=False)
    with django_assert_num_queries(before):
        response = client.get(money_url(agreement))
    assert text_of(response, "received") == "¥300.00"


def _count_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)
