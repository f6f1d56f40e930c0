"""Correcting money recorded wrongly: a receipt is reversed by finance with a reason, an
issued invoice voided (红冲); both are kept with their history, neither counts any more."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from receivables import selectors, services
from receivables.access import agreements_for
from receivables.models import Invoice, InvoiceKind, InvoiceState, Receipt, ReceiptState
from receivables.tests.factories import confirmed_plan, receipt
from salescrm.errors import DomainError

D = Decimal


@pytest.fixture
def plan(salesperson, manager):
    today = timezone.localdate()
    return confirmed_plan(
        salesperson, [(today, D("4000")), (today + timedelta(days=40), D("6000"))]
    )


def money(agreement, user):
    return selectors.with_money(agreements_for(user)).get(pk=agreement.pk)


def test_finance_reverses_a_confirmed_receipt_and_the_outstanding_goes_back_up(plan, finance):
    agreement = plan.agreement
    wrong = receipt(agreement, finance, "5000.00", reference="ICBC-1")
    first, second = plan.instalments.order_by("number")
    assert (first.received, first.settled_at is not None, second.received) == (
        D("4000.00"), True, D("1000.00"),
    )  # fmt: skip
    assert money(agreement, finance).received == D("5000.00")

    services.receipt_reverse(receipt=wrong, actor=finance, reason="Booked to the wrong customer")

    wrong.refresh_from_db()
    assert wrong.state == ReceiptState.REVERSED
    assert (wrong.reversed_by, wrong.reversal_reason) == (finance, "Booked to the wrong customer")
    assert wrong.amount == D("5000.00")  # kept as it was: a reversal, not an edit
    assert [h.state for h in wrong.history.order_by("history_id")] == [
        "recorded", "confirmed", "reversed",
    ]  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.received, first.settled_at, second.received) == (D("0.00"), None, D("0.00"))
    assert money(agreement, finance).received == D("0.00")
    assert services.received(agreement) == D("0.00")


def test_the_right_receipt_is_recorded_again_with_the_same_reference(plan, finance):
    agreement = plan.agreement
    wrong = receipt(agreement, finance, "10000.00", reference="ICBC-7")
    with pytest.raises(DomainError, match="more than is left"):
        receipt(agreement, finance, "1.00")
    services.receipt_reverse(receipt=wrong, actor=finance, reason="Amount typed wrongly")
    right = receipt(agreement, finance, "1000.00", reference="ICBC-7")
    assert right.pk != wrong.pk
    assert money(agreement, finance).received == D("1000.00")
    assert Receipt.objects.filter(agreement=agreement).count() == 2


def test_only_finance_reverses_with_a_reason_and_only_once(plan, finance, salesperson, manager):
    made = receipt(plan.agreement, finance, "1000.00")
    for person in (salesperson, manager):
        with pytest.raises(DomainError):
            services.receipt_reverse(receipt=made, actor=person, reason="no")
    with pytest.raises(DomainError, match="reason"):
        services.receipt_reverse(receipt=made, actor=finance, reason="   ")
    services.receipt_reverse(receipt=made, actor=finance, reason="Duplicate")
    with pytest.raises(DomainError):
        services.receipt_reverse(receipt=made, actor=finance, reason="Again")
    with pytest.raises(DomainError):
        services.receipt_confirm(receipt=made, actor=finance)
    assert services.received(plan.agreement) == 0


def test_the_database_refuses_a_reversal_without_a_reason(plan, finance):
    made = receipt(plan.agreement, finance, "1000.00")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Receipt.objects.filter(pk=made.pk).update(state=ReceiptState.REVERSED)


def test_the_database_leaves_reversed_receipts_out_of_the_total(plan, finance):
    wrong = receipt(plan.agreement, finance, "10000.00", reference="A")
    services.receipt_reverse(receipt=wrong, actor=finance, reason="Wrong agreement")
    with transaction.atomic():
        receipt(plan.agreement, finance, "10000.00", reference="B", confirm=False)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the trigger accepts it
        transaction.set_rollback(True)


def test_finance_voids_an_issued_invoice_and_it_can_be_invoiced_again(plan, salesperson, finance):
    agreement = plan.agreement
    invoice = services.invoice_request(
        agreement=agreement, actor=salesperson, kind=InvoiceKind.SPECIAL, amount=D("10000")
    )
    with pytest.raises(DomainError):
        services.invoice_void(invoice=invoice, actor=finance, reason="not issued yet")
    services.invoice_issue(
        invoice=invoice, actor=finance, number="No.1", issued_on=timezone.localdate()
    )
    with pytest.raises(DomainError):
        services.invoice_void(invoice=invoice, actor=salesperson, reason="mine")
    services.invoice_void(invoice=invoice, actor=finance, reason="Wrong taxpayer ID")
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number, invoice.void_reason) == (
        InvoiceState.VOIDED, "No.1", "Wrong taxpayer ID",
    )  # fmt: skip
    assert invoice.history.count() == 3
    assert services.invoiced(agreement) == 0
    again = services.invoice_request(
        agreement=agreement, actor=salesperson, kind=InvoiceKind.SPECIAL, amount=D("10000")
    )
    assert Invoice.objects.filter(agreement=agreement).count() == 2
    assert again.state == InvoiceState.REQUESTED


@pytest.mark.parametrize(
    ("persona", "status"),
    [("finance", 302), ("salesperson", 404), ("manager", 404), ("director", 404),
     ("front_desk", 404), ("admin_user", 404)],
)  # fmt: skip
def test_reversing_by_http_is_for_finance(client_for, request, plan, finance, persona, status):
    made = receipt(plan.agreement, finance, "1000.00")
    client = client_for(request.getfixturevalue(persona))
    url = reverse("receivables:receipt_reverse", args=[plan.agreement.pk, made.pk])
    response = client.post(url, {"reason": "Typed twice"})
    assert response.status_code == status
    made.refresh_from_db()
    assert (made.state == ReceiptState.REVERSED) is (status == 302)
