"""Every change to customers goes through these functions.

Each one locks what it changes, checks the move, saves with update_fields, keeps
the history (simple-history rows, class changes, assignments, claims) and only
then tells people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from customers import access, identity, rules, signals
from customers import selectors as customer_selectors
from customers.models import (
    Assignment,
    CheckState,
    ClassChange,
    Contact,
    Customer,
    CustomerNote,
    IdentityKey,
    OwnershipClaim,
    PipelineClass,
    SourceChannel,
)
from salescrm import notifications, selectors
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.roles import Role

CUSTOMER_FIELDS = [
    "name", "credit_code", "source", "source_detail", "collected_on", "phone", "industry",
    "city", "address", "website", "needs", "notes",
]  # fmt: skip


class DuplicateCustomer(DomainError):
    """The customer is already on file: the first record wins."""

    def __init__(self, existing: Customer, kind: str):
        self.existing = existing
        self.kind = kind
        owner = existing.owner
        super().__init__(
            _(
                "%(name)s is already on file (same %(kind)s): owned by %(owner)s since "
                "%(entered)s. You can file an ownership claim."
            )
            if owner
            else _(
                "%(name)s is already on file (same %(kind)s) and sits in the unowned pool "
                "since %(entered)s. You can ask for it with an ownership claim."
            ),
            name=existing.name,
            kind=IdentityKey.Kind(kind).label,
            owner=str(owner) if owner else "",
            entered=date_format(timezone.localtime(existing.entered_at), "DATETIME_FORMAT"),
        )


def _url(customer: Customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


# --- identity: first record wins -----------------------------------------------------------------


def _keys_for(customer: Customer, contacts) -> set[tuple[str, str]]:
    phones = [customer.phone, *(c.phone for c in contacts)]
    emails = [c.email for c in contacts]
    return identity.identity_keys(
        name=customer.name,
        credit_code=customer.credit_code,
        phones=phones,
        emails=emails,
        website=customer.website,
    )


def keys_for_new(data: dict, contacts=()) -> set[tuple[str, str]]:
    """The identity keys customer_create would give a file with `data` (nothing is saved)."""
    customer = Customer(**{field: data[field] for field in CUSTOMER_FIELDS if field in data})
    return _keys_for(customer, contacts)


def find_duplicate(keys, *, exclude_pk=None) -> tuple[Customer, str] | None:
    """The customer already holding one of `keys` (and which kind matched), if any."""
    if not keys:
        return None
    match = Q()
    for kind, value in keys:
        match |= Q(kind=kind, value=value)
    qs = IdentityKey.objects.filter(match).select_related("customer__owner")
    if exclude_pk is not None:
        qs = qs.exclude(customer_id=exclude_pk)
    return pick_duplicate(qs)


def pick_duplicate(found: Iterable[IdentityKey]) -> tuple[Customer, str] | None:
    """Of the keys on file matching a new record, the customer it duplicates (and the kind).

    Name first: it is the identity people understand best; then the earliest entered
    customer (then the lowest id and the kind, so that ties always choose the same).
    """
    best = min(
        found,
        key=lambda key: (
            key.kind != IdentityKey.Kind.NAME,
            key.customer.entered_at,
            key.customer_id,
            key.kind,
        ),
        default=None,
    )
    return (best.customer, best.kind) if best is not None else None


def keys_on_file(keys) -> dict[tuple[str, str], IdentityKey]:
    """The identity keys on file among `keys`, with their customer and its owner.

    One query however many keys: an IN list per kind (at most five), OR-ed together.
    """
    values: dict[str, set[str]] = {}
    for kind, value in keys:
        values.setdefault(kind, set()).add(value)
    if not values:
        return {}
    match = Q()
    for kind, kind_values in values.items():
        match |= Q(kind=kind, value__in=sorted(kind_values))
    qs = IdentityKey.objects.filter(match).select_related("customer__owner")
    return {(key.kind, key.value): key for key in qs}


def _sync_keys(customer: Customer) -> None:
    """Make the customer's identity keys match its file; the database refuses a taken key."""
    keys = _keys_for(customer, customer.contacts.all())
    duplicate = find_duplicate(keys, exclude_pk=customer.pk)
    if duplicate:
        raise DuplicateCustomer(*duplicate)
    existing = set(customer.keys.values_list("kind", "value"))
    stale = existing - keys
    if stale:
        stale_q = Q()
        for kind, value in stale:
            stale_q |= Q(kind=kind, value=value)
        customer.keys.filter(stale_q).delete()
    try:
        with transaction.atomic():
            IdentityKey.objects.bulk_create(
                IdentityKey(customer=customer, kind=kind, value=value)
                for kind, value in keys - existing
            )
    except IntegrityError:
        # Another transaction committed the same key after our check: it came first.
        duplicate = find_duplicate(keys, exclude_pk=customer.pk)
        if duplicate is None:
            raise
        raise DuplicateCustomer(*duplicate) from None


def _validate(customer: Customer, *, today: date) -> None:
    if not identity.normalize_company_name(customer.name):
        raise DomainError(_("Enter the company's name."))
    if customer.credit_code:
        code = identity.normalize_credit_code(customer.credit_code)
        if not identity.is_valid_credit_code(code):
            raise DomainError(
                _("%(code)s is not a valid unified social credit code."), code=customer.credit_code
            )
        customer.credit_code = code
    if customer.collected_on > today:
        raise DomainError(_("The date collected cannot be in the future."))


# --- deadlines -----------------------------------------------------------------------------------


def completion_due(collected_on: date) -> datetime:
    """End of the N-th working day after the date collected (rule 1.2)."""
    policy = selectors.policy()
    calendar = selectors.work_calendar(today=collected_on)
    return calendar.due_at(
        collected_on, policy.file_completion_working_days, tz=timezone.get_current_timezone()
    )


def first_contact_due(assigned_at: datetime) -> datetime:
    """One week (calendar days) from the moment of assignment (rule 1.3.3)."""
    return assigned_at + timedelta(days=selectors.policy().first_contact_days)


def _refresh_completion(customer: Customer, *, now: datetime) -> list[str]:
    complete = not rules.missing_fields(customer, customer.contacts.all())
    if complete and customer.completed_at is None:
        customer.completed_at = now
    elif not complete:
        customer.completed_at = None
    return ["completed_at"]


# --- create and change the file ------------------------------------------------------------------


@dataclass
class ContactData:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    decision_power: str = "unknown"


def customer_create(
    *,
    actor: User,
    data: dict,
    contacts: list[ContactData] = (),
    to_pool: bool = False,
    now: datetime | None = None,
) -> Customer:
    """Record a new customer file, owned by `actor` (or in the pool); the first record wins.

    Customers from a company marketing event always go to the unowned pool.
    """
    now = now or timezone.now()
    if actor.role not in (Role.SALESPERSON, Role.MANAGER):
        raise DomainError(_("Only salespeople and managers record customers."))
    if to_pool and actor.role != Role.MANAGER:
        raise DomainError(_("Only a sales manager puts customers in the unowned pool."))
    customer = Customer(**{field: data[field] for field in CUSTOMER_FIELDS if field in data})
    customer.collected_on = customer.collected_on or timezone.localdate(now)
    _validate(customer, today=timezone.localdate(now))
    customer.entered_by = actor
    customer.entered_at = now
    customer.completion_due_at = completion_due(customer.collected_on)
    # Rule 1.3.2: customers from the company's own marketing events are the manager's to assign.
    owner = None if to_pool or customer.source == SourceChannel.MARKETING_EVENT else actor
    keys = _keys_for(customer, contacts)
    duplicate = find_duplicate(keys)
    if duplicate:
        raise DuplicateCustomer(*duplicate)
    with transaction.atomic():
        if owner is not None:
            customer.owner = owner
            customer.assigned_at = now
            customer.first_contact_due_at = first_contact_due(now)
        customer.save()
        for contact in contacts:
            Contact.objects.create(customer=customer, **vars(contact))
        _sync_keys(customer)
        _refresh_completion(customer, now=now)
        customer.save(update_fields=["completed_at"])
        if owner is not None:
            Assignment.objects.create(
                customer=customer,
                assignee=owner,
                assigned_by=actor,
                assigned_at=now,
                reason=Assignment.Reason.COLLECTED,
            )
    return customer


def customer_update(*, customer: Customer, actor: User, data: dict, now=None) -> Customer:
    """Change the file's fields; identity keys follow, and may not collide with another file."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        changed = [f for f in CUSTOMER_FIELDS if f in data and getattr(locked, f) != data[f]]
        for field in changed:
            setattr(locked, field, data[field])
        _validate(locked, today=timezone.localdate(now))
        if "collected_on" in changed:
            locked.completion_due_at = completion_due(locked.collected_on)
            changed.append("completion_due_at")
        _sync_keys(locked)
        changed += _refresh_completion(locked, now=now)
        locked._change_reason = "file edited"
        locked.save(update_fields=sorted(set(changed)))
    return locked


def contact_save(
    *, customer: Customer, actor: User, data: ContactData, contact: Contact | None = None, now=None
) -> Contact:
    """Add a contact person (or change one); their phone and e-mail join the identity keys."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if contact is None:
            contact = Contact(customer=locked)
        elif contact.customer_id != locked.pk:
            raise DomainError(_("This contact belongs to another customer."))
        for field, value in vars(data).items():
            setattr(contact, field, value)
        contact.save()
        _sync_keys(locked)
        _refresh_completion(locked, now=now)
        locked.save(update_fields=["completed_at"])
    return contact


def contact_delete(*, contact: Contact, actor: User, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=contact.customer_id)
        contact.delete()
        _sync_keys(locked)
        _refresh_completion(locked, now=now)
        locked.save(update_fields=["completed_at"])


def customer_first_contact(*, customer: Customer, at: datetime) -> bool:
    """The first contact after an assignment meets its deadline (rule 1.3.3).

    Returns True when this contact was the first; later ones change nothing.
    """
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.first_contact_at is not None or locked.owner_id is None:
            return False
        locked.first_contact_at = at
        # A late first contact takes the customer out of the reassignment queue.
        locked.reassignment_due_at = None
        locked.save(update_fields=["first_contact_at", "reassignment_due_at"])
    customer.first_contact_at = at
    return True


# --- pipeline class (rule 3.1) -------------------------------------------------------------------

# Set by the agreements, not by hand: a customer is signed when an agreement is.
SYSTEM_ONLY_CLASSES = {PipelineClass.SIGNED}


def customer_change_class(
    *, customer: Customer, actor: User, to_class: str, reason: str, system: bool = False, now=None
) -> ClassChange:
    """Move the customer to another class, keeping who, when and why."""
    now = now or timezone.now()
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
        )
        locked.pipeline_class = to_class
        locked._change_reason = f"class: {reason.strip()}"[:100]
        locked.save(update_fields=["pipeline_class"])
    return change


# --- assignment (rule 1.3) -----------------------------------------------------------------------


FIRST_CONTACT_FIELDS = [
    "first_contact_due_at", "first_contact_at", "first_contact_reminded_at",
    "first_contact_missed_at", "reassignment_due_at", "extension_granted_at", "extension_reason",
]  # fmt: skip


def _assign(
    customer: Customer, *, assignee: User | None, actor: User | None, reason: str, now
) -> None:
    """Give a locked customer a new owner (None: back to the pool) and record it."""
    previous = customer.owner
    customer.owner = assignee
    if assignee is None:
        customer.assigned_at = None
        customer.first_contact_due_at = None
    else:
        customer.assigned_at = now
        customer.first_contact_due_at = first_contact_due(now)
    # A new owner starts a new first-contact week (rule 1.3.3).
    customer.first_contact_at = None
    customer.first_contact_reminded_at = None
    customer.first_contact_missed_at = None
    customer.reassignment_due_at = None
    customer.extension_granted_at = None
    customer.extension_reason = ""
    customer._change_reason = f"owner: {reason}"
    customer.save(update_fields=["owner", "assigned_at", *FIRST_CONTACT_FIELDS])
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


def _check_manager_of(actor: User, assignee: User) -> None:
    if actor.role != Role.MANAGER or not actor.team_id:
        raise DomainError(_("Only a sales manager assigns customers."))
    if assignee.team_id != actor.team_id or assignee.role != Role.SALESPERSON:
        raise DomainError(_("%(person)s is not a salesperson in your team."), person=str(assignee))
    if not assignee.is_active:
        raise DomainError(_("%(person)s is no longer active."), person=str(assignee))


def customers_assign(
    *, customers, actor: User, assignee: User | None = None, now=None
) -> dict[int, User]:
    """Assign customers to `assignee`, or (None) spread them by balanced load.

    Customers someone else assigned in the meantime are left alone; returns
    {customer id: assignee} for those this call assigned.
    """
    now = now or timezone.now()
    ids = [c.pk for c in customers]
    with transaction.atomic():
        locked = list(
            Customer.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, owner__isnull=True)
            .order_by("entered_at", "pk")
        )
        if assignee is not None:
            _check_manager_of(actor, assignee)
            picks = [assignee] * len(locked)
        else:
            if actor.role != Role.MANAGER or not actor.team_id:
                raise DomainError(_("Only a sales manager assigns customers."))
            people = {p.pk: p for p in selectors.salespeople(team=actor.team)}
            if not people:
                raise DomainError(_("Your team has no active salespeople."))
            plan = rules.balance(
                customer_selectors.assignment_loads(list(people.values()), now=now), len(locked)
            )
            picks = [people[pk] for pk in plan]
        done = {}
        for customer, person in zip(locked, picks, strict=True):
            _assign(
                customer, assignee=person, actor=actor, reason=Assignment.Reason.MANAGER, now=now
            )
            done[customer.pk] = person
        _notify_assigned(done, actor)
    return done


def customer_reassign(*, customer: Customer, actor: User, assignee: User, now=None) -> None:
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
        if locked.owner is not None and locked.owner.team_id != actor.team_id:
            raise DomainError(_("This customer is not in your team."))
        previous = locked.owner
        _assign(
            locked, assignee=assignee, actor=actor, reason=Assignment.Reason.REASSIGNED, now=now
        )
    notifications.notify(
        recipients=[assignee],
        kind="customer_assigned",
        actor=actor,
        params={"customer": locked.name},
        url=_url(locked),
    )
    if previous is not None:
        notifications.notify(
            recipients=[previous],
            kind="customer_reassigned_away",
            actor=actor,
            params={"customer": locked.name, "assignee": str(assignee)},
            url="",
        )


def _notify_assigned(done: dict[int, User], actor: User) -> None:
    names = dict(Customer.objects.filter(pk__in=done).values_list("pk", "name"))
    notifications.notify_many(
        (
            person,
            "customer_assigned",
            {"customer": names[pk]},
            reverse("customers:detail", kwargs={"pk": pk}),
        )
        for pk, person in done.items()
    )


def first_contact_extend(*, customer: Customer, actor: User, reason: str, now=None) -> None:
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
    notifications.notify(
        recipients=[locked.owner],
        kind="first_contact_extended",
        actor=actor,
        params={
            "customer": locked.name,
            "due": date_format(timezone.localtime(locked.first_contact_due_at), "DATETIME_FORMAT"),
        },
        url=_url(locked),
        body=reason.strip(),
    )


def user_deactivate(*, user: User, actor: User, now=None) -> int:
    """Deactivate a user; their customers go back to the unowned pool. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        owned = list(
            Customer.objects.select_for_update(of=("self",))
            .filter(owner=user)
            .select_related("owner")
        )
        for customer in owned:
            _assign(customer, assignee=None, actor=actor, reason=Assignment.Reason.TO_POOL, now=now)
    return len(owned)


# --- ownership claims (rule 1.3.1) ---------------------------------------------------------------


def _deciding_manager(customer: Customer, claimant: User) -> User | None:
    """The owner's manager decides; for a pool customer, the claimant's manager."""
    team = customer.owner.team if customer.owner else claimant.team
    manager = team.manager if team else None
    return manager if manager is not None and manager.is_active else None


def claim_file(*, customer: Customer, claimant: User, reason: str, now=None) -> OwnershipClaim:
    """A salesperson claims a customer another person recorded first."""
    now = now or timezone.now()
    if claimant.role != Role.SALESPERSON:
        raise DomainError(_("Only salespeople file ownership claims."))
    if not reason.strip():
        raise DomainError(_("Say why the customer should be yours."))
    customer = Customer.objects.select_related("owner__team__manager").get(pk=customer.pk)
    if customer.owner_id == claimant.pk:
        raise DomainError(_("You already own this customer."))
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
        recipients=[_deciding_manager(customer, claimant)],
        kind="claim_filed",
        actor=claimant,
        params={"customer": customer.name, "owner": str(customer.owner or "—")},
        url=reverse("customers:claims"),
    )
    return claim


def claim_can_decide(user: User, claim: OwnershipClaim) -> bool:
    if user.role != Role.MANAGER or not user.team_id:
        return False
    owner = claim.customer.owner
    team = owner.team_id if owner else claim.claimant.team_id
    return team == user.team_id


def claim_decide(
    *, claim: OwnershipClaim, actor: User, transfer: bool, comment: str = "", now=None
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
        previous = customer.owner
        settled = []
        if transfer:
            _assign(
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
                settled.append(other.claimant)
    kind = "claim_transferred" if transfer else "claim_kept"
    notifications.notify(
        recipients=[locked.claimant, previous, *settled],
        kind=kind,
        actor=actor,
        params={"customer": customer.name, "claimant": str(locked.claimant)},
        url="",
    )
    return locked


# --- weekly check (rule 1.2) ---------------------------------------------------------------------

CHECK_TRANSITIONS = {
    # (from, to): who may make the move
    (CheckState.PENDING, CheckState.CHECKED): "manager",
    (CheckState.PENDING, CheckState.RETURNED): "manager",
    (CheckState.CHECKED, CheckState.RETURNED): "manager",
    (CheckState.RETURNED, CheckState.PENDING): "owner",
}


def _check_move(customer: Customer, actor: User, to_state: str, *, now, comment=None) -> None:
    """Move a locked file's check state by the table, recording who and when."""
    who = CHECK_TRANSITIONS.get((customer.check_state, to_state))
    if who is None:
        raise DomainError(
            _("The file of %(customer)s is %(state)s; it cannot be %(move)s."),
            customer=customer.name,
            state=CheckState(customer.check_state).label.lower(),
            move=CheckState(to_state).label.lower(),
        )
    if who == "owner" and customer.owner_id != actor.pk:
        raise DomainError(_("Only the owner resubmits the file."))
    if who == "manager" and not (
        actor.role == Role.MANAGER
        and actor.team_id
        and customer.owner
        and customer.owner.team_id == actor.team_id
    ):
        raise DomainError(_("Only the owner's manager checks the file."))
    customer.check_state = to_state
    fields = ["check_state"]
    if who == "manager":
        customer.checked_by, customer.checked_at = actor, now
        customer.check_comment = (comment or "").strip()
        fields += ["checked_by", "checked_at", "check_comment"]
    customer.save(update_fields=fields)


def _locked_for_check(pks):
    return (
        Customer.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def files_mark_checked(*, customers, actor: User, comment: str = "", now=None) -> int:
    """The manager marks a week's files checked (those still waiting); returns how many."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for customer in _locked_for_check([c.pk for c in customers]):
            if customer.check_state != CheckState.PENDING:
                continue  # already checked or returned by a click that came first
            _check_move(customer, actor, CheckState.CHECKED, now=now, comment=comment)
            count += 1
    return count


def file_return(*, customer: Customer, actor: User, reason: str, now=None) -> None:
    """The manager sends a file back for correction, saying why."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError(_("Say what needs correcting."))
    with transaction.atomic():
        locked = _locked_for_check([customer.pk]).get()
        _check_move(locked, actor, CheckState.RETURNED, now=now, comment=reason)
    notifications.notify(
        recipients=[locked.owner],
        kind="file_returned",
        actor=actor,
        params={"customer": locked.name},
        url=_url(locked),
        body=reason.strip(),
    )


def file_resubmit(*, customer: Customer, actor: User, now=None) -> None:
    """The owner says a returned file is corrected; it goes back to the check queue."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for_check([customer.pk]).get()
        _check_move(locked, actor, CheckState.PENDING, now=now)
    manager = actor.team.manager if actor.team_id else None
    notifications.notify(
        recipients=[manager],
        kind="file_resubmitted",
        actor=actor,
        params={"customer": locked.name},
        url=_url(locked),
    )


# --- escalation and guidance (rules 2.3.2 and 3.3) -----------------------------------------------


def note_add(*, customer: Customer, actor: User, kind: str, body: str, now=None) -> CustomerNote:
    """Add to the customer's thread and tell the other side.

    escalation: the owner asks the manager for help (marks the customer escalated);
    guidance: the manager's advice, to the owner's inbox; comment: a reply.
    """
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise DomainError(_("Write something first."))
    # Decide who hears of it from the file as it is now, not as the caller last saw it.
    customer = Customer.objects.select_related("owner__team__manager").get(pk=customer.pk)
    owner = customer.owner
    manager = owner.team.manager if owner and owner.team_id else None
    if kind == CustomerNote.Kind.ESCALATION:
        if actor.pk != customer.owner_id:
            raise DomainError(_("Only the owner escalates a customer."))
        recipients = [manager]
    elif kind == CustomerNote.Kind.GUIDANCE:
        if actor.role != Role.MANAGER or manager is None or manager.pk != actor.pk:
            raise DomainError(_("Only the owner's manager gives guidance."))
        recipients = [owner]
    elif kind == CustomerNote.Kind.COMMENT:
        recipients = [p for p in (owner, manager) if p is not None and p.pk != actor.pk]
    else:
        raise DomainError(_("Unknown kind of note."))
    with transaction.atomic():
        note = CustomerNote.objects.create(
            customer=customer, author=actor, kind=kind, body=body, created_at=now
        )
        if kind == CustomerNote.Kind.ESCALATION:
            locked = Customer.objects.select_for_update().get(pk=customer.pk)
            if locked.escalated_at is None:
                locked.escalated_at = customer.escalated_at = now
                locked.save(update_fields=["escalated_at"])
    notifications.notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        params={"customer": customer.name},
        url=_url(customer),
        body=body,
    )
    return note


def escalation_close(*, customer: Customer, actor: User, now=None) -> None:
    """The manager closes an escalation."""
    if not (
        actor.role == Role.MANAGER and customer.owner and customer.owner.team_id == actor.team_id
    ):
        raise DomainError(_("Only the owner's manager closes an escalation."))
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.escalated_at is None:
            raise DomainError(_("This customer is not escalated."))
        locked.escalated_at = customer.escalated_at = None
        locked.save(update_fields=["escalated_at"])
