"""Every write of collections (回款): billing details, plans, receipts.

Each locks the row it changes (the agreement for its plan and receipts), checks the move
against its transition table, saves, and keeps history (simple-history).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Agreement, AgreementState
from customers.identity import is_valid_credit_code, normalize_credit_code
from customers.models import Customer
from receivables import rules
from receivables.access import may_change_billing
from receivables.models import (
    BillingDetails,
    CollectionPlan,
    Instalment,
    Invoice,
    InvoiceState,
    PlanState,
    Receipt,
    ReceiptState,
)
from salescrm import concurrency, notifications, people
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.transitions import Capacity, Transitions
from salescrm.workdays import WorkCalendar, local_midnight

P, R, INV = PlanState, ReceiptState, InvoiceState

PLAN_TRANSITIONS = Transitions(
    noun=_("collection plan"),
    table={(P.DRAFT, P.CONFIRMED): frozenset({Capacity.MANAGER})},
)
RECEIPT_TRANSITIONS = Transitions(
    noun=_("receipt"),
    table={
        (R.RECORDED, R.CONFIRMED): frozenset({Capacity.FINANCE}),
        (R.RECORDED, R.REVERSED): frozenset({Capacity.FINANCE}),
        (R.CONFIRMED, R.REVERSED): frozenset({Capacity.FINANCE}),
    },
)

INVOICE_TRANSITIONS = Transitions(
    noun=_("invoice"),
    table={
        (INV.REQUESTED, INV.ISSUED): frozenset({Capacity.FINANCE}),
        (INV.ISSUED, INV.VOIDED): frozenset({Capacity.FINANCE}),
    },
)

BILLING_FIELDS = ["invoice_title", "taxpayer_id", "address", "phone", "bank", "account"]
_TAX_ID = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{20}$")


def capacities(actor: User, agreement: Agreement) -> set[Capacity]:
    held = set()
    if can(actor, Capability.SELL) and agreement.salesperson_id == actor.pk:
        held.add(Capacity.OWNER)
    if people.manages(actor, agreement.salesperson):
        held.add(Capacity.MANAGER)
    if can(actor, Capability.COLLECT):
        held.add(Capacity.FINANCE)
    return held


def money_url(agreement: Agreement) -> str:
    return reverse("receivables:agreement", kwargs={"pk": agreement.pk})


# --- billing details (开票信息) -----------------------------------------------------------------


def clean_taxpayer_id(value: str) -> str:
    """The taxpayer ID normalised; an 18-character one must be a valid unified social credit
    code (its check character), older 15- or 20-character ones letters and digits."""
    code = normalize_credit_code(value or "")
    if not code:
        return ""
    if len(code) == 18:
        if not is_valid_credit_code(code):
            raise DomainError(_("This taxpayer ID is not a valid unified social credit code."))
        return code
    if not _TAX_ID.match(code):
        raise DomainError(_("A taxpayer ID has 15, 18 or 20 letters and digits."))
    return code


def billing_update(
    *,
    customer: Customer,
    actor: User,
    data: dict,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> BillingDetails:
    """Set the customer's billing details (its owner or their manager).

    `expected_version`: the version the form was shown with; 0 when there were none yet.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("owner__team")
            .get(pk=customer.pk)
        )
        if not may_change_billing(actor, locked):
            raise DomainError(_("You may not change these billing details."))
        values = {field: (data.get(field) or "").strip() for field in BILLING_FIELDS}
        if not values["invoice_title"]:
            raise DomainError(_("The invoice title is required."))
        values["taxpayer_id"] = clean_taxpayer_id(values["taxpayer_id"])
        details = BillingDetails.objects.filter(customer=locked).first()
        if details is not None:
            concurrency.check(details, expected_version, submitted=values)
        if details is None:
            details = BillingDetails(customer=locked, updated_at=now, **values)
            details.save()
            return details
        for field, value in values.items():
            setattr(details, field, value)
        details.updated_at = now
        details.save(update_fields=[*BILLING_FIELDS, "updated_at"])
        return details


# --- collection plan (回款计划) -------------------------------------------------------------------


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("salesperson__team", "customer")
        .get(pk=agreement.pk)
    )


def _moments(due_on: date, calendar: WorkCalendar, lead: int) -> dict:
    """When an instalment falls due (the end of its working day) and when to remind (the
    policy's lead, in working days)."""
    tz = timezone.get_current_timezone()
    return {
        "due_at": calendar.due_at(due_on, 0, tz=tz),
        "remind_at": local_midnight(rules.remind_on(due_on, calendar, lead), tz=tz),
    }


def _write_instalments(
    plan: CollectionPlan, instalments: Sequence[tuple[date, Decimal]], calendar: WorkCalendar
) -> None:
    for instalment in plan.instalments.all():
        instalment.delete()  # one history row each
    lead = salescrm_selectors.policy().collection_reminder_working_days
    for number, (due_on, amount) in enumerate(sorted(instalments, key=lambda i: i[0]), 1):
        Instalment.objects.create(
            plan=plan,
            number=number,
            due_on=due_on,
            amount=amount,
            **_moments(due_on, calendar, lead),
        )


def _check_sum(total: Decimal, instalments: Sequence[tuple[date, Decimal]]) -> None:
    if not instalments:
        raise DomainError(_("A collection plan needs at least one instalment."))
    if any(amount is None or amount <= 0 for _due, amount in instalments):
        raise DomainError(_("Every instalment must be a positive amount."))
    planned = sum((amount for _due, amount in instalments), Decimal("0"))
    if planned != total:
        raise DomainError(
            _("The instalments add up to %(planned)s, not the agreed total %(total)s."),
            planned=planned,
            total=total,
        )


def plan_propose(
    *, agreement: Agreement, actor: User | None = None, now: datetime | None = None
) -> CollectionPlan:
    """The plan proposed from the signed agreement's payment terms (once; later calls give
    the existing plan)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(agreement)
        existing = CollectionPlan.objects.filter(agreement=locked).first()
        if existing is not None:
            return existing
        if locked.state != AgreementState.SIGNED or locked.total <= 0:
            raise DomainError(_("A collection plan follows a signed agreement with a total."))
        calendar = salescrm_selectors.work_calendar(today=locked.signed_on)
        policy = salescrm_selectors.policy()
        proposed = rules.propose(
            total=locked.total,
            payment_terms=locked.payment_terms,
            signed_on=locked.signed_on,
            period_start=locked.period_start,
            calendar=calendar,
            balance_days=policy.collection_balance_working_days,
            default_percent=policy.collection_deposit_percent,
        )
        plan = CollectionPlan.objects.create(agreement=locked, total=locked.total, created_at=now)
        _write_instalments(plan, [(p.due_on, p.amount) for p in proposed], calendar)
        return plan


def on_agreement_signed(
    sender: type, *, agreement: Agreement, actor: User, now: datetime, **kwargs: object
) -> None:
    """contracts.signals.agreement_signed: propose the plan in the signing's transaction
    (an agreement without a total has nothing to collect)."""
    if agreement.total > 0:
        plan_propose(agreement=agreement, actor=actor, now=now)


def _lock_plan(plan: CollectionPlan) -> tuple[Agreement, CollectionPlan]:
    agreement = _lock(plan.agreement)
    return agreement, CollectionPlan.objects.select_for_update().get(pk=plan.pk)


def plan_update(
    *,
    plan: CollectionPlan,
    actor: User,
    instalments: Sequence[tuple[date, Decimal]],
    expected_version: int | None = None,
) -> CollectionPlan:
    """The salesperson changes the proposed instalments (until the manager confirms).

    `expected_version`: the plan's version the form was shown with (StaleEdit if old).
    """
    with transaction.atomic():
        agreement, locked = _lock_plan(plan)
        if Capacity.OWNER not in capacities(actor, agreement):
            raise DomainError(_("You may not make this change to the %(document)s."),
                              document=PLAN_TRANSITIONS.noun)  # fmt: skip
        if locked.state != P.DRAFT:
            raise DomainError(_("The collection plan is confirmed: it can no longer be changed."))
        concurrency.check(locked, expected_version)
        _check_sum(locked.total, instalments)
        calendar = salescrm_selectors.work_calendar(today=agreement.signed_on)
        _write_instalments(locked, instalments, calendar)
        _reallocate(locked, now=timezone.now())
        concurrency.bump(locked)
        return locked


def plan_confirm(
    *, plan: CollectionPlan, actor: User, now: datetime | None = None
) -> CollectionPlan:
    """The manager confirms the plan: its instalments are now what is owed, and when."""
    now = now or timezone.now()
    with transaction.atomic():
        agreement, locked = _lock_plan(plan)
        PLAN_TRANSITIONS.move(locked, P.CONFIRMED, capacities(actor, agreement))
        _check_sum(locked.total, list(locked.instalments.values_list("due_on", "amount")))
        locked.confirmed_at, locked.confirmed_by = now, actor
        locked.save(update_fields=["state", "confirmed_at", "confirmed_by"])
        return locked


# --- receipts (回款记录) --------------------------------------------------------------------------


def _counted(agreement: Agreement) -> Decimal:
    """Every receipt recorded against the agreement, confirmed or not, but not reversed
    (over-collection)."""
    total = (
        Receipt.objects.filter(agreement=agreement)
        .exclude(state=R.REVERSED)
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or Decimal("0")


def receipt_record(
    *,
    agreement: Agreement,
    actor: User,
    amount: Decimal,
    received_on: date,
    method: str,
    reference: str = "",
    token: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Receipt:
    """Finance records money received. The same submission (its token) or the same
    reference on the agreement twice, even by two people at once, is one receipt."""
    now = now or timezone.now()
    token = token or uuid.uuid4()
    reference = (reference or "").strip()
    if not can(actor, Capability.COLLECT):
        raise DomainError(_("Only finance records receipts."))
    if amount is None or amount <= 0:
        raise DomainError(_("A receipt must be a positive amount."))
    if received_on > timezone.localdate(now):
        raise DomainError(_("Money cannot be received in the future."))
    try:
        with transaction.atomic():
            locked = _lock(agreement)
            if locked.state != AgreementState.SIGNED:
                raise DomainError(_("Receipts are recorded against a signed agreement."))
            same = Receipt.objects.filter(token=token).first()
            if same is None and reference:
                same = (
                    Receipt.objects.filter(agreement=locked, reference=reference)
                    .exclude(state=R.REVERSED)
                    .first()
                )
            if same is not None:
                if same.agreement_id != locked.pk or same.amount != amount:
                    raise DomainError(
                        _("A receipt with the reference %(reference)s is already recorded."),
                        reference=same.reference or "-",
                    )
                return same
            left = locked.total - _counted(locked)
            if amount > left:
                raise DomainError(
                    _("That is more than is left to collect (%(left)s): refused."),
                    left=left,
                )
            return Receipt.objects.create(
                agreement=locked,
                amount=amount,
                received_on=received_on,
                method=method,
                reference=reference,
                token=token,
                recorded_by=actor,
                recorded_at=now,
            )
    except IntegrityError:  # the constraints caught a race the lock did not (other agreement)
        same = (
            Receipt.objects.filter(token=token).first()
            or Receipt.objects.filter(agreement=agreement, reference=reference)
            .exclude(reference="")
            .exclude(state=R.REVERSED)
            .first()
        )
        if same is None or same.amount != amount:
            raise
        return same


def receipt_confirm(*, receipt: Receipt, actor: User, now: datetime | None = None) -> Receipt:
    """Finance confirms the money is in the bank: from now on it counts."""
    now = now or timezone.now()
    with transaction.atomic():
        agreement = _lock(receipt.agreement)
        locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
        RECEIPT_TRANSITIONS.move(locked, R.CONFIRMED, capacities(actor, agreement))
        locked.confirmed_by, locked.confirmed_at = actor, now
        locked.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        plan = CollectionPlan.objects.filter(agreement=agreement).first()
        if plan is not None:
            _reallocate(plan, now=now)
        return locked


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason."))
    if len(reason) > 500:
        raise DomainError(_("The reason is at most 500 characters."))
    return reason


def receipt_reverse(
    *, receipt: Receipt, actor: User, reason: str, now: datetime | None = None
) -> Receipt:
    """Finance reverses a receipt recorded wrongly: it stays, with who, when and why, and
    no longer counts; the instalments are settled again from the receipts that remain (what
    is outstanding goes back up). A reversal, never an edit: record the right one anew."""
    now = now or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        agreement = _lock(receipt.agreement)
        locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
        RECEIPT_TRANSITIONS.move(locked, R.REVERSED, capacities(actor, agreement))
        locked.reversed_by, locked.reversed_at, locked.reversal_reason = actor, now, reason
        locked.save(update_fields=["state", "reversed_by", "reversed_at", "reversal_reason"])
        plan = CollectionPlan.objects.filter(agreement=agreement).first()
        if plan is not None:
            _reallocate(plan, now=now)
        return locked


def received(agreement: Agreement) -> Decimal:
    """What confirmed receipts add up to."""
    total = Receipt.objects.filter(agreement=agreement, state=R.CONFIRMED).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal("0")


def _reallocate(plan: CollectionPlan, *, now: datetime) -> None:
    """Spread the confirmed receipts over the instalments, the earliest first (a receipt may
    settle part of one or several); save what changed, with history."""
    instalments = list(plan.instalments.order_by("number"))
    settled = rules.allocate([i.amount for i in instalments], received(plan.agreement))
    for instalment, part in zip(instalments, settled, strict=True):
        paid_off = part == instalment.amount
        if instalment.received == part and (instalment.settled_at is not None) == paid_off:
            continue
        instalment.received = part
        if paid_off and instalment.settled_at is None:
            instalment.settled_at = now
        elif not paid_off:
            instalment.settled_at = None
        instalment.save(update_fields=["received", "settled_at"])
        if paid_off:  # nobody need chase it any more
            notifications.resolve(subject=instalment, kinds=["instalment_overdue"], now=now)


# --- invoices (发票) ------------------------------------------------------------------------------


def invoiced(agreement: Agreement) -> Decimal:
    """What issued invoices add up to."""
    total = Invoice.objects.filter(agreement=agreement, state=INV.ISSUED).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal("0")


def invoice_request(
    *, agreement: Agreement, actor: User, kind: str, amount: Decimal, now: datetime | None = None
) -> Invoice:
    """The salesperson asks finance for an invoice; all invoices stay within the total."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(agreement)
        if Capacity.OWNER not in capacities(actor, locked):
            raise DomainError(_("Only the agreement's salesperson requests invoices."))
        if locked.state != AgreementState.SIGNED:
            raise DomainError(_("Invoices are requested for a signed agreement."))
        if amount is None or amount <= 0:
            raise DomainError(_("An invoice must be a positive amount."))
        asked = (
            Invoice.objects.filter(agreement=locked)
            .exclude(state=INV.VOIDED)
            .aggregate(s=Sum("amount"))["s"]
            or 0
        )
        if asked + amount > locked.total:
            raise DomainError(
                _("Invoices would exceed the agreed total (%(left)s left to invoice)."),
                left=locked.total - asked,
            )
        return Invoice.objects.create(
            agreement=locked, kind=kind, amount=amount, requested_by=actor, requested_at=now
        )


def invoice_issue(*, invoice: Invoice, actor: User, number: str, issued_on: date) -> Invoice:
    """Finance issued the invoice: its number and date."""
    number = (number or "").strip()
    if not number:
        raise DomainError(_("The invoice number is required."))
    with transaction.atomic():
        agreement = _lock(invoice.agreement)
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        INVOICE_TRANSITIONS.move(locked, INV.ISSUED, capacities(actor, agreement))
        if Invoice.objects.filter(number=number).exists():
            raise DomainError(_("The invoice number %(number)s is already used."), number=number)
        locked.number, locked.issued_on, locked.issued_by = number, issued_on, actor
        locked.save(update_fields=["state", "number", "issued_on", "issued_by"])
        return locked


def invoice_void(
    *, invoice: Invoice, actor: User, reason: str, now: datetime | None = None
) -> Invoice:
    """Finance voids an issued invoice (红冲) with a reason: it keeps its number and no longer
    counts as invoiced; its amount may be invoiced again."""
    now = now or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        agreement = _lock(invoice.agreement)
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        INVOICE_TRANSITIONS.move(locked, INV.VOIDED, capacities(actor, agreement))
        locked.voided_by, locked.voided_at, locked.void_reason = actor, now, reason
        locked.save(update_fields=["state", "voided_by", "voided_at", "void_reason"])
        return locked
