"""The customer file: identity, deadlines, creating and changing it, its contact people.

The first record wins: a file's identity keys (name, credit code, phones, e-mails,
website) may not be another file's. The completion deadline follows the date collected;
contacts are recorded here (customer_contacted: the last contact, and the first after an
assignment).
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

from customers import identity, rules
from customers.models import (
    Assignment,
    ContactPerson,
    Customer,
    CustomerImport,
    IdentityKey,
    SourceChannel,
)
from salescrm import concurrency, notifications, people
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, can

CUSTOMER_FIELDS = [
    "name", "credit_code", "source", "source_detail", "collected_on", "phone", "industry",
    "city", "address", "website", "needs", "notes", "language",
]  # fmt: skip


class DuplicateCustomer(DomainError):
    """The customer is already on file: the first record wins."""

    def __init__(self, existing: Customer, kind: str) -> None:
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


def customer_url(customer: Customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


# --- identity: first record wins -----------------------------------------------------------------


def _keys_for(customer: Customer, contact_people: Iterable) -> set[tuple[str, str]]:
    phones = [customer.phone, *(c.phone for c in contact_people)]
    emails = [c.email for c in contact_people]
    return identity.identity_keys(
        name=customer.name,
        credit_code=customer.credit_code,
        phones=phones,
        emails=emails,
        website=customer.website,
    )


def keys_for_new(data: dict, contact_people: Iterable = ()) -> set[tuple[str, str]]:
    """The identity keys customer_create would give a file with `data` (nothing is saved)."""
    customer = Customer(**{field: data[field] for field in CUSTOMER_FIELDS if field in data})
    return _keys_for(customer, contact_people)


def find_duplicate(
    keys: Iterable[tuple[str, str]], *, exclude_pk: int | None = None
) -> tuple[Customer, str] | None:
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


def keys_on_file(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], IdentityKey]:
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
    keys = _keys_for(customer, customer.contact_people.all())
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
    policy = salescrm_selectors.policy()
    calendar = salescrm_selectors.work_calendar(today=collected_on)
    return calendar.due_at(
        collected_on, policy.file_completion_working_days, tz=timezone.get_current_timezone()
    )


def first_contact_due(assigned_at: datetime) -> datetime:
    """One week (calendar days) from the moment of assignment (rule 1.3.3)."""
    return assigned_at + timedelta(days=salescrm_selectors.policy().first_contact_days)


def _refresh_completion(customer: Customer, *, now: datetime) -> list[str]:
    complete = not rules.missing_fields(customer, customer.contact_people.all())
    if complete and customer.completed_at is None:
        customer.completed_at = now
        notifications.resolve(subject=customer, kinds=["file_overdue"], now=now)
    elif not complete:
        customer.completed_at = None
    return ["completed_at"]


# --- create and change the file ------------------------------------------------------------------


@dataclass
class ContactPersonData:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    decision_power: str = "unknown"


def customer_create(
    *,
    actor: User,
    data: dict,
    contact_people: list[ContactPersonData] = (),
    to_pool: bool = False,
    team_pool: bool = False,
    source_import: CustomerImport | None = None,
    now: datetime | None = None,
) -> Customer:
    """Record a new customer file, owned by `actor` (or in the pool); the first record wins.

    Customers from a company marketing event always go to the unowned pool: the company's,
    or with `team_pool` the pool of the manager's own team. `source_import`: the lead list
    it comes from.
    """
    now = now or timezone.now()
    if not can(actor, Capability.RECORD_CUSTOMERS):
        raise DomainError(_("Only salespeople and managers record customers."))
    if to_pool and not can(actor, Capability.MANAGE_TEAM):
        raise DomainError(_("Only a sales manager puts customers in the unowned pool."))
    team_id = people.managed_team_id(actor) if team_pool else None
    if team_pool and team_id is None:
        raise DomainError(_("Only the manager of a team keeps customers in the team's pool."))
    customer = Customer(**{field: data[field] for field in CUSTOMER_FIELDS if field in data})
    customer.collected_on = customer.collected_on or timezone.localdate(now)
    _validate(customer, today=timezone.localdate(now))
    customer.entered_by = actor
    customer.entered_at = now
    customer.source_import = source_import
    customer.completion_due_at = completion_due(customer.collected_on)
    # Rule 1.3.2: customers from the company's own marketing events are the manager's to assign.
    owner = None if to_pool or customer.source == SourceChannel.MARKETING_EVENT else actor
    keys = _keys_for(customer, contact_people)
    duplicate = find_duplicate(keys)
    if duplicate:
        raise DuplicateCustomer(*duplicate)
    with transaction.atomic():
        if owner is not None:
            customer.owner = owner
            customer.assigned_at = now
            customer.first_contact_due_at = first_contact_due(now)
        else:
            customer.pool_team_id = team_id
        customer.save()
        for contact in contact_people:
            ContactPerson.objects.create(customer=customer, **vars(contact))
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


def customer_update(
    *,
    customer: Customer,
    actor: User,
    data: dict,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Customer:
    """Change the file's fields; identity keys follow, and may not collide with another file.

    `expected_version`: the version the edit form was shown with (StaleEdit if it is old).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        concurrency.check(locked, expected_version, fields=CUSTOMER_FIELDS, submitted=data)
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


def contact_person_save(
    *,
    customer: Customer,
    actor: User,
    data: ContactPersonData,
    contact: ContactPerson | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ContactPerson:
    """Add a contact person (or change one); their phone and e-mail join the identity keys.

    `expected_version`: the version of the contact person the edit form was shown with.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if contact is None:
            contact = ContactPerson(customer=locked)
        elif contact.customer_id != locked.pk:
            raise DomainError(_("This contact belongs to another customer."))
        else:
            contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
            concurrency.check(contact, expected_version, submitted=vars(data))
        for field, value in vars(data).items():
            setattr(contact, field, value)
        contact.save()
        _sync_keys(locked)
        _refresh_completion(locked, now=now)
        locked.save(update_fields=["completed_at"])
    return contact


def contact_person_delete(
    *, contact: ContactPerson, actor: User, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=contact.customer_id)
        contact.delete()
        _sync_keys(locked)
        _refresh_completion(locked, now=now)
        locked.save(update_fields=["completed_at"])


# What a first-contact week asks of people; a contact, or a new owner (a new week), ends it.
FIRST_CONTACT_KINDS = ["first_contact_reminder", "first_contact_missed"]


def customer_contacted(*, customer: Customer, at: datetime) -> bool:
    """Someone contacted the customer at `at` (a contact record, a visit): its last contact
    moves forward, and the first contact after an assignment meets its deadline (rule 1.3.3).

    Returns True when this contact was the first; later ones change only the last contact.
    """
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.last_activity_at is None or locked.last_activity_at < at:
            locked.last_activity_at = customer.last_activity_at = at
            locked.save(update_fields=["last_activity_at"])
            # Followed up: the warning that it returns to the pool is answered.
            notifications.resolve(subject=locked, kinds=["pool_return_warning"])
        if locked.first_contact_at is not None or locked.owner_id is None:
            return False
        locked.first_contact_at = at
        # A late first contact takes the customer out of the reassignment queue.
        locked.reassignment_due_at = None
        locked.save(update_fields=["first_contact_at", "reassignment_due_at"])
        notifications.resolve(subject=locked, kinds=FIRST_CONTACT_KINDS, now=at)
    customer.first_contact_at = at
    return True
