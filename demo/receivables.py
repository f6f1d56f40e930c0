"""Demo collections (回款) for `make run`: runs after demo.contracts.

The agreements signed in the contracts demo got their collection plans proposed on
signing. Here, in turn: one plan stays proposed, one is confirmed and nothing is paid (its
deposit, due on signing, becomes overdue 逾期), one is confirmed with part of the deposit
received, one with the deposit received and a further receipt recorded but not yet
confirmed by finance, and one confirmed with its deposit received, then reversed by finance
(recorded against the wrong agreement) and its deposit invoice voided (红冲), so its
deposit is outstanding again. Then the instalment job runs at `now`, so reminders and overdue
flags are what real use would have left. Everything goes through receivables.services.
Runs only while there is no receipt at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from receivables import jobs, services
from receivables.models import CollectionPlan, InvoiceKind, PlanState, Receipt
from salescrm import people
from salescrm.history import acting_as
from salescrm.models import User
from salescrm.roles import Role

PROPOSED, UNPAID, PARTIAL, PAID_AND_PENDING, REVERSED = range(5)
STORIES = 5


def _received_on(plan: CollectionPlan, now: datetime):
    return min(timezone.localdate(now), plan.agreement.signed_on + timedelta(days=2))


def _voided_invoice(plan: CollectionPlan, amount: Decimal, *, finance: User, now: datetime):
    """The deposit's invoice, issued with the wrong taxpayer ID and voided (红冲)."""
    salesperson = plan.agreement.salesperson
    with acting_as(salesperson):
        invoice = services.invoice_request(
            agreement=plan.agreement, actor=salesperson, kind=InvoiceKind.SPECIAL,
            amount=amount, now=now,
        )  # fmt: skip
    with acting_as(finance):
        services.invoice_issue(
            invoice=invoice, actor=finance, number=f"DEMO-{plan.agreement.number}-INV",
            issued_on=timezone.localdate(now),
        )  # fmt: skip
        services.invoice_void(
            invoice=invoice, actor=finance, reason="Wrong taxpayer ID on the invoice.", now=now
        )


@transaction.atomic
def seed_receivables(*, now: datetime | None = None) -> dict:
    """Confirm plans and record receipts on the demo's signed agreements; returns counts."""
    now = now or timezone.now()
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("pk").first()
    if finance is None or Receipt.objects.exists():
        return {"receipts recorded": 0}
    plans = list(
        CollectionPlan.objects.select_related("agreement__salesperson").order_by(
            "agreement__signed_on", "pk"
        )
    )
    confirmed = recorded = reversed_ = 0
    for index, plan in enumerate(plans):
        story = index % STORIES
        if story == PROPOSED:
            continue
        manager = people.manager_of(plan.agreement.salesperson)
        if manager is None:
            continue
        with acting_as(manager):
            services.plan_confirm(plan=plan, actor=manager, now=now)
        confirmed += 1
        if story == UNPAID:
            continue
        deposit = plan.instalments.order_by("number").first().amount
        first = deposit / 2 if story == PARTIAL else deposit
        with acting_as(finance):
            receipt = services.receipt_record(
                agreement=plan.agreement, actor=finance, amount=first.quantize(Decimal("0.01")),
                received_on=_received_on(plan, now), method="transfer",
                reference=f"DEMO-{plan.agreement.number}-1", now=now,
            )  # fmt: skip
            services.receipt_confirm(receipt=receipt, actor=finance, now=now)
            recorded += 1
            if story == REVERSED:
                services.receipt_reverse(
                    receipt=receipt, actor=finance, now=now,
                    reason="Recorded against the wrong agreement (the customer's other order).",
                )  # fmt: skip
                reversed_ += 1
            if story == PAID_AND_PENDING and plan.total > deposit:
                services.receipt_record(
                    agreement=plan.agreement, actor=finance,
                    amount=((plan.total - deposit) / 3).quantize(Decimal("0.01")),
                    received_on=timezone.localdate(now), method="cheque",
                    reference=f"DEMO-{plan.agreement.number}-2", now=now,
                )  # fmt: skip
                recorded += 1
        if story == REVERSED:
            _voided_invoice(plan, deposit, finance=finance, now=now)
    flagged = jobs.instalments(now=now)
    return {
        "collection plans confirmed": confirmed,
        "receipts recorded": recorded,
        "receipts reversed": reversed_,
        "instalments overdue": flagged["instalments overdue"],
        "plans still proposed": CollectionPlan.objects.filter(state=PlanState.DRAFT).count(),
    }
