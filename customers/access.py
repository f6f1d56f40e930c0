"""Who may see and change which customer. Every view and export goes through here.

- Salesperson: their own customers; of the pool, only the names (pool list).
- Sales manager: their team's customers, their team's pool and the company's pool.
- Marketing director: every customer, read-only (every pool).

The pool: a customer without an owner is in the company's pool (any manager assigns it) or,
with a pool_team, in that team's pool (only its manager sees and assigns it).
- Front desk and administrator: none here (the administrator uses the admin site).

An import of a lead list is seen only by the person who uploaded it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from customers.models import Customer, CustomerImport
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can


def _pools_of(team_id: int | None) -> Q:
    """Pool customers a team sees: the company's pool and the team's own."""
    in_pool = Q(owner__isnull=True)
    if team_id is None:
        return in_pool & Q(pool_team__isnull=True)
    return in_pool & (Q(pool_team__isnull=True) | Q(pool_team_id=team_id))


def customers_for(user: User) -> QuerySet[Customer]:
    """Every customer `user` may open."""
    qs = Customer.objects.all()
    if can(user, Capability.SEE_COMPANY):
        return qs
    team_id = people.managed_team_id(user)
    if team_id is not None:
        # The team's people by id (a small list), not a join: a list page then reads its
        # ordering's index and filters on owner_id, however large the table.
        members = User.objects.filter(team_id=team_id).values("pk")
        return qs.filter(Q(owner_id__in=members) | _pools_of(team_id))
    if can(user, Capability.SELL):
        return qs.filter(owner=user)
    return qs.none()


def pool_for(user: User) -> QuerySet[Customer]:
    """The pool customers `user` sees on the pool page: every pool for the director; the
    company's and their team's for a manager or salesperson (a salesperson sees names only)."""
    qs = Customer.objects.filter(owner__isnull=True)
    if can(user, Capability.SEE_COMPANY):
        return qs
    if not can(user, Capability.READ_SALES):
        return qs.none()
    team_id = people.managed_team_id(user)
    if team_id is None and can(user, Capability.SELL):
        team_id = user.team_id
    return qs.filter(_pools_of(team_id))


def in_pool_of(team_id: int | None, customer: Customer) -> bool:
    """`customer` is in the company's pool or in the pool of `team_id`."""
    return customer.owner_id is None and customer.pool_team_id in (None, team_id)


def manages(user: User, customer: Customer) -> bool:
    """`user` is the manager responsible for `customer` (its owner's team, or its pool)."""
    team_id = people.managed_team_id(user)
    if team_id is None:
        return False
    if customer.owner_id is None:
        return in_pool_of(team_id, customer)
    return customer.owner.team_id == team_id


def can_change(user: User, customer: Customer) -> bool:
    """The owner, or the manager responsible for the customer."""
    is_owner = can(user, Capability.SELL) and customer.owner_id == user.pk
    return is_owner or manages(user, customer)


def customer_for_user(user: User, pk, *, write: bool = False) -> Customer:
    """The customer `pk` if `user` may see it (and change it, with write); else 404."""
    try:
        customer = customers_for(user).select_related("owner__team").get(pk=pk)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_change(user, customer):
        raise Http404
    return customer


def import_for_user(user: User, pk) -> CustomerImport:
    """The import `pk` if `user` uploaded it; for anyone else it does not exist (404)."""
    try:
        return CustomerImport.objects.defer("content").get(pk=pk, uploaded_by=user)
    except (CustomerImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
