"""Agreements (Figure 2): drafted from an accepted plan and numbered, priced line by line
from the price list, submitted for the manager's approval (and the director's for a
major one, rule 4.3), sent only with every signature (the send-gate), then signed by the
customer or cancelled.

The agreement's moves are AGREEMENT_TRANSITIONS; capacities, _move, _sign and _tell are in
contracts.services.signing. The customer's signature and letter of intent, which move the
customer's class, are in contracts.services.closing. When a customer changes hands, its
open plans and agreements follow it (follow_customer, connected to the customers app's
owner_changed signal in contracts.apps).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from contracts import rules
from contracts.models import (
    AGREEMENT_CONTENT_FIELDS,
    Agreement,
    AgreementCounter,
    AgreementLine,
    AgreementState,
    Decision,
    Plan,
    PlanState,
    Product,
    Signature,
    Step,
)
from contracts.services.pricing import (
    MONEY_LIMIT,
    major_reasons_now,
)
from contracts.services.signing import (
    _capacities,
    _done,
    _may_act,
    _sign,
    _signing_capacity,
    _tell,
    eligible_signers,
    signers_to_tell,
)
from customers.models import Customer
from salescrm import concurrency, people
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.transitions import Capacity, Transitions

P = PlanState
A = AgreementState

OWNER, MANAGER = Capacity.OWNER, Capacity.MANAGER
MANAGER_SIGNER, DIRECTOR_SIGNER = Capacity.MANAGER_SIGNER, Capacity.DIRECTOR_SIGNER

AGREEMENT_TRANSITIONS = Transitions(
    noun=_("agreement"),
    table={
        (A.DRAFT, A.MANAGER_REVIEW): frozenset({OWNER}),  # submit for approval
        (A.MANAGER_REVIEW, A.DRAFT): frozenset({OWNER, MANAGER_SIGNER}),  # withdraw / rejected
        (A.MANAGER_REVIEW, A.APPROVED): frozenset({MANAGER_SIGNER}),  # not major
        (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW): frozenset({MANAGER_SIGNER}),  # major
        (A.DIRECTOR_REVIEW, A.DRAFT): frozenset({OWNER, DIRECTOR_SIGNER}),  # withdraw / rejected
        (A.DIRECTOR_REVIEW, A.APPROVED): frozenset({DIRECTOR_SIGNER}),
        (A.APPROVED, A.DRAFT): frozenset({OWNER, MANAGER}),  # reopened to revise
        (A.APPROVED, A.SENT): frozenset({OWNER, MANAGER}),  # only with every signature
        (A.SENT, A.SIGNED): frozenset({OWNER, MANAGER}),  # the customer signed
        (A.DRAFT, A.CANCELLED): frozenset({OWNER, MANAGER}),
        (A.APPROVED, A.CANCELLED): frozenset({OWNER, MANAGER}),
        (A.SENT, A.CANCELLED): frozenset({OWNER, MANAGER}),
    },
)

# A document is valid (may be sent, released, printed without the watermark) only in
# these states and with every required signature on its current revision.
AGREEMENT_RELEASED = frozenset({A.APPROVED, A.SENT, A.SIGNED})


def agreement_url(agreement: Agreement) -> str:
    return reverse("contracts:agreement", kwargs={"pk": agreement.pk})


def next_number(year: int) -> str:
    """The next agreement number of `year`, e.g. AD2026-0007 (call inside a transaction).

    The year's counter row is locked, so two agreements drafted at once get two numbers;
    the unique column is the last guard.
    """
    AgreementCounter.objects.bulk_create([AgreementCounter(year=year)], ignore_conflicts=True)
    counter = AgreementCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"AD{year}-{counter.last:04d}"


def _agreement_from_plan(plan: Plan, *, now: datetime) -> Agreement:
    return Agreement.objects.create(
        number=next_number(timezone.localdate(now).year),
        customer=plan.customer,
        salesperson=plan.salesperson,
        plan=plan,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        language=plan.language,
        created_at=now,
    )


def _lock_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("salesperson__team", "customer")
        .get(pk=agreement.pk)
    )


def agreement_update(
    *,
    agreement: Agreement,
    actor: User,
    data: dict,
    lines: list[dict],
    expected_version: int | None = None,
) -> Agreement:
    """Save a draft: its terms and all its lines (list prices taken from the price list now).

    `lines` are dicts with product, description, period_start, period_end, quantity,
    agreed_price, in order.
    """
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        if locked.state != A.DRAFT:
            raise DomainError(_("Only a draft agreement can be changed."))
        if actor.pk != locked.salesperson_id:
            raise DomainError(_("Only the salesperson changes their agreement."))
        # The version goes up with every save (lines included): a stale editor is refused.
        concurrency.check(locked, expected_version, submitted=data)
        content = {
            field: data.get(field, getattr(locked, field)) for field in AGREEMENT_CONTENT_FIELDS
        }
        content["title"] = (content["title"] or "").strip()
        if not content["title"]:
            raise DomainError(_("Give the agreement a title."))
        # Left empty, the agreement runs from its first line's start to its last line's end.
        if lines and not content["period_start"]:
            content["period_start"] = min(line["period_start"] for line in lines)
        if lines and not content["period_end"]:
            content["period_end"] = max(line["period_end"] for line in lines)
        start, end = content["period_start"], content["period_end"]
        if start and end and end < start:
            raise DomainError(_("The agreement must end on or after its first day."))
        if content["fee_per_change"] is None or content["fee_per_change"] < 0:
            raise DomainError(_("The fee per change cannot be negative."))
        products = Product.objects.in_bulk([line["product"].pk for line in lines])
        new_lines = []
        for position, line in enumerate(lines, start=1):
            product = products.get(line["product"].pk)
            if product is None or not product.active:
                raise DomainError(
                    _("Line %(position)s: that product is no longer on the price list."),
                    position=position,
                )
            if line["period_end"] < line["period_start"]:
                raise DomainError(
                    _("Line %(position)s: the period must end on or after its first day."),
                    position=position,
                )
            if line["quantity"] < 1 or line["agreed_price"] < 0:
                raise DomainError(
                    _("Line %(position)s: quantity and price must be positive."),
                    position=position,
                )
            new_lines.append(
                AgreementLine(
                    agreement=locked,
                    position=position,
                    product=product,
                    description=(line.get("description") or "").strip(),
                    period_start=line["period_start"],
                    period_end=line["period_end"],
                    quantity=line["quantity"],
                    list_price=product.list_price,
                    agreed_price=line["agreed_price"],
                )
            )
        for old in locked.lines.all():
            old.delete()
        list_total, total = rules.totals(new_lines)
        if max(list_total, total) >= MONEY_LIMIT:
            raise DomainError(_("The total is too large for one agreement."))
        bulk_create_with_history(new_lines, AgreementLine)
        for field, value in content.items():
            setattr(locked, field, value)
        locked.list_total, locked.total = list_total, total
        locked.save(update_fields=[*AGREEMENT_CONTENT_FIELDS, "list_total", "total"])
    return locked


def _refresh_list_prices(agreement: Agreement) -> None:
    """Judge the agreement on today's price list: lines take the current list price.

    A product taken off the list since the line was saved stops the submission.
    """
    lines = list(agreement.lines.select_related("product"))
    changed = []
    for line in lines:
        if not line.product.active:
            raise DomainError(
                _("Line %(position)s: that product is no longer on the price list."),
                position=line.position,
            )
        if line.list_price != line.product.list_price:
            line.list_price = line.product.list_price
            changed.append(line)
    for line in changed:
        line.save(update_fields=["list_price"])
    agreement.list_total, agreement.total = rules.totals(lines)


def agreement_submit(
    *, agreement: Agreement, actor: User, now: datetime | None = None
) -> Agreement:
    """Ask for approval; the system decides here whether the director must approve too."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        AGREEMENT_TRANSITIONS.move(locked, A.MANAGER_REVIEW, _capacities(actor, locked.salesperson))
        if not locked.lines.exists():
            raise DomainError(_("Add at least one line before submitting."))
        if not locked.payment_terms.strip():
            raise DomainError(_("Write the payment terms before submitting."))
        if not (locked.period_start and locked.period_end):
            raise DomainError(_("Give the agreement's period before submitting."))
        if not eligible_signers(Step.MANAGER, locked.salesperson):
            raise DomainError(_("Your team has no manager to approve the agreement."))
        _refresh_list_prices(locked)
        locked.major_reasons = major_reasons_now(locked)
        if locked.major_reasons and not eligible_signers(Step.DIRECTOR, locked.salesperson):
            raise DomainError(_("This agreement is major and there is no marketing director."))
        locked.revision += 1
        locked.submitted_at = now
        locked.return_reason = ""
        locked.save(
            update_fields=[
                "state",
                "major_reasons",
                "revision",
                "submitted_at",
                "return_reason",
                "list_total",
                "total",
            ]
        )
        _done(locked, "agreement_rejected")
    _tell(
        "agreement_submitted",
        signers_to_tell(Step.MANAGER, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
    )
    return locked


def agreement_withdraw(
    *, agreement: Agreement, actor: User, now: datetime | None = None
) -> Agreement:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        step = _step_for(locked.state)
        capacity = _capacities(actor, locked.salesperson) & {Capacity.OWNER}
        AGREEMENT_TRANSITIONS.move(
            locked, A.DRAFT, capacity, from_states={A.MANAGER_REVIEW, A.DIRECTOR_REVIEW}
        )
        locked.save(update_fields=["state"])
        _done(locked, "agreement_submitted", "agreement_needs_director")
    _tell(
        "agreement_withdrawn",
        signers_to_tell(step, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
    )
    return locked


def _step_for(state: str) -> str:
    return Step.DIRECTOR if state == A.DIRECTOR_REVIEW else Step.MANAGER


def agreement_decide(
    *,
    agreement: Agreement,
    actor: User,
    approve: bool,
    comment: str = "",
    now: datetime | None = None,
) -> Agreement:
    """The manager's or the director's signed decision (or their delegate's).

    The manager's approval of a major agreement sends it on to the director; nothing
    else makes an agreement approved.
    """
    now = now or timezone.now()
    comment = comment.strip()
    if not approve and not comment:
        raise DomainError(_("Say why the agreement is rejected."))
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        if locked.state not in (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW):
            raise DomainError(
                _("That is not possible now: the %(document)s is “%(state)s”."),
                document=_("agreement"),
                state=locked.get_state_display(),
            )
        step = _step_for(locked.state)
        capacity = _signing_capacity(actor, locked, step, now)
        if not approve:
            to_state = A.DRAFT
        elif step == Step.MANAGER and locked.is_major:
            to_state = A.DIRECTOR_REVIEW
        else:
            to_state = A.APPROVED
        AGREEMENT_TRANSITIONS.move(locked, to_state, capacity)
        if Signature.objects.filter(
            agreement=locked, revision=locked.revision, signer=actor
        ).exists():
            # Rule 4.3: the director's approval is a second, independent one.
            raise DomainError(_("You have already signed another step of this agreement."))
        signature = _sign(
            locked,
            actor=actor,
            step=step,
            decision=Decision.APPROVED if approve else Decision.REJECTED,
            comment=comment,
            now=now,
        )
        fields = ["state"]
        if to_state == A.APPROVED:
            if agreement_missing_signatures(locked):
                raise DomainError(_("A required signature is missing."))
            locked.approved_at = now
            fields.append("approved_at")
        if not approve:
            locked.return_reason = comment
            fields.append("return_reason")
        locked.save(update_fields=fields)
        # The step just decided no longer waits, for anyone who could have signed it.
        _done(locked, "agreement_submitted" if step == Step.MANAGER else "agreement_needs_director")
    _after_decision(locked, signature, actor, now)
    return locked


def _after_decision(agreement: Agreement, signature: Signature, actor: User, now: datetime) -> None:
    url = agreement_url(agreement)
    manager = people.manager_of(agreement.salesperson)
    if signature.decision == Decision.REJECTED:
        recipients = [agreement.salesperson]
        if signature.step == Step.DIRECTOR:
            recipients.append(manager)
        _tell(
            "agreement_rejected",
            recipients,
            actor,
            document=agreement,
            url=url,
            number=agreement.number,
            body=signature.comment,
        )
    elif agreement.state == A.DIRECTOR_REVIEW:
        _tell(
            "agreement_needs_director",
            signers_to_tell(Step.DIRECTOR, agreement.salesperson, on=timezone.localdate(now)),
            actor,
            document=agreement,
            url=url,
            number=agreement.number,
        )
        _tell(
            "agreement_manager_approved",
            [agreement.salesperson],
            actor,
            document=agreement,
            url=url,
            number=agreement.number,
        )
    else:
        recipients = [agreement.salesperson]
        if signature.step == Step.DIRECTOR:
            recipients.append(manager)
        _tell(
            "agreement_approved",
            recipients,
            actor,
            document=agreement,
            url=url,
            number=agreement.number,
            body=signature.comment,
        )


def agreement_missing_signatures(agreement: Agreement) -> list[str]:
    """The approvals still unsigned on the current revision: the manager's, the director's."""
    required = [Step.MANAGER, *([Step.DIRECTOR] if agreement.is_major else [])]
    if not agreement.revision:
        return required
    signed = set(
        Signature.objects.filter(
            agreement=agreement, revision=agreement.revision, decision=Decision.APPROVED
        ).values_list("step", flat=True)
    )
    return [step for step in required if step not in signed]


def agreement_is_valid(agreement: Agreement) -> bool:
    return agreement.state in AGREEMENT_RELEASED and not agreement_missing_signatures(agreement)


def require_valid_agreement(agreement: Agreement) -> None:
    """The send-gate (rule 4, note): refuse to release an agreement missing a signature."""
    missing = agreement_missing_signatures(agreement)
    if missing or agreement.state not in AGREEMENT_RELEASED:
        names = ", ".join(str(Step(step).label) for step in missing) or str(
            agreement.get_state_display()
        )
        raise DomainError(
            _(
                "This agreement is not valid (missing: %(missing)s): it may not be sent or "
                "released."
            ),
            missing=names,
        )


def agreement_reopen(
    *, agreement: Agreement, actor: User, now: datetime | None = None
) -> Agreement:
    """Revise an approved agreement before it is sent: it needs every signature again."""
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        AGREEMENT_TRANSITIONS.move(
            locked, A.DRAFT, _capacities(actor, locked.salesperson), from_states={A.APPROVED}
        )
        locked.approved_at = None
        locked.save(update_fields=["state", "approved_at"])
    return locked


def agreement_send(*, agreement: Agreement, actor: User, now: datetime | None = None) -> Agreement:
    """Mark the agreement sent to the customer, at server time; only a valid one may go."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _may_act(actor, locked)
        require_valid_agreement(locked)
        AGREEMENT_TRANSITIONS.move(locked, A.SENT, _capacities(actor, locked.salesperson))
        locked.sent_at, locked.sent_by = now, actor
        locked.save(update_fields=["state", "sent_at", "sent_by"])
    return locked


def agreement_cancel(
    *, agreement: Agreement, actor: User, reason: str = "", now: datetime | None = None
) -> Agreement:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        AGREEMENT_TRANSITIONS.move(locked, A.CANCELLED, _capacities(actor, locked.salesperson))
        locked.cancelled_at, locked.cancel_reason = now, reason.strip()
        locked.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        _done(locked, "agreement_submitted", "agreement_needs_director", "agreement_rejected")
    _tell(
        "agreement_cancelled",
        [people.manager_of(locked.salesperson), locked.salesperson],
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
        body=reason.strip(),
    )
    return locked


def agreement_moves(agreement: Agreement, user: User, *, now: datetime | None = None) -> set[str]:
    """The states `user` may move `agreement` to now (for showing the right buttons)."""
    now = now or timezone.now()
    capacity = _capacities(user, agreement.salesperson)
    if agreement.state in (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW):
        capacity |= _signing_capacity(user, agreement, _step_for(agreement.state), now)
    moves = AGREEMENT_TRANSITIONS.moves(agreement.state, capacity)
    if agreement.state == A.MANAGER_REVIEW:
        moves.discard(A.APPROVED if agreement.is_major else A.DIRECTOR_REVIEW)
    if agreement.state in AGREEMENT_RELEASED - {A.SIGNED} and not agreement_is_valid(agreement):
        moves.discard(A.SENT)
        moves.discard(A.SIGNED)
    return moves


# --- the customer changes hands -----------------------------------------------------------------


def follow_customer(
    *,
    customer: Customer,
    previous: User | None,
    assignee: User | None,
    now: datetime,
    **kwargs: object,
) -> int:
    """A customer's open plans and agreements go with it to its new owner.

    Finished ones (accepted, signed, cancelled) stay with who made them. Back to the pool
    (no new owner), they stay where they are for the old team's manager to settle.
    """
    return follow_customers(changes=[(customer, previous, assignee)], now=now)


def follow_customers(
    *,
    changes: Iterable[tuple[Customer, User | None, User | None]],
    now: datetime,
    **kwargs: object,
) -> int:
    """follow_customer for many customers at once (a bulk assignment): two queries to find
    their open documents, whatever their number; each document moved keeps its history."""
    new_owner = {
        customer.pk: assignee for customer, _previous, assignee in changes if assignee is not None
    }
    if not new_owner:
        return 0
    moved = 0
    open_plans = Plan.objects.filter(customer_id__in=new_owner).exclude(
        state__in=[P.ACCEPTED, P.CANCELLED]
    )
    open_agreements = Agreement.objects.filter(customer_id__in=new_owner).exclude(
        state__in=[A.SIGNED, A.CANCELLED]
    )
    for document in [*open_plans.select_for_update(), *open_agreements.select_for_update()]:
        assignee = new_owner[document.customer_id]
        if document.salesperson_id == assignee.pk:
            continue
        document.salesperson = assignee
        document._change_reason = "customer reassigned"
        document.save(update_fields=["salesperson"])
        moved += 1
    return moved
