from datetime import timedelta

from django.utils import timezone

from demo.receivables import seed_receivables
from receivables.models import CollectionPlan, Instalment, PlanState, Receipt, ReceiptState
from receivables.tests.factories import signed_agreement


def test_the_demo_has_plans_in_every_state_partial_receipts_and_overdue_instalments(
    salesperson, manager, finance
):
    for _ in range(4):
        signed_agreement(salesperson)
    later = timezone.now() + timedelta(days=10)

    counts = seed_receivables(now=later)

    assert counts["collection plans confirmed"] == 3
    states = set(CollectionPlan.objects.values_list("state", flat=True))
    assert states == {PlanState.DRAFT, PlanState.CONFIRMED}
    assert Receipt.objects.filter(state=ReceiptState.CONFIRMED).count() == 2
    assert Receipt.objects.filter(state=ReceiptState.RECORDED).count() == 1
    partly = Instalment.objects.filter(received__gt=0, settled_at__isnull=True)
    assert partly.exists()
    assert Instalment.objects.filter(overdue_at__isnull=False).count() >= 2
    assert seed_receivables(now=later) == {"receipts recorded": 0}  # once only


def test_the_demo_has_a_reversed_receipt_and_a_voided_invoice(salesperson, manager, finance):
    from receivables.models import Invoice, InvoiceState

    for _ in range(5):
        signed_agreement(salesperson)

    counts = seed_receivables(now=timezone.now() + timedelta(days=10))

    assert (counts["collection plans confirmed"], counts["receipts reversed"]) == (4, 1)
    reversed_receipt = Receipt.objects.get(state=ReceiptState.REVERSED)
    assert reversed_receipt.reversal_reason
    plan = CollectionPlan.objects.get(agreement=reversed_receipt.agreement)
    assert plan.instalments.filter(received__gt=0).count() == 0
    assert Invoice.objects.get(state=InvoiceState.VOIDED).agreement == plan.agreement
