"""Who signs what, and the parts of a move that plans and agreements share.

A person's capacities towards a document (salescrm.transitions.Capacity): OWNER and
MANAGER (_capacities, with salescrm.people), and the signing capacity each step needs
(STEP_CAPACITY), held in their own right (eligible_signers) or under a delegation valid
that day (signing_authority, through contracts.access.active_delegations). Each document
type's Transitions table checks its moves; _sign records the decision as a Signature,
_tell tells the people concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.access import active_delegations
from contracts.models import (
    Agreement,
    AgreementState,
    Delegation,
    Plan,
    PlanState,
    Signature,
    Step,
)
from salescrm import notifications, people
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.transitions import Capacity

# Which signing capacity each step needs.
STEP_CAPACITY = {
    Step.PLAN_REVIEW: Capacity.REVIEWER,
    Step.MANAGER: Capacity.MANAGER_SIGNER,
    Step.DIRECTOR: Capacity.DIRECTOR_SIGNER,
}


# --- who is who ---------------------------------------------------------------------------


def eligible_signers(step: str, salesperson: User) -> list[User]:
    """Who signs `step` for a document of `salesperson` in their own right: the manager of
    the salesperson's team, or (the director's step) the directors."""
    if step == Step.DIRECTOR:
        return list(people.directors())
    manager = people.manager_of(salesperson)
    return [manager] if manager else []


def signing_authority(
    actor: User, step: str, salesperson: User, *, on: date
) -> tuple[User, Delegation | None] | None:
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


# The step a document waits for in each state that waits for a signature.
WAITING_STEP = {
    (Plan, PlanState.IN_REVIEW): Step.PLAN_REVIEW,
    (Agreement, AgreementState.MANAGER_REVIEW): Step.MANAGER,
    (Agreement, AgreementState.DIRECTOR_REVIEW): Step.DIRECTOR,
}


def delegation_in_use(actor: User, document: Plan | Agreement, *, on: date) -> Delegation | None:
    """The delegation under which `actor` would sign the step `document` waits for on `on`.

    None when it waits for no signature, when `actor` may not sign it, or signs it in
    their own right. Decided by signing_authority, as the signature itself will be
    (_sign), so the notice before signing names the delegation the signature records.
    """
    step = WAITING_STEP.get((type(document), document.state))
    if step is None:
        return None
    authority = signing_authority(actor, step, document.salesperson, on=on)
    return authority[1] if authority else None


def _capacities(actor: User, salesperson: User) -> set[Capacity]:
    capacities = set()
    if actor.pk == salesperson.pk:
        capacities.add(Capacity.OWNER)
    if people.manages(actor, salesperson):
        capacities.add(Capacity.MANAGER)
    return capacities


def may_act(actor: User, document: Plan | Agreement) -> bool:
    """The document's salesperson or their manager (who sends, signs, cancels, ...)."""
    return bool(_capacities(actor, document.salesperson))


def _may_act(actor: User, document: Plan | Agreement) -> None:
    """The owner or their manager; checked before telling anyone what is missing."""
    if not may_act(actor, document):
        raise DomainError(
            _("You may not make this change to the %(document)s."), document=_("agreement")
        )


def _sign(
    document: Plan | Agreement,
    *,
    actor: User,
    step: str,
    decision: str,
    comment: str,
    now: datetime,
) -> Signature:
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


def _signing_capacity(
    actor: User, document: Plan | Agreement, step: str, now: datetime
) -> set[Capacity]:
    authority = signing_authority(actor, step, document.salesperson, on=timezone.localdate(now))
    return {STEP_CAPACITY[step]} if authority else set()


def _tell(
    kind: str,
    recipients: Iterable[User | None],
    actor: User,
    *,
    document: Plan | Agreement,
    url: str,
    body: str = "",
    **params: object,
) -> None:
    """Tell the people concerned; nobody is told of their own action."""
    notifications.notify(
        recipients=[person for person in recipients if person is not None and person != actor],
        kind=kind,
        actor=actor,
        params={"customer": document.customer.name, "title": document.title, **params},
        url=url,
        body=body,
        subject=document,
    )


def _done(document: Plan | Agreement, *kinds: str) -> None:
    """The actions these kinds of notification asked about `document` are done."""
    notifications.resolve(subject=document, kinds=kinds)


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
