from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from receivables import services
from receivables.models import Invoice, InvoiceKind, InvoiceState
from receivables.tests.factories import receipt, signed_agreement
from salescrm.errors import DomainError
from salescrm.testing.http import text_of


@pytest.fixture
def agreement(salesperson, manager):
    return signed_agreement(salesperson)


def request_invoice(agreement, actor, amount, kind=InvoiceKind.SPECIAL):
    return services.invoice_request(
        agreement=agreement, actor=actor, kind=kind, amount=Decimal(amount)
    )


def test_the_salesperson_requests_and_finance_issues(agreement, salesperson, finance):
    invoice = request_invoice(agreement, salesperson, "3000.00")
    assert services.invoiced(agreement) == 0
    services.invoice_issue(
        invoice=invoice, actor=finance, number="No.00012345", issued_on=timezone.localdate()
    )
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == (InvoiceState.ISSUED, "No.00012345")
    assert services.invoiced(agreement) == Decimal("3000.00")
    assert invoice.history.count() == 2


def test_only_the_salesperson_requests_and_only_finance_issues(
    agreement, salesperson, manager, finance
):
    for person in (manager, finance):
        with pytest.raises(DomainError):
            request_invoice(agreement, person, "100.00")
    invoice = request_invoice(agreement, salesperson, "100.00")
    for person in (salesperson, manager):
        with pytest.raises(DomainError):
            services.invoice_issue(
                invoice=invoice, actor=person, number="X1", issued_on=timezone.localdate()
            )
    assert Invoice.objects.get().state == InvoiceState.REQUESTED


def test_invoices_never_exceed_the_agreed_total(agreement, salesperson):
    request_invoice(agreement, salesperson, "9000.00")
    with pytest.raises(DomainError, match="exceed"):
        request_invoice(agreement, salesperson, "1000.01")
    assert Invoice.objects.count() == 1


def test_an_invoice_number_is_used_once(agreement, salesperson, finance):
    one = request_invoice(agreement, salesperson, "100.00")
    two = request_invoice(agreement, salesperson, "100.00")
    today = timezone.localdate()
    services.invoice_issue(invoice=one, actor=finance, number="N1", issued_on=today)
    with pytest.raises(DomainError, match="N1"):
        services.invoice_issue(invoice=two, actor=finance, number="N1", issued_on=today)


def test_the_agreement_shows_invoiced_received_and_outstanding(
    client_for, agreement, salesperson, finance
):
    invoice = request_invoice(agreement, salesperson, "5000.00")
    client_for(finance).post(
        reverse("receivables:invoice_issue", kwargs={"pk": agreement.pk, "invoice_pk": invoice.pk}),
        {"number": "N-7", "issued_on": timezone.localdate().isoformat()},
    )
    receipt(agreement, finance, "2000.00")
    page = client_for(salesperson).get(reverse("contracts:agreement", kwargs={"pk": agreement.pk}))
    assert text_of(page, "invoiced") == "¥5,000.00"
    assert text_of(page, "received") == "¥2,000.00"
    assert text_of(page, "outstanding") == "¥8,000.00"


def test_a_salesperson_requests_through_the_page(client_for, agreement, salesperson):
    client_for(salesperson).post(
        reverse("receivables:invoice_request", kwargs={"pk": agreement.pk}),
        {"kind": InvoiceKind.ORDINARY, "amount": "1200.00"},
    )
    assert Invoice.objects.get().amount == Decimal("1200.00")
