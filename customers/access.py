"""Who may see and change which customer. Every view and export goes through here.

- Salesperson: their own customers; of the pool, only the names (pool list).
- Sales manager: their team's customers and the pool.
- Marketing director: every customer, read-only.
- Front desk and administrator: none here (the administrator uses the admin site).

An import of a lead list is seen only by the person who uploaded it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from customers.models import Customer, CustomerImport
from salescrm.roles import Role


def customers_for(user) -> QuerySet[Customer]:
    """Every customer `user` may open."""
    qs = Customer.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.DIRECTOR:
        return qs
    if user.role == Role.MANAGER and user.team_id:
        return qs.filter(Q(owner__team_id=user.team_id) | Q(owner__isnull=True))
    if user.role == Role.SALESPERSON:
        return qs.filter(owner=user)
    return qs.none()


def can_change(user, customer: Customer) -> bool:
    if user.role == Role.SALESPERSON:
        return customer.owner_id == user.pk
    if user.role == Role.MANAGER:
        return customer.owner_id is None or (
            customer.owner is not None and customer.owner.team_id == user.team_id
        )
    return False


def manages(user, customer: Customer) -> bool:
    """`user` is the manager responsible for `customer` (its owner's team, or the pool)."""
    if user.role != Role.MANAGER or not user.team_id:
        return False
    return customer.owner_id is None or customer.owner.team_id == user.team_id


def customer_for_user(user, pk, *, write: bool = False) -> Customer:
    """The customer `pk` if `user` may see it (and change it, with write); else 404."""
    try:
        customer = customers_for(user).select_related("owner__team").get(pk=pk)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_change(user, customer):
        raise Http404
    return customer


def import_for_user(user, pk) -> CustomerImport:
    """The import `pk` if `user` uploaded it; for anyone else it does not exist (404)."""
    try:
        return CustomerImport.objects.defer("content").get(pk=pk, uploaded_by=user)
    except (CustomerImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
