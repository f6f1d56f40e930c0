"""Who owns a customer: assignment and reassignment (rule 1.3), claims (rule 1.3.1).

Also the one extension of a missed first contact, and deactivating a user (their
customers go back to the pool). owner_assign is the one function that changes an owner:
it records the Assignment and sends signals.owner_changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from customers import access, rules, signals
from customers import selectors as customer_selectors
from customers.models import (
    Assignment,
    Customer,
    OwnershipClaim,
)
from customers.services.files import FIRST_CONTACT_KINDS, customer_url, first_contact_due
from salescrm import notifications, people
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, can

# --- assignment (rule 1.3) -----------------------------------------------------------------------


FIRST_CONTACT_FIELDS = [
    "first_contact_due_at", "first_contact_at", "first_contact_reminded_at",
    "first_contact_missed_at", "reassignment_due_at", "extension_granted_at", "extension_reason",
]  # fmt: skip


def _set_owner(
    customer: Customer,
    assignee: User | None,
    *,
    reason: str,
    now: datetime,
    due: datetime | None = None,
) -> None:
    """The new owner's fields on `customer` (not saved): a new first-contact week (rule
    1.3.3); back to the pool, into the pool of the previous owner's team."""
    previous = customer.owner
    customer.owner = assignee
    if assignee is None:
        customer.assigned_at = None
        customer.first_contact_due_at = None
        customer.pool_team_id = previous.team_id if previous is not None else None
    else:
        customer.assigned_at = now
        customer.first_contact_due_at = due or first_contact_due(now)
        customer.pool_team = None
    customer.first_contact_at = None
    customer.first_contact_reminded_at = None
    customer.first_contact_missed_at = None
    customer.reassignment_due_at = None
    customer.extension_granted_at = None
    customer.extension_reason = ""
    # A new ownership starts the pool rules afresh (customers.recycling).
    customer.recycle_warned_at = None
    customer.recycle_extension_days = 0
    customer.recycle_extension_reason = ""
    customer._change_reason = f"owner: {reason}"


RECYCLE_FIELDS = ["recycle_warned_at", "recycle_extension_days", "recycle_extension_reason"]
OWNER_FIELDS = ["owner", "assigned_at", "pool_team", *FIRST_CONTACT_FIELDS, *RECYCLE_FIELDS]


def owner_assign(
    customer: Customer, *, assignee: User | None, actor: User | None, reason: str, now: datetime
) -> None:
    """Give a locked customer a new owner (None: back to the pool) and record it."""
    previous = customer.owner
    _set_owner(customer, assignee, reason=reason, now=now)
    customer.save(update_fields=OWNER_FIELDS)
    notifications.resolve(subject=customer, kinds=FIRST_CONTACT_KINDS)
    Assignment.objects.create(
        customer=customer,
        assignee=assignee,
        previous_owner=previous,
        assigned_by=actor,
        assigned_at=now,
        reason=reason,
    )
    signals.owner_changed.send(
        sender=Customer, customer=customer, previous=previous, assignee=assignee, actor=actor,
        now=now,
    )  # fmt: skip


def owners_assign(
    pairs: list[tuple[Customer, User]], *, actor: User | None, reason: str, now: datetime
) -> None:
    """owner_assign for many locked customers at once, set-based: the customers are updated
    in batches with their history rows, the Assignment rows are created and the first-contact
    notifications resolved in bulk, and one signals.owners_changed names every change."""
    if not pairs:
        return
    previous = {customer.pk: customer.owner for customer, _person in pairs}
    due = first_contact_due(now)  # the same for all: one look at the calendar
    for customer, person in pairs:
        _set_owner(customer, person, reason=reason, now=now, due=due)
    customers = [customer for customer, _person in pairs]
    bulk_update_with_history(
        customers, Customer, OWNER_FIELDS, batch_size=BATCH, default_user=actor,
        default_date=now,
    )  # fmt: skip
    notifications.resolve_many(model=Customer, ids=[c.pk for c in customers],
                               kinds=FIRST_CONTACT_KINDS, now=now)  # fmt: skip
    Assignment.objects.bulk_create(
        [
            Assignment(
                customer=customer,
                assignee=person,
                previous_owner=previous[customer.pk],
                assigned_by=actor,
                assigned_at=now,
                reason=reason,
            )
            for customer, person in pairs
        ],
        batch_size=BATCH,
    )
    signals.owners_changed.send(
        sender=Customer,
        changes=[(customer, previous[customer.pk], person) for customer, person in pairs],
        actor=actor,
        now=now,
    )


def _managed_team(actor: User) -> int:
    """The team `actor` runs; anyone else may not assign customers."""
    team_id = people.managed_team_id(actor)
    if team_id is None:
        raise DomainError(_("Only a sales manager assigns customers."))
    return team_id


def _check_manager_of(actor: User, assignee: User) -> None:
    _managed_team(actor)
    if not people.manages(actor, assignee) or not people.is_salesperson(assignee):
        raise DomainError(_("%(person)s is not a salesperson in your team."), person=str(assignee))
    if not assignee.is_active:
        raise DomainError(_("%(person)s is no longer active."), person=str(assignee))


# At most this many customers in one assignment (a filtered pool larger than this is
# narrowed first); BATCH rows per UPDATE or INSERT.
ASSIGN_LIMIT = 1000
BATCH = 500


def assignment_plan(
    *, count: int, actor: User, assignee: User | None = None, now: datetime | None = None
) -> list[User]:
    """Who gets each of `count` customers, in order: all `assignee`, or the team balanced by
    load and ability (rules.balance). The preview and the assignment use this one plan."""
    now = now or timezone.now()
    if assignee is not None:
        _check_manager_of(actor, assignee)
        return [assignee] * count
    members = {p.pk: p for p in people.salespeople(team=_managed_team(actor))}
    if not members:
        raise DomainError(_("Your team has no active salespeople."))
    plan = rules.balance(
        customer_selectors.assignment_loads(list(members.values()), now=now), count
    )
    return [members[pk] for pk in plan]


def _check_limit(count: int) -> None:
    if count > ASSIGN_LIMIT:
        raise DomainError(
            _(
                "%(count)d customers are too many for one assignment: at most %(limit)d. "
                "Narrow the filters and assign them in parts."
            ),
            count=count,
            limit=ASSIGN_LIMIT,
        )


def customers_assign(
    *,
    customers: Iterable[Customer],
    actor: User,
    assignee: User | None = None,
    now: datetime | None = None,
) -> dict[int, User]:
    """Assign pool customers to `assignee`, or (None) spread them by balanced load.

    Only customers of the company's pool or the manager's team's pool: one of another
    team's pool refuses the whole assignment. Customers someone else assigned in the
    meantime are left alone; returns {customer id: assignee} for those this call assigned.
    """
    now = now or timezone.now()
    ids = {c.pk for c in customers}
    _check_limit(len(ids))
    team_id = _managed_team(actor)
    with transaction.atomic():
        locked = list(
            Customer.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, owner__isnull=True)
            .order_by("entered_at", "pk")
        )
        foreign = [c for c in locked if not access.in_pool_of(team_id, c)]
        if foreign:
            raise DomainError(
                _("%(customer)s is in another team's pool: only its manager assigns it."),
                customer=foreign[0].name,
            )
        picks = assignment_plan(count=len(locked), actor=actor, assignee=assignee, now=now)
        pairs = list(zip(locked, picks, strict=True))
        owners_assign(pairs, actor=actor, reason=Assignment.Reason.MANAGER, now=now)
        _notify_assigned(pairs)
    return {customer.pk: person for customer, person in pairs}


def pool_set_team(
    *, customers: Iterable[Customer], actor: User, team_only: bool, now: datetime | None = None
) -> int:
    """The manager keeps pool customers for their team's pool (team_only) or hands them to
    the company's pool; returns how many changed. Customers of another team's pool refuse
    the whole change; customers no longer in the pool are left alone."""
    now = now or timezone.now()
    ids = {c.pk for c in customers}
    _check_limit(len(ids))
    team_id = _managed_team(actor)
    target = team_id if team_only else None
    with transaction.atomic():
        locked = list(
            Customer.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, owner__isnull=True)
            .order_by("pk")
        )
        foreign = [c for c in locked if not access.in_pool_of(team_id, c)]
        if foreign:
            raise DomainError(
                _("%(customer)s is in another team's pool: only its manager assigns it."),
                customer=foreign[0].name,
            )
        changed = [c for c in locked if c.pool_team_id != target]
        for customer in changed:
            customer.pool_team_id = target
            customer._change_reason = "pool: team" if team_only else "pool: company"
        bulk_update_with_history(
            changed, Customer, ["pool_team"], batch_size=BATCH, default_user=actor,
            default_date=now,
        )  # fmt: skip
    return len(changed)


def customer_reassign(
    *, customer: Customer, actor: User, assignee: User, now: datetime | None = None
) -> None:
    """Move an owned customer of the manager's team to another salesperson of the team."""
    now = now or timezone.now()
    _check_manager_of(actor, assignee)
    with transaction.atomic():
        locked = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=customer.pk)
        )
        if locked.owner_id == assignee.pk:
            raise DomainError(_("%(person)s already owns this customer."), person=str(assignee))
        if locked.owner is not None and not people.manages(actor, locked.owner):
            raise DomainError(_("This customer is not in your team."))
        previous = locked.owner
        owner_assign(
            locked, assignee=assignee, actor=actor, reason=Assignment.Reason.REASSIGNED, now=now
        )
    notifications.notify(
        recipients=[assignee],
        kind="customer_assigned",
        actor=actor,
        params={"customer": locked.name},
        url=customer_url(locked),
        subject=locked,
    )
    if previous is not None:
        notifications.notify(
            recipients=[previous],
            kind="customer_reassigned_away",
            actor=actor,
            params={"customer": locked.name, "assignee": str(assignee)},
            url="",
            subject=locked,
        )


def _notify_assigned(assigned: list[tuple[Customer, User]]) -> None:
    """Each assignee is told of each of their new customers (one statement)."""
    notifications.notify_many(
        (person, "customer_assigned", {"customer": customer.name}, customer_url(customer), customer)
        for customer, person in assigned
    )


def first_contact_extend(
    *, customer: Customer, actor: User, reason: str, now: datetime | None = None
) -> None:
    """The manager grants one more week for a missed first contact, with a reason (once)."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError(_("Say why the extension is granted."))
    with transaction.atomic():
        locked = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=customer.pk)
        )
        if not access.manages(actor, locked) or locked.owner is None:
            raise DomainError(_("Only the owner's manager grants an extension."))
        # In the queue: missed and not contacted since. reassignment_due_at is not the test:
        # the job clears it for a customer it could not reassign (no one else in the team).
        if locked.first_contact_missed_at is None or locked.first_contact_at is not None:
            raise DomainError(_("This customer is not waiting in the reassignment queue."))
        if locked.extension_granted_at is not None:
            raise DomainError(_("An extension was granted once already: reassign the customer."))
        locked.first_contact_due_at = first_contact_due(now)
        locked.first_contact_reminded_at = None
        locked.first_contact_missed_at = None
        locked.reassignment_due_at = None
        locked.extension_granted_at = now
        locked.extension_reason = reason.strip()
        locked._change_reason = "first contact: extension"
        locked.save(update_fields=FIRST_CONTACT_FIELDS)
        notifications.resolve(subject=locked, kinds=["first_contact_missed"])
    notifications.notify(
        recipients=[locked.owner],
        kind="first_contact_extended",
        actor=actor,
        params={
            "customer": locked.name,
            "due": notifications.when(locked.first_contact_due_at),
        },
        url=customer_url(locked),
        body=reason.strip(),
        subject=locked,
    )


def customers_return_to_pool(*, owner: User, actor: User, now: datetime | None = None) -> int:
    """Every customer of `owner` goes back to the unowned pool (`owner` leaves the company).

    Returns how many. Called when the user is deactivated (salescrm.services.user_deactivate
    sends salescrm.signals.user_deactivating; customers/apps.py connects the receiver below).
    """
    now = now or timezone.now()
    with transaction.atomic():
        owned = list(
            Customer.objects.select_for_update(of=("self",))
            .filter(owner=owner)
            .select_related("owner")
        )
        for customer in owned:
            owner_assign(
                customer, assignee=None, actor=actor, reason=Assignment.Reason.TO_POOL, now=now
            )
        # What the pool page shows: returned on, why, former owner.
        Customer.objects.filter(pk__in=[c.pk for c in owned]).update(
            returned_to_pool_at=now, return_reason="left", former_owner=owner
        )
    return len(owned)


def on_user_deactivating(*, user: User, actor: User, now: datetime, **kwargs: object) -> str:
    """Receiver of salescrm.signals.user_deactivating: the person's customers go to the pool."""
    moved = customers_return_to_pool(owner=user, actor=actor, now=now)
    return ngettext(
        "%(person)s: %(count)d customer went back to the pool.",
        "%(person)s: %(count)d customers went back to the pool.",
        moved,
    ) % {"person": user, "count": moved}


# --- ownership claims (rule 1.3.1) ---------------------------------------------------------------


def _claim_team(customer: Customer, claimant: User) -> int | None:
    """Whose manager decides a claim: the owner's team; for a customer in a team's pool,
    that team; for one in the company's pool, the claimant's team."""
    if customer.owner is not None:
        return customer.owner.team_id
    if customer.pool_team_id is not None:
        return customer.pool_team_id
    return claimant.team_id


def claim_file(
    *, customer: Customer, claimant: User, reason: str, now: datetime | None = None
) -> OwnershipClaim:
    """A salesperson claims a customer another person recorded first."""
    now = now or timezone.now()
    if not can(claimant, Capability.SELL):
        raise DomainError(_("Only salespeople file ownership claims."))
    if not reason.strip():
        raise DomainError(_("Say why the customer should be yours."))
    customer = Customer.objects.select_related("owner").get(pk=customer.pk)
    if customer.owner_id == claimant.pk:
        raise DomainError(_("You already own this customer."))
    if (
        customer.owner_id is None
        and customer.former_owner_id == claimant.pk
        and customer.return_reason == "recycled"
    ):
        # The pool rules (customers.recycling): a customer lost for want of follow-up goes to
        # someone else; the manager may still assign it back.
        raise DomainError(_("You lost this customer to the pool: you cannot claim it back."))
    try:
        with transaction.atomic():
            claim = OwnershipClaim.objects.create(
                customer=customer,
                claimant=claimant,
                owner_at_claim=customer.owner,
                reason=reason.strip(),
                created_at=now,
            )
    except IntegrityError:
        raise DomainError(_("You already have a claim on this customer waiting.")) from None
    notifications.notify(
        recipients=[people.manager_of_team(_claim_team(customer, claimant))],
        kind="claim_filed",
        actor=claimant,
        params={"customer": customer.name, "owner": str(customer.owner or "—")},
        url=reverse("customers:claims"),
        subject=claim,
    )
    return claim


def claim_can_decide(user: User, claim: OwnershipClaim) -> bool:
    team_id = people.managed_team_id(user)
    return team_id is not None and team_id == _claim_team(claim.customer, claim.claimant)


def claim_decide(
    *,
    claim: OwnershipClaim,
    actor: User,
    transfer: bool,
    comment: str = "",
    now: datetime | None = None,
) -> OwnershipClaim:
    """The manager's final decision on a claim: keep the owner, or transfer to the claimant."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            OwnershipClaim.objects.select_for_update(of=("self",))
            .select_related("customer__owner", "claimant")
            .get(pk=claim.pk)
        )
        if locked.state != OwnershipClaim.State.PENDING:
            raise DomainError(_("This claim was already decided."))
        if not claim_can_decide(actor, locked):
            raise DomainError(_("Only the responsible manager decides this claim."))
        customer = Customer.objects.select_for_update().get(pk=locked.customer_id)
        locked.state = OwnershipClaim.State.TRANSFERRED if transfer else OwnershipClaim.State.KEPT
        locked.decided_by = actor
        locked.decided_at = now
        locked.decision_comment = comment.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
        notifications.resolve(subject=locked, kinds=["claim_filed"])
        previous = customer.owner
        settled = []
        if transfer:
            owner_assign(
                customer,
                assignee=locked.claimant,
                actor=actor,
                reason=Assignment.Reason.CLAIM,
                now=now,
            )
            # Other waiting claims on the customer are settled by this decision.
            for other in OwnershipClaim.objects.select_for_update().filter(
                customer=customer, state=OwnershipClaim.State.PENDING
            ):
                other.state = OwnershipClaim.State.KEPT
                other.decided_by, other.decided_at = actor, now
                other.decision_comment = comment.strip()
                other.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
                notifications.resolve(subject=other, kinds=["claim_filed"])
                settled.append(other.claimant)
    kind = "claim_transferred" if transfer else "claim_kept"
    notifications.notify(
        recipients=[locked.claimant, previous, *settled],
        kind=kind,
        actor=actor,
        params={"customer": customer.name, "claimant": str(locked.claimant)},
        url="",
        subject=locked,
    )
    return locked
