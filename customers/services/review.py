"""Where a file stands: its pipeline class (rule 3.1) and the manager's weekly check (rule 1.2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from customers import access
from customers.models import (
    CLASS_CHANGE_REASONS,
    CheckState,
    ClassChange,
    Customer,
    PipelineClass,
)
from customers.services.files import customer_url
from salescrm import notifications, people, stored_text
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.transitions import Capacity, Transitions

# --- pipeline class (rule 3.1) -------------------------------------------------------------------

# Set by the agreements, not by hand: a customer is signed when an agreement is.
SYSTEM_ONLY_CLASSES = {PipelineClass.SIGNED}


def customer_change_class(
    *,
    customer: Customer,
    actor: User,
    to_class: str,
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
    system: bool = False,
    now: datetime | None = None,
) -> ClassChange:
    """Move the customer to another class, keeping who, when and why.

    Why: a person's `reason`, or a system reason — `reason_code` of
    CLASS_CHANGE_REASONS with its `reason_params` — shown in each reader's language.
    """
    now = now or timezone.now()
    if reason_code:
        if reason_code not in CLASS_CHANGE_REASONS:
            raise ValueError(f"unknown class change reason {reason_code!r}")
        with translation.override(settings.LANGUAGE_CODE):
            reason = stored_text.render(CLASS_CHANGE_REASONS[reason_code], reason_params or {})
    if to_class not in PipelineClass.values:
        raise DomainError(_("Unknown class."))
    if to_class in SYSTEM_ONLY_CLASSES and not system:
        raise DomainError(_("A customer becomes signed when an agreement is signed."))
    if not reason.strip():
        raise DomainError(_("Say why the class changes."))
    with transaction.atomic():
        locked = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=customer.pk)
        )
        if not system and not access.can_change(actor, locked):
            raise DomainError(_("Only the owner or their manager changes the class."))
        if locked.pipeline_class == to_class:
            raise DomainError(_("The customer is already in that class."))
        change = ClassChange.objects.create(
            customer=locked,
            from_class=locked.pipeline_class,
            to_class=to_class,
            changed_by=actor,
            changed_at=now,
            reason=reason.strip(),
            reason_code=reason_code,
            reason_params=reason_params or {},
        )
        locked.pipeline_class = to_class
        locked._change_reason = f"class: {reason.strip()}"[:100]
        locked.save(update_fields=["pipeline_class"])
    return change


# --- weekly check (rule 1.2) ---------------------------------------------------------------------

CHECK_TRANSITIONS = Transitions(
    noun=_("file"),
    field="check_state",
    table={
        (CheckState.PENDING, CheckState.CHECKED): frozenset({Capacity.MANAGER}),
        (CheckState.PENDING, CheckState.RETURNED): frozenset({Capacity.MANAGER}),
        (CheckState.CHECKED, CheckState.RETURNED): frozenset({Capacity.MANAGER}),
        (CheckState.RETURNED, CheckState.PENDING): frozenset({Capacity.OWNER}),  # resubmitted
    },
)


def _check_capacities(actor: User, customer: Customer) -> set[Capacity]:
    capacities = set()
    if customer.owner_id == actor.pk:
        capacities.add(Capacity.OWNER)
    if customer.owner is not None and people.manages(actor, customer.owner):
        capacities.add(Capacity.MANAGER)
    return capacities


def _check_move(
    customer: Customer, actor: User, to_state: str, *, now: datetime, comment: str | None = None
) -> None:
    """Move a locked file's check state by the table, recording who and when."""
    CHECK_TRANSITIONS.move(customer, to_state, _check_capacities(actor, customer))
    fields = ["check_state"]
    if to_state != CheckState.PENDING:  # the manager's decision
        customer.checked_by, customer.checked_at = actor, now
        customer.check_comment = (comment or "").strip()
        fields += ["checked_by", "checked_at", "check_comment"]
    customer.save(update_fields=fields)


def _locked_for_check(pks: Iterable[int]) -> QuerySet[Customer]:
    return (
        Customer.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def files_mark_checked(
    *,
    customers: Iterable[Customer],
    actor: User,
    comment: str = "",
    comments: dict[int, str] | None = None,
    now: datetime | None = None,
) -> int:
    """The manager marks files checked (those still waiting); returns how many.

    `comment` is kept on each of them, unless `comments` has one of its own ({id: text}).
    """
    now = now or timezone.now()
    comments = comments or {}
    count = 0
    with transaction.atomic():
        for customer in _locked_for_check([c.pk for c in customers]):
            if customer.check_state != CheckState.PENDING:
                continue  # already checked or returned by a click that came first
            own = comments.get(customer.pk, "").strip()
            _check_move(customer, actor, CheckState.CHECKED, now=now, comment=own or comment)
            notifications.resolve(subject=customer, kinds=["file_resubmitted"])
            count += 1
    return count


def file_return(
    *, customer: Customer, actor: User, reason: str, now: datetime | None = None
) -> None:
    """The manager sends a file back for correction, saying why."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError(_("Say what needs correcting."))
    with transaction.atomic():
        locked = _locked_for_check([customer.pk]).get()
        _check_move(locked, actor, CheckState.RETURNED, now=now, comment=reason)
        notifications.resolve(subject=locked, kinds=["file_resubmitted"])
    notifications.notify(
        recipients=[locked.owner],
        kind="file_returned",
        actor=actor,
        params={"customer": locked.name},
        url=customer_url(locked),
        body=reason.strip(),
        subject=locked,
    )


def file_resubmit(*, customer: Customer, actor: User, now: datetime | None = None) -> None:
    """The owner says a returned file is corrected; it goes back to the check queue."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for_check([customer.pk]).get()
        _check_move(locked, actor, CheckState.PENDING, now=now)
        notifications.resolve(subject=locked, kinds=["file_returned"])
    notifications.notify(
        recipients=[people.manager_of(actor)],
        kind="file_resubmitted",
        actor=actor,
        params={"customer": locked.name},
        url=customer_url(locked),
        subject=locked,
    )
