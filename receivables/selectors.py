"""Reads of collections, with their joins declared (constant queries per page)."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext

from contracts.models import Agreement
from receivables.models import BillingDetails, Invoice, InvoiceState, Receipt, ReceiptState

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum_of(receipts) -> Coalesce:
    return Coalesce(
        Subquery(
            receipts.filter(agreement=OuterRef("pk"))
            .order_by()
            .values("agreement")
            .annotate(s=Sum("amount"))
            .values("s")
        ),
        ZERO,
    )


def with_money(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Each agreement with `received` (confirmed receipts), `pending` (not confirmed) and
    `invoiced` (issued invoices)."""
    return agreements.annotate(
        received=_sum_of(Receipt.objects.filter(state=ReceiptState.CONFIRMED)),
        pending=_sum_of(Receipt.objects.filter(state=ReceiptState.RECORDED)),
        invoiced=_sum_of(Invoice.objects.filter(state=InvoiceState.ISSUED)),
    )


def money_list(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return (
        with_money(agreements)
        .select_related("customer", "salesperson", "collection_plan")
        .order_by("-signed_on", "-pk")
    )


def money_outstanding(today=None):
    """Customers with money still to collect on a confirmed collection plan (an Exists on
    Customer): the pool rules' exemption (customers.recycling), registered in apps.py."""
    from django.db.models import Exists

    from receivables.models import Instalment, PlanState

    return Exists(
        Instalment.objects.filter(
            plan__agreement__customer=OuterRef("pk"),
            plan__state=PlanState.CONFIRMED,
            settled_at__isnull=True,
        )
    )


def billing_lines(customer) -> list[tuple[str, str]]:
    """The customer's invoicing details (开票信息) as printed on its plans and agreements."""
    details = BillingDetails.objects.filter(customer=customer).first()
    if details is None:
        return []
    pairs = [
        (pgettext("printed document", "Invoice title"), details.invoice_title),
        (pgettext("printed document", "Taxpayer ID"), details.taxpayer_id),
        (pgettext("printed document", "Address"), details.address or customer.address),
        (pgettext("printed document", "Phone"), details.phone),
        (pgettext("printed document", "Bank"), details.bank),
        (pgettext("printed document", "Bank account"), details.account),
    ]
    return [(label, value) for label, value in pairs if value]
