"""Plans (Figure 1): drafted, reviewed and signed inside, sent to the customer, then
accepted (an agreement is drafted from the plan) or declined (a draft again, with the
customer's feedback).

The plan's moves are PLAN_TRANSITIONS; capacities, _move, _sign and _tell are in
contracts.services.signing. Drafting an agreement from an accepted plan (plan_accept,
agreement_create) locks the plan, so both are here; the agreement's number and the
agreement itself come from contracts.services.agreements.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import (
    PLAN_CONTENT_FIELDS,
    Agreement,
    AgreementState,
    Decision,
    Plan,
    PlanState,
    PlanVersion,
    Signature,
    Step,
)
from contracts.services.agreements import _agreement_from_plan, agreement_url
from contracts.services.signing import (
    _capacities,
    _done,
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
from salescrm.permissions import Capability, can
from salescrm.transitions import Capacity, Transitions

P = PlanState
A = AgreementState

OWNER, MANAGER, REVIEWER = Capacity.OWNER, Capacity.MANAGER, Capacity.REVIEWER

PLAN_TRANSITIONS = Transitions(
    noun=_("plan"),
    table={
        (P.DRAFT, P.IN_REVIEW): frozenset({OWNER}),  # submit for internal review
        (P.IN_REVIEW, P.DRAFT): frozenset({OWNER, REVIEWER}),  # withdraw / rejected
        (P.IN_REVIEW, P.APPROVED): frozenset({REVIEWER}),  # review passed (signed)
        (P.APPROVED, P.DRAFT): frozenset({OWNER}),  # reopened to revise
        (P.APPROVED, P.SUBMITTED): frozenset({OWNER, MANAGER}),  # sent to the customer
        (P.SUBMITTED, P.ACCEPTED): frozenset({OWNER, MANAGER}),  # -> agreement drafted
        (P.SUBMITTED, P.DRAFT): frozenset({OWNER, MANAGER}),  # declined, with feedback
        (P.DRAFT, P.CANCELLED): frozenset({OWNER, MANAGER}),
        (P.APPROVED, P.CANCELLED): frozenset({OWNER, MANAGER}),
        (P.SUBMITTED, P.CANCELLED): frozenset({OWNER, MANAGER}),
    },
)

# A document is valid (may be sent, released, printed without the watermark) only in
# these states and with every required signature on its current revision.
PLAN_RELEASED = frozenset({P.APPROVED, P.SUBMITTED, P.ACCEPTED})


def plan_url(plan: Plan) -> str:
    return reverse("contracts:plan", kwargs={"pk": plan.pk})


def _lock_plan(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("salesperson__team", "customer")
        .get(pk=plan.pk)
    )


def _plan_content(data: dict) -> dict:
    content = {field: data.get(field) for field in PLAN_CONTENT_FIELDS}
    for text in ("title", "objectives", "audience", "media_mix", "schedule"):
        content[text] = (content[text] or "").strip()
    content["language"] = content["language"] or ""
    return content


def _check_plan(content: dict) -> None:
    if not content["title"]:
        raise DomainError(_("Give the plan a title."))
    if not content["objectives"] or not content["media_mix"]:
        raise DomainError(_("Write the customer's objectives and the media proposed."))
    start, end = content["period_start"], content["period_end"]
    if start and end and end < start:
        raise DomainError(_("The campaign must end on or after its first day."))
    if content["budget"] is not None and content["budget"] < 0:
        raise DomainError(_("The budget cannot be negative."))


def plan_create(
    *, customer: Customer, actor: User, data: dict, now: datetime | None = None
) -> Plan:
    """A draft plan for one of the salesperson's own customers."""
    now = now or timezone.now()
    if not can(actor, Capability.SELL) or customer.owner_id != actor.pk:
        raise DomainError(_("Only the customer's owner drafts a plan."))
    content = _plan_content(data)
    _check_plan(content)
    return Plan.objects.create(customer=customer, salesperson=actor, created_at=now, **content)


def plan_update(
    *, plan: Plan, actor: User, data: dict, expected_version: int | None = None
) -> Plan:
    """Revise a draft (a rejected or declined plan is a draft again).

    `expected_version`: the version the edit form was shown with (StaleEdit if it is old).
    """
    with transaction.atomic():
        locked = _lock_plan(plan)
        if locked.state != P.DRAFT:
            raise DomainError(_("Only a draft plan can be changed."))
        if actor.pk != locked.salesperson_id:
            raise DomainError(_("Only the salesperson revises their plan."))
        concurrency.check(locked, expected_version, submitted=data)
        content = _plan_content(data)
        _check_plan(content)
        changed = [f for f, value in content.items() if getattr(locked, f) != value]
        for field in changed:
            setattr(locked, field, content[field])
        if changed:
            locked.save(update_fields=changed)
    return locked


def _snapshot(plan: Plan) -> dict:
    content = {}
    for field in PLAN_CONTENT_FIELDS:
        value = getattr(plan, field)
        content[field] = (
            value.isoformat()
            if isinstance(value, date)
            else (str(value) if isinstance(value, Decimal) else value)
        )
    return content


def _current_version(plan: Plan) -> PlanVersion:
    return PlanVersion.objects.select_for_update().get(plan=plan, number=plan.version)


def _close_version(plan: Plan, outcome: str, reason: str, now: datetime) -> None:
    version = _current_version(plan)
    version.outcome, version.outcome_reason, version.outcome_at = outcome, reason, now
    version.save(update_fields=["outcome", "outcome_reason", "outcome_at"])


def plan_submit(*, plan: Plan, actor: User, now: datetime | None = None) -> Plan:
    """Freeze this revision as a new version and ask the manager to review it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        PLAN_TRANSITIONS.move(locked, P.IN_REVIEW, _capacities(actor, locked.salesperson))
        _check_plan(_plan_content({f: getattr(locked, f) for f in PLAN_CONTENT_FIELDS}))
        if not eligible_signers(Step.PLAN_REVIEW, locked.salesperson):
            raise DomainError(_("Your team has no manager to review the plan."))
        locked.version += 1
        locked.return_reason = ""
        PlanVersion.objects.create(
            plan=locked,
            number=locked.version,
            content=_snapshot(locked),
            created_at=now,
            created_by=actor,
        )
        locked.save(update_fields=["state", "version", "return_reason"])
        _done(locked, "plan_review_rejected", "plan_declined")
    _tell(
        "plan_review_requested",
        signers_to_tell(Step.PLAN_REVIEW, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=plan_url(locked),
        version=locked.version,
    )
    return locked


def plan_withdraw(*, plan: Plan, actor: User, now: datetime | None = None) -> Plan:
    """The salesperson takes the plan back from review."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        capacity = _capacities(actor, locked.salesperson) & {Capacity.OWNER}
        PLAN_TRANSITIONS.move(locked, P.DRAFT, capacity, from_states={P.IN_REVIEW})
        _close_version(locked, PlanVersion.Outcome.WITHDRAWN, "", now)
        locked.save(update_fields=["state"])
        _done(locked, "plan_review_requested")
    _tell(
        "plan_withdrawn",
        signers_to_tell(Step.PLAN_REVIEW, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=plan_url(locked),
    )
    return locked


def plan_review(
    *, plan: Plan, actor: User, approve: bool, comment: str = "", now: datetime | None = None
) -> Plan:
    """The manager's (or their delegate's) signed decision on the version in review."""
    now = now or timezone.now()
    comment = comment.strip()
    if not approve and not comment:
        raise DomainError(_("Say why the plan is rejected."))
    with transaction.atomic():
        locked = _lock_plan(plan)
        capacity = _signing_capacity(actor, locked, Step.PLAN_REVIEW, now)
        to_state = P.APPROVED if approve else P.DRAFT
        PLAN_TRANSITIONS.move(locked, to_state, capacity)
        _sign(
            locked,
            actor=actor,
            step=Step.PLAN_REVIEW,
            decision=Decision.APPROVED if approve else Decision.REJECTED,
            comment=comment,
            now=now,
        )
        outcome = PlanVersion.Outcome.APPROVED if approve else PlanVersion.Outcome.REJECTED
        _close_version(locked, outcome, comment, now)
        locked.return_reason = "" if approve else comment
        locked.save(update_fields=["state", "return_reason"])
        _done(locked, "plan_review_requested")
    _tell(
        "plan_review_passed" if approve else "plan_review_rejected",
        [locked.salesperson],
        actor,
        document=locked,
        url=plan_url(locked),
        body=comment,
    )
    return locked


def plan_reopen(*, plan: Plan, actor: User, now: datetime | None = None) -> Plan:
    """Revise a plan whose review passed, before it goes out (it needs a new review)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        PLAN_TRANSITIONS.move(
            locked,
            P.DRAFT,
            _capacities(actor, locked.salesperson) & {Capacity.OWNER},
            from_states={P.APPROVED},
        )
        _close_version(locked, PlanVersion.Outcome.REOPENED, "", now)
        locked.save(update_fields=["state"])
    return locked


def plan_missing_signatures(plan: Plan) -> list[str]:
    """The steps still unsigned on the plan's current version."""
    signed = Signature.objects.filter(
        plan=plan, revision=plan.version, step=Step.PLAN_REVIEW, decision=Decision.APPROVED
    ).exists()
    return [] if plan.version and signed else [Step.PLAN_REVIEW]


def plan_is_valid(plan: Plan) -> bool:
    return plan.state in PLAN_RELEASED and not plan_missing_signatures(plan)


def require_valid_plan(plan: Plan) -> None:
    """The send-gate: a plan without its review signature may not leave the company."""
    if not plan_is_valid(plan):
        raise DomainError(
            _("The plan has not passed the internal review: it may not be sent or released.")
        )


def plan_send(*, plan: Plan, actor: User, now: datetime | None = None) -> Plan:
    """Submit the Product Marketing Promotion Plan to the customer (server time recorded)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        require_valid_plan(locked)
        PLAN_TRANSITIONS.move(locked, P.SUBMITTED, _capacities(actor, locked.salesperson))
        locked.submitted_to_customer_at = now
        locked.save(update_fields=["state", "submitted_to_customer_at"])
    return locked


def plan_accept(*, plan: Plan, actor: User, now: datetime | None = None) -> Agreement:
    """The customer accepts: the plan is final and an agreement is drafted from it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        PLAN_TRANSITIONS.move(locked, P.ACCEPTED, _capacities(actor, locked.salesperson))
        _close_version(locked, PlanVersion.Outcome.ACCEPTED, "", now)
        locked.customer_decided_at = now
        locked.save(update_fields=["state", "customer_decided_at"])
        agreement = _agreement_from_plan(locked, now=now)
    manager = people.manager_of(locked.salesperson)
    _tell(
        "plan_accepted",
        [manager, locked.salesperson],
        actor,
        document=locked,
        url=agreement_url(agreement),
        number=agreement.number,
    )
    return agreement


def agreement_create(*, plan: Plan, actor: User, now: datetime | None = None) -> Agreement:
    """Another draft from an accepted plan (when the earlier one was cancelled)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        if locked.state != P.ACCEPTED:
            raise DomainError(_("An agreement is drafted from a plan the customer accepted."))
        if actor.pk != locked.salesperson_id:
            raise DomainError(_("Only the salesperson drafts the agreement."))
        if locked.agreements.exclude(state=A.CANCELLED).exists():
            raise DomainError(_("This plan already has an agreement in progress."))
        return _agreement_from_plan(locked, now=now)


def plan_decline(*, plan: Plan, actor: User, feedback: str, now: datetime | None = None) -> Plan:
    """The customer declines: back to draft with their feedback, to revise (Figure 1)."""
    now = now or timezone.now()
    feedback = feedback.strip()
    if not feedback:
        raise DomainError(_("Write the customer's feedback."))
    with transaction.atomic():
        locked = _lock_plan(plan)
        PLAN_TRANSITIONS.move(
            locked, P.DRAFT, _capacities(actor, locked.salesperson), from_states={P.SUBMITTED}
        )
        _close_version(locked, PlanVersion.Outcome.DECLINED, feedback, now)
        locked.return_reason = feedback
        locked.customer_decided_at = now
        locked.save(update_fields=["state", "return_reason", "customer_decided_at"])
    _tell(
        "plan_declined",
        [people.manager_of(locked.salesperson), locked.salesperson],
        actor,
        document=locked,
        url=plan_url(locked),
        body=feedback,
    )
    return locked


def plan_cancel(*, plan: Plan, actor: User, reason: str = "", now: datetime | None = None) -> Plan:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        was = locked.state
        PLAN_TRANSITIONS.move(locked, P.CANCELLED, _capacities(actor, locked.salesperson))
        if was != P.DRAFT:
            _close_version(locked, PlanVersion.Outcome.CANCELLED, reason.strip(), now)
        locked.return_reason = reason.strip()
        locked.save(update_fields=["state", "return_reason"])
        _done(locked, "plan_review_requested", "plan_review_rejected", "plan_declined")
    _tell(
        "plan_cancelled",
        [people.manager_of(locked.salesperson), locked.salesperson],
        actor,
        document=locked,
        url=plan_url(locked),
        body=reason.strip(),
    )
    return locked


def plan_moves(plan: Plan, user: User, *, now: datetime | None = None) -> set[str]:
    """The states `user` may move `plan` to now (for showing the right buttons)."""
    now = now or timezone.now()
    capacity = _capacities(user, plan.salesperson)
    if plan.state == P.IN_REVIEW:
        capacity |= _signing_capacity(user, plan, Step.PLAN_REVIEW, now)
    moves = PLAN_TRANSITIONS.moves(plan.state, capacity)
    if not plan_is_valid(plan):
        moves.discard(P.SUBMITTED)
    return moves
