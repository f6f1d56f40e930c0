"""Every change to plans and agreements goes through these functions (Figures 1 and 2).

Each document moves only along its table, PLAN_TRANSITIONS or AGREEMENT_TRANSITIONS:
(from, to) -> the capacities that may make the move. Capacities are "owner" (the
document's salesperson), "manager" (of the salesperson's team) and the signing
capacities "reviewer" (plan review), "manager_signer" and "director_signer", which a
person holds in their own right or under a delegation valid today.

A move locks the row, checks the table, saves with update_fields (history kept by
simple-history), records a Signature for every decision, and tells the people concerned.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from contracts import rules
from contracts.access import active_delegations
from contracts.models import (
    AGREEMENT_CONTENT_FIELDS,
    PLAN_CONTENT_FIELDS,
    Agreement,
    AgreementCounter,
    AgreementLine,
    AgreementState,
    ChangeRequest,
    Decision,
    Delegation,
    Plan,
    PlanState,
    PlanVersion,
    Product,
    Signature,
    Step,
)
from customers import services as customer_services
from customers.models import Customer, PipelineClass
from salescrm import notifications, selectors
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.roles import Role

P = PlanState
A = AgreementState

PLAN_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (P.DRAFT, P.IN_REVIEW): frozenset({"owner"}),  # submit for internal review
    (P.IN_REVIEW, P.DRAFT): frozenset({"owner", "reviewer"}),  # withdraw / rejected
    (P.IN_REVIEW, P.APPROVED): frozenset({"reviewer"}),  # review passed (signed)
    (P.APPROVED, P.DRAFT): frozenset({"owner"}),  # reopened to revise
    (P.APPROVED, P.SUBMITTED): frozenset({"owner", "manager"}),  # sent to the customer
    (P.SUBMITTED, P.ACCEPTED): frozenset({"owner", "manager"}),  # -> agreement drafted
    (P.SUBMITTED, P.DRAFT): frozenset({"owner", "manager"}),  # declined, with feedback
    (P.DRAFT, P.CANCELLED): frozenset({"owner", "manager"}),
    (P.APPROVED, P.CANCELLED): frozenset({"owner", "manager"}),
    (P.SUBMITTED, P.CANCELLED): frozenset({"owner", "manager"}),
}

AGREEMENT_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (A.DRAFT, A.MANAGER_REVIEW): frozenset({"owner"}),  # submit for approval
    (A.MANAGER_REVIEW, A.DRAFT): frozenset({"owner", "manager_signer"}),  # withdraw / rejected
    (A.MANAGER_REVIEW, A.APPROVED): frozenset({"manager_signer"}),  # not major
    (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW): frozenset({"manager_signer"}),  # major
    (A.DIRECTOR_REVIEW, A.DRAFT): frozenset({"owner", "director_signer"}),  # withdraw / rejected
    (A.DIRECTOR_REVIEW, A.APPROVED): frozenset({"director_signer"}),
    (A.APPROVED, A.DRAFT): frozenset({"owner", "manager"}),  # reopened to revise
    (A.APPROVED, A.SENT): frozenset({"owner", "manager"}),  # only with every signature
    (A.SENT, A.SIGNED): frozenset({"owner", "manager"}),  # the customer signed
    (A.DRAFT, A.CANCELLED): frozenset({"owner", "manager"}),
    (A.APPROVED, A.CANCELLED): frozenset({"owner", "manager"}),
    (A.SENT, A.CANCELLED): frozenset({"owner", "manager"}),
}

# Money columns hold 14 digits with 2 decimals: totals must stay below this.
MONEY_LIMIT = Decimal("1000000000000")

# Which signing capacity each step needs.
STEP_CAPACITY = {
    Step.PLAN_REVIEW: "reviewer",
    Step.MANAGER: "manager_signer",
    Step.DIRECTOR: "director_signer",
}

# A document is valid (may be sent, released, printed without the watermark) only in
# these states and with every required signature on its current revision.
PLAN_RELEASED = frozenset({P.APPROVED, P.SUBMITTED, P.ACCEPTED})
AGREEMENT_RELEASED = frozenset({A.APPROVED, A.SENT, A.SIGNED})


# --- who is who ---------------------------------------------------------------------------


def team_manager(salesperson: User) -> User | None:
    team = salesperson.team
    manager = team.manager if team else None
    return manager if manager is not None and manager.is_active else None


def eligible_signers(step: str, salesperson: User) -> list[User]:
    """Who signs `step` for a document of `salesperson` in their own right."""
    if step == Step.DIRECTOR:
        return list(User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk"))
    manager = team_manager(salesperson)
    return [manager] if manager else []


def signing_authority(actor: User, step: str, salesperson: User, *, on: date):
    """(whose signature it is, delegation or None) if `actor` may sign `step` on `on`.

    Nobody signs their own document, not even for someone else.
    """
    if actor.pk == salesperson.pk or not actor.is_active:
        return None
    eligible = eligible_signers(step, salesperson)
    if any(person.pk == actor.pk for person in eligible):
        return actor, None
    delegation = (
        active_delegations(actor, on)
        .filter(delegator__in=[person.pk for person in eligible])
        .order_by("valid_from", "pk")
        .first()
    )
    if delegation is None:
        return None
    return delegation.delegator, delegation


def _capacities(actor: User, salesperson: User) -> set[str]:
    capacities = set()
    if actor.pk == salesperson.pk:
        capacities.add("owner")
    manager = team_manager(salesperson)
    if manager is not None and manager.pk == actor.pk:
        capacities.add("manager")
    return capacities


def _may_act(actor: User, document) -> None:
    """The owner or their manager; checked before telling anyone what is missing."""
    if not _capacities(actor, document.salesperson):
        raise DomainError(
            _("You may not make this change to the %(document)s."), document=_("agreement")
        )


def _move(
    table, document, actor: User, to_state: str, capacity: set[str], label, *, from_states=None
) -> None:
    """Check the move against `table` for `actor` acting in `capacity`; the caller saves.

    `from_states`: the states this particular action starts from (withdraw, reopen and
    decline all lead to draft, each from its own state).
    """
    allowed = table.get((document.state, to_state))
    if allowed is None or (from_states is not None and document.state not in from_states):
        raise DomainError(
            _("That is not possible now: the %(document)s is “%(state)s”."),
            document=label,
            state=document.get_state_display(),
        )
    if not allowed & capacity:
        raise DomainError(_("You may not make this change to the %(document)s."), document=label)
    document.state = to_state


def _sign(document, *, actor: User, step: str, decision: str, comment: str, now) -> Signature:
    """Record the decision as a signature; refuses anyone without the authority today."""
    authority = signing_authority(actor, step, document.salesperson, on=timezone.localdate(now))
    if authority is None:
        raise DomainError(_("You may not sign this step, nor for anyone who may."))
    on_behalf_of, delegation = authority
    revision = document.version if isinstance(document, Plan) else document.revision
    target = {"plan": document} if isinstance(document, Plan) else {"agreement": document}
    try:
        with transaction.atomic():
            return Signature.objects.create(
                **target,
                revision=revision,
                step=step,
                decision=decision,
                signer=actor,
                on_behalf_of=on_behalf_of,
                delegation=delegation,
                signed_at=now,
                comment=comment.strip(),
            )
    except IntegrityError:
        raise DomainError(_("Someone else has already decided this step.")) from None


def _signing_capacity(actor, document, step, now) -> set[str]:
    authority = signing_authority(actor, step, document.salesperson, on=timezone.localdate(now))
    return {STEP_CAPACITY[step]} if authority else set()


def _tell(kind, recipients, actor, *, document, url, body="", **params):
    """Tell the people concerned; nobody is told of their own action."""
    notifications.notify(
        recipients=[person for person in recipients if person is not None and person != actor],
        kind=kind,
        actor=actor,
        params={"customer": document.customer.name, "title": document.title, **params},
        url=url,
        body=body,
    )


def signers_to_tell(step: str, salesperson: User, *, on: date) -> list[User]:
    """Those who may sign `step`: in their own right, and their delegates today."""
    eligible = eligible_signers(step, salesperson)
    delegates = [
        d.delegate
        for d in Delegation.objects.filter(
            delegator__in=[p.pk for p in eligible],
            valid_from__lte=on,
            valid_until__gte=on,
            revoked_at__isnull=True,
        ).select_related("delegate")
        if d.delegate_id != salesperson.pk
    ]
    return [*eligible, *delegates]


# --- plans (Figure 1) -----------------------------------------------------------------------


def plan_url(plan: Plan) -> str:
    return reverse("contracts:plan", kwargs={"pk": plan.pk})


def _lock_plan(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("salesperson__team__manager", "customer")
        .get(pk=plan.pk)
    )


def _plan_content(data: dict) -> dict:
    content = {field: data.get(field) for field in PLAN_CONTENT_FIELDS}
    for text in ("title", "objectives", "audience", "media_mix", "schedule"):
        content[text] = (content[text] or "").strip()
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


def plan_create(*, customer: Customer, actor: User, data: dict, now=None) -> Plan:
    """A draft plan for one of the salesperson's own customers."""
    now = now or timezone.now()
    if actor.role != Role.SALESPERSON or customer.owner_id != actor.pk:
        raise DomainError(_("Only the customer's owner drafts a plan."))
    content = _plan_content(data)
    _check_plan(content)
    return Plan.objects.create(customer=customer, salesperson=actor, created_at=now, **content)


def plan_update(*, plan: Plan, actor: User, data: dict) -> Plan:
    """Revise a draft (a rejected or declined plan is a draft again)."""
    with transaction.atomic():
        locked = _lock_plan(plan)
        if locked.state != P.DRAFT:
            raise DomainError(_("Only a draft plan can be changed."))
        if actor.pk != locked.salesperson_id:
            raise DomainError(_("Only the salesperson revises their plan."))
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


def _close_version(plan: Plan, outcome: str, reason: str, now) -> None:
    version = _current_version(plan)
    version.outcome, version.outcome_reason, version.outcome_at = outcome, reason, now
    version.save(update_fields=["outcome", "outcome_reason", "outcome_at"])


def plan_submit(*, plan: Plan, actor: User, now=None) -> Plan:
    """Freeze this revision as a new version and ask the manager to review it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        _move(
            PLAN_TRANSITIONS,
            locked,
            actor,
            P.IN_REVIEW,
            _capacities(actor, locked.salesperson),
            _("plan"),
        )
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
    _tell(
        "plan_review_requested",
        signers_to_tell(Step.PLAN_REVIEW, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=plan_url(locked),
        version=locked.version,
    )
    return locked


def plan_withdraw(*, plan: Plan, actor: User, now=None) -> Plan:
    """The salesperson takes the plan back from review."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        capacity = _capacities(actor, locked.salesperson) & {"owner"}
        _move(
            PLAN_TRANSITIONS, locked, actor, P.DRAFT, capacity, _("plan"), from_states={P.IN_REVIEW}
        )
        _close_version(locked, PlanVersion.Outcome.WITHDRAWN, "", now)
        locked.save(update_fields=["state"])
    _tell(
        "plan_withdrawn",
        signers_to_tell(Step.PLAN_REVIEW, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=plan_url(locked),
    )
    return locked


def plan_review(*, plan: Plan, actor: User, approve: bool, comment: str = "", now=None) -> Plan:
    """The manager's (or their delegate's) signed decision on the version in review."""
    now = now or timezone.now()
    comment = comment.strip()
    if not approve and not comment:
        raise DomainError(_("Say why the plan is rejected."))
    with transaction.atomic():
        locked = _lock_plan(plan)
        capacity = _signing_capacity(actor, locked, Step.PLAN_REVIEW, now)
        to_state = P.APPROVED if approve else P.DRAFT
        _move(PLAN_TRANSITIONS, locked, actor, to_state, capacity, _("plan"))
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
    _tell(
        "plan_review_passed" if approve else "plan_review_rejected",
        [locked.salesperson],
        actor,
        document=locked,
        url=plan_url(locked),
        body=comment,
    )
    return locked


def plan_reopen(*, plan: Plan, actor: User, now=None) -> Plan:
    """Revise a plan whose review passed, before it goes out (it needs a new review)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        _move(
            PLAN_TRANSITIONS,
            locked,
            actor,
            P.DRAFT,
            _capacities(actor, locked.salesperson) & {"owner"},
            _("plan"),
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


def plan_send(*, plan: Plan, actor: User, now=None) -> Plan:
    """Submit the Product Marketing Promotion Plan to the customer (server time recorded)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        require_valid_plan(locked)
        _move(
            PLAN_TRANSITIONS,
            locked,
            actor,
            P.SUBMITTED,
            _capacities(actor, locked.salesperson),
            _("plan"),
        )
        locked.submitted_to_customer_at = now
        locked.save(update_fields=["state", "submitted_to_customer_at"])
    return locked


def plan_accept(*, plan: Plan, actor: User, now=None) -> Agreement:
    """The customer accepts: the plan is final and an agreement is drafted from it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        _move(
            PLAN_TRANSITIONS,
            locked,
            actor,
            P.ACCEPTED,
            _capacities(actor, locked.salesperson),
            _("plan"),
        )
        _close_version(locked, PlanVersion.Outcome.ACCEPTED, "", now)
        locked.customer_decided_at = now
        locked.save(update_fields=["state", "customer_decided_at"])
        agreement = _agreement_from_plan(locked, now=now)
    manager = team_manager(locked.salesperson)
    _tell(
        "plan_accepted",
        [manager, locked.salesperson],
        actor,
        document=locked,
        url=agreement_url(agreement),
        number=agreement.number,
    )
    return agreement


def plan_decline(*, plan: Plan, actor: User, feedback: str, now=None) -> Plan:
    """The customer declines: back to draft with their feedback, to revise (Figure 1)."""
    now = now or timezone.now()
    feedback = feedback.strip()
    if not feedback:
        raise DomainError(_("Write the customer's feedback."))
    with transaction.atomic():
        locked = _lock_plan(plan)
        _move(
            PLAN_TRANSITIONS,
            locked,
            actor,
            P.DRAFT,
            _capacities(actor, locked.salesperson),
            _("plan"),
            from_states={P.SUBMITTED},
        )
        _close_version(locked, PlanVersion.Outcome.DECLINED, feedback, now)
        locked.return_reason = feedback
        locked.customer_decided_at = now
        locked.save(update_fields=["state", "return_reason", "customer_decided_at"])
    _tell(
        "plan_declined",
        [team_manager(locked.salesperson), locked.salesperson],
        actor,
        document=locked,
        url=plan_url(locked),
        body=feedback,
    )
    return locked


def plan_cancel(*, plan: Plan, actor: User, reason: str = "", now=None) -> Plan:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_plan(plan)
        was = locked.state
        _move(
            PLAN_TRANSITIONS,
            locked,
            actor,
            P.CANCELLED,
            _capacities(actor, locked.salesperson),
            _("plan"),
        )
        if was != P.DRAFT:
            _close_version(locked, PlanVersion.Outcome.CANCELLED, reason.strip(), now)
        locked.return_reason = reason.strip()
        locked.save(update_fields=["state", "return_reason"])
    _tell(
        "plan_cancelled",
        [team_manager(locked.salesperson), locked.salesperson],
        actor,
        document=locked,
        url=plan_url(locked),
        body=reason.strip(),
    )
    return locked


def plan_moves(plan: Plan, user: User, *, now=None) -> set[str]:
    """The states `user` may move `plan` to now (for showing the right buttons)."""
    now = now or timezone.now()
    capacity = _capacities(user, plan.salesperson)
    if plan.state == P.IN_REVIEW:
        capacity |= _signing_capacity(user, plan, Step.PLAN_REVIEW, now)
    moves = {
        to for (frm, to), who in PLAN_TRANSITIONS.items() if frm == plan.state and who & capacity
    }
    if not plan_is_valid(plan):
        moves.discard(P.SUBMITTED)
    return moves


# --- agreements (Figure 2) ---------------------------------------------------------------------


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


def _agreement_from_plan(plan: Plan, *, now) -> Agreement:
    return Agreement.objects.create(
        number=next_number(timezone.localdate(now).year),
        customer=plan.customer,
        salesperson=plan.salesperson,
        plan=plan,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        created_at=now,
    )


def agreement_create(*, plan: Plan, actor: User, now=None) -> Agreement:
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


def _lock_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("salesperson__team__manager", "customer")
        .get(pk=agreement.pk)
    )


def _line_terms(lines) -> list[rules.LineTerms]:
    return [
        rules.LineTerms(
            position=line.position,
            product=str(line.product),
            quantity=line.quantity,
            list_price=line.list_price,
            agreed_price=line.agreed_price,
        )
        for line in lines
    ]


def agreement_update(
    *, agreement: Agreement, actor: User, data: dict, lines: list[dict]
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


def major_reasons_now(agreement: Agreement) -> list[dict]:
    """Rule 4.3 on the agreement's lines as they are, with today's authority and threshold."""
    lines = list(agreement.lines.select_related("product"))
    return rules.major_reasons(
        _line_terms(lines),
        authority_percent=agreement.salesperson.discount_authority,
        threshold=selectors.policy().major_agreement_threshold,
    )


def agreement_submit(*, agreement: Agreement, actor: User, now=None) -> Agreement:
    """Ask for approval; the system decides here whether the director must approve too."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _move(
            AGREEMENT_TRANSITIONS,
            locked,
            actor,
            A.MANAGER_REVIEW,
            _capacities(actor, locked.salesperson),
            _("agreement"),
        )
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
    _tell(
        "agreement_submitted",
        signers_to_tell(Step.MANAGER, locked.salesperson, on=timezone.localdate(now)),
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
    )
    return locked


def agreement_withdraw(*, agreement: Agreement, actor: User, now=None) -> Agreement:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        step = _step_for(locked.state)
        capacity = _capacities(actor, locked.salesperson) & {"owner"}
        _move(
            AGREEMENT_TRANSITIONS,
            locked,
            actor,
            A.DRAFT,
            capacity,
            _("agreement"),
            from_states={A.MANAGER_REVIEW, A.DIRECTOR_REVIEW},
        )
        locked.save(update_fields=["state"])
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
    *, agreement: Agreement, actor: User, approve: bool, comment: str = "", now=None
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
        _move(AGREEMENT_TRANSITIONS, locked, actor, to_state, capacity, _("agreement"))
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
    _after_decision(locked, signature, actor, now)
    return locked


def _after_decision(agreement, signature, actor, now) -> None:
    url = agreement_url(agreement)
    manager = team_manager(agreement.salesperson)
    if signature.decision == Decision.REJECTED:
        people = [agreement.salesperson]
        if signature.step == Step.DIRECTOR:
            people.append(manager)
        _tell(
            "agreement_rejected",
            people,
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
        people = [agreement.salesperson]
        if signature.step == Step.DIRECTOR:
            people.append(manager)
        _tell(
            "agreement_approved",
            people,
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


def agreement_reopen(*, agreement: Agreement, actor: User, now=None) -> Agreement:
    """Revise an approved agreement before it is sent: it needs every signature again."""
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _move(
            AGREEMENT_TRANSITIONS,
            locked,
            actor,
            A.DRAFT,
            _capacities(actor, locked.salesperson),
            _("agreement"),
            from_states={A.APPROVED},
        )
        locked.approved_at = None
        locked.save(update_fields=["state", "approved_at"])
    return locked


def agreement_send(*, agreement: Agreement, actor: User, now=None) -> Agreement:
    """Mark the agreement sent to the customer, at server time; only a valid one may go."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _may_act(actor, locked)
        require_valid_agreement(locked)
        _move(
            AGREEMENT_TRANSITIONS,
            locked,
            actor,
            A.SENT,
            _capacities(actor, locked.salesperson),
            _("agreement"),
        )
        locked.sent_at, locked.sent_by = now, actor
        locked.save(update_fields=["state", "sent_at", "sent_by"])
    return locked


def agreement_sign(*, agreement: Agreement, actor: User, signed_on: date, now=None) -> Agreement:
    """The customer signed on `signed_on`: the agreement is signed and the customer too."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _may_act(actor, locked)
        require_valid_agreement(locked)
        _move(
            AGREEMENT_TRANSITIONS,
            locked,
            actor,
            A.SIGNED,
            _capacities(actor, locked.salesperson),
            _("agreement"),
        )
        if signed_on > timezone.localdate(now):
            raise DomainError(_("The signing date cannot be in the future."))
        if signed_on < timezone.localdate(locked.sent_at):
            raise DomainError(_("The customer cannot sign before the agreement was sent."))
        locked.signed_on, locked.signed_recorded_at = signed_on, now
        locked.save(update_fields=["state", "signed_on", "signed_recorded_at"])
        _move_customer(
            locked,
            PipelineClass.SIGNED,
            actor,
            now,
            reason=_("Agreement %(number)s signed on %(day)s"),
            day=signed_on,
        )
    people = [team_manager(locked.salesperson), locked.salesperson]
    if locked.is_major:
        people += eligible_signers(Step.DIRECTOR, locked.salesperson)
    _tell(
        "agreement_signed",
        people,
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
        total=str(locked.total),
    )
    return locked


CLASS_ORDER = list(PipelineClass.values)


def _move_customer(agreement, to_class, actor, now, *, reason, day) -> None:
    """Move the customer forward to `to_class` (never backwards), kept in its class history."""
    # Locked before reading the class: a signing and a letter of intent at once must not
    # leave the customer moved backwards.
    customer = Customer.objects.select_for_update(of=("self",)).get(pk=agreement.customer_id)
    if CLASS_ORDER.index(customer.pipeline_class) >= CLASS_ORDER.index(to_class):
        return
    customer_services.customer_change_class(
        customer=customer,
        actor=actor,
        to_class=to_class,
        reason=str(reason) % {"number": agreement.number, "day": day.isoformat()},
        system=True,
        now=now,
    )


def agreement_record_loi(
    *, agreement: Agreement, actor: User, signed_on: date, now=None
) -> Agreement:
    """The customer signed a letter of intent (意向书): the customer moves to that class."""
    now = now or timezone.now()
    if signed_on > timezone.localdate(now):
        raise DomainError(_("The signing date cannot be in the future."))
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        if locked.state in (A.SIGNED, A.CANCELLED):
            raise DomainError(_("A letter of intent is recorded before the agreement is signed."))
        if not _capacities(actor, locked.salesperson):
            raise DomainError(
                _("You may not make this change to the %(document)s."), document=_("agreement")
            )
        if locked.loi_signed_on:
            raise DomainError(_("A letter of intent is already recorded."))
        locked.loi_signed_on = signed_on
        locked.save(update_fields=["loi_signed_on"])
        _move_customer(
            locked,
            PipelineClass.LETTER_OF_INTENT,
            actor,
            now,
            reason=_("Letter of intent for %(number)s signed on %(day)s"),
            day=signed_on,
        )
    return locked


def agreement_cancel(*, agreement: Agreement, actor: User, reason: str = "", now=None) -> Agreement:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _move(
            AGREEMENT_TRANSITIONS,
            locked,
            actor,
            A.CANCELLED,
            _capacities(actor, locked.salesperson),
            _("agreement"),
        )
        locked.cancelled_at, locked.cancel_reason = now, reason.strip()
        locked.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    _tell(
        "agreement_cancelled",
        [team_manager(locked.salesperson), locked.salesperson],
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
        body=reason.strip(),
    )
    return locked


def agreement_moves(agreement: Agreement, user: User, *, now=None) -> set[str]:
    """The states `user` may move `agreement` to now (for showing the right buttons)."""
    now = now or timezone.now()
    capacity = _capacities(user, agreement.salesperson)
    if agreement.state in (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW):
        capacity |= _signing_capacity(user, agreement, _step_for(agreement.state), now)
    moves = {
        to
        for (frm, to), who in AGREEMENT_TRANSITIONS.items()
        if frm == agreement.state and who & capacity
    }
    if agreement.state == A.MANAGER_REVIEW:
        moves.discard(A.APPROVED if agreement.is_major else A.DIRECTOR_REVIEW)
    if agreement.state in AGREEMENT_RELEASED - {A.SIGNED} and not agreement_is_valid(agreement):
        moves.discard(A.SENT)
        moves.discard(A.SIGNED)
    return moves


# --- change requests (rule 4.1) ---------------------------------------------------------------


def change_request_add(
    *, agreement: Agreement, actor: User, kind: str, description: str, token=None, now=None
) -> ChangeRequest:
    """Record a change the customer asks for: free while the allowance lasts, then the fee.

    `token` comes with the form: the same form posted twice (a double click) records once.
    """
    now = now or timezone.now()
    description = description.strip()
    if kind not in ChangeRequest.Kind.values:
        raise DomainError(_("Choose what kind of change it is."))
    if not description:
        raise DomainError(_("Describe the change the customer asks for."))
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        if locked.state != A.SIGNED:
            raise DomainError(_("Changes are recorded against a signed agreement."))
        if not _capacities(actor, locked.salesperson):
            raise DomainError(
                _("You may not make this change to the %(document)s."), document=_("agreement")
            )
        if token is not None and ChangeRequest.objects.filter(token=token).exists():
            raise DomainError(_("This change request is already recorded."))
        number = locked.change_requests.count() + 1
        free = number <= locked.free_changes
        change = ChangeRequest.objects.create(
            agreement=locked,
            number=number,
            kind=kind,
            description=description,
            requested_at=now,
            recorded_by=actor,
            free=free,
            fee=Decimal("0.00") if free else locked.fee_per_change,
            token=token,
        )
    if not free:
        _tell(
            "change_charged",
            [team_manager(locked.salesperson), locked.salesperson],
            actor,
            document=locked,
            url=agreement_url(locked),
            number=locked.number,
            change=number,
            fee=str(change.fee),
        )
    return change


def allowance(agreement: Agreement) -> dict:
    """How much of the free allowance is used, and what the next change costs."""
    used = agreement.change_requests.count()
    left = max(agreement.free_changes - used, 0)
    return {
        "used": used,
        "free": agreement.free_changes,
        "left": left,
        "next_fee": Decimal("0.00") if left else agreement.fee_per_change,
        "charged": used - min(used, agreement.free_changes),
    }


# --- delegations -----------------------------------------------------------------------------


def check_delegation(
    *, delegator: User, delegate: User, valid_from: date, valid_until: date, actor: User, now=None
) -> None:
    """Refuse a delegation that may not be recorded (DomainError says why)."""
    now = now or timezone.now()
    if actor.pk != delegator.pk and not (actor.role == Role.ADMIN or actor.is_superuser):
        raise DomainError(
            _("Only the person themselves or an administrator delegates a signature.")
        )
    if delegator.role not in (Role.MANAGER, Role.DIRECTOR):
        raise DomainError(_("Only managers and the director sign approvals."))
    if delegate.pk == delegator.pk:
        raise DomainError(_("Choose someone else to sign for you."))
    if not delegate.is_active or delegate.role not in (Role.MANAGER, Role.DIRECTOR):
        raise DomainError(_("A signature can only be delegated to an active manager or director."))
    if valid_until < valid_from:
        raise DomainError(_("The delegation must end on or after its first day."))
    if valid_until < timezone.localdate(now):
        raise DomainError(_("The delegation would already be over."))


def delegation_create(
    *,
    delegator: User,
    delegate: User,
    valid_from: date,
    valid_until: date,
    reason: str = "",
    actor: User,
    now=None,
) -> Delegation:
    """Record that `delegate` may sign for `delegator` between two dates (inclusive)."""
    now = now or timezone.now()
    check_delegation(
        delegator=delegator,
        delegate=delegate,
        valid_from=valid_from,
        valid_until=valid_until,
        actor=actor,
        now=now,
    )
    return Delegation.objects.create(
        delegator=delegator,
        delegate=delegate,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason.strip(),
        created_by=actor,
        created_at=now,
    )


def delegation_revoke(*, delegation: Delegation, actor: User, now=None) -> Delegation:
    """End a delegation now; signatures already given under it stay valid."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if actor.pk != locked.delegator_id and not (actor.role == Role.ADMIN or actor.is_superuser):
            raise DomainError(_("Only the person themselves or an administrator revokes it."))
        if locked.revoked_at:
            raise DomainError(_("This delegation is already revoked."))
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
    return locked


# --- the customer changes hands -----------------------------------------------------------------


def follow_customer(*, customer: Customer, previous, assignee, now, **kwargs) -> int:
    """A customer's open plans and agreements go with it to its new owner.

    Finished ones (accepted, signed, cancelled) stay with who made them. Back to the pool
    (no new owner), they stay where they are for the old team's manager to settle.
    """
    if assignee is None:
        return 0
    moved = 0
    open_plans = Plan.objects.filter(customer=customer).exclude(state__in=[P.ACCEPTED, P.CANCELLED])
    open_agreements = Agreement.objects.filter(customer=customer).exclude(
        state__in=[A.SIGNED, A.CANCELLED]
    )
    for document in [*open_plans.select_for_update(), *open_agreements.select_for_update()]:
        if document.salesperson_id == assignee.pk:
            continue
        document.salesperson = assignee
        document._change_reason = "customer reassigned"
        document.save(update_fields=["salesperson"])
        moved += 1
    return moved
