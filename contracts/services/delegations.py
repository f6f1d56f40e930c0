"""Delegations: a manager or the director lets another sign for them between two dates.

Who may sign under a delegation today is decided by contracts.access.active_delegations
and contracts.services.signing.signing_authority.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Delegation
from salescrm import people
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, administers, can


def check_delegation(
    *,
    delegator: User,
    delegate: User,
    valid_from: date,
    valid_until: date,
    actor: User,
    now: datetime | None = None,
) -> None:
    """Refuse a delegation that may not be recorded (DomainError says why)."""
    now = now or timezone.now()
    if actor.pk != delegator.pk and not administers(actor):
        raise DomainError(
            _("Only the person themselves or an administrator delegates a signature.")
        )
    if not people.is_signer(delegator):
        raise DomainError(_("Only managers and the director sign approvals."))
    if delegate.pk == delegator.pk:
        raise DomainError(_("Choose someone else to sign for you."))
    if not can(delegate, Capability.SIGN):
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
    now: datetime | None = None,
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


def delegation_revoke(
    *, delegation: Delegation, actor: User, now: datetime | None = None
) -> Delegation:
    """End a delegation now; signatures already given under it stay valid."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if actor.pk != locked.delegator_id and not administers(actor):
            raise DomainError(_("Only the person themselves or an administrator revokes it."))
        if locked.revoked_at:
            raise DomainError(_("This delegation is already revoked."))
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
    return locked
