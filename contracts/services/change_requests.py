"""Change requests against a signed agreement (rule 4.1): free while the agreement's
allowance lasts, then each at the agreement's fee per change.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Agreement, AgreementState, ChangeRequest
from contracts.services.agreements import _lock_agreement, agreement_url
from contracts.services.signing import _capacities, _tell
from salescrm import people, stored_text
from salescrm.errors import DomainError
from salescrm.models import User

A = AgreementState


def change_request_add(
    *,
    agreement: Agreement,
    actor: User,
    kind: str,
    description: str,
    token: str | None = None,
    now: datetime | None = None,
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
            [people.manager_of(locked.salesperson), locked.salesperson],
            actor,
            document=locked,
            url=agreement_url(locked),
            number=locked.number,
            change=number,
            fee=stored_text.amount(change.fee),
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
