"""Who may see the money of which agreement, and the billing details of which customer.

- Salesperson: their own agreements.
- Sales manager: their team's.
- Marketing director and finance: all.
- Front desk, administrator, anyone else: none (404).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from contracts.models import Agreement, AgreementState
from customers import access as customer_access
from customers.models import Customer
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can, can_any


def agreements_for(user: User) -> QuerySet[Agreement]:
    """The signed agreements whose money `user` may see."""
    qs = Agreement.objects.filter(state=AgreementState.SIGNED)
    if can_any(user, Capability.COLLECT, Capability.SEE_COMPANY):
        return qs
    team_id = people.managed_team_id(user)
    if team_id is not None:
        return qs.filter(salesperson__team_id=team_id)
    if can(user, Capability.SELL):
        return qs.filter(salesperson=user)
    return qs.none()


def agreement_for_user(user: User, pk) -> Agreement:
    """The signed agreement `pk` if `user` may see its money; else 404."""
    try:
        return agreements_for(user).select_related("customer", "salesperson__team").get(pk=pk)
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def customer_for_billing(user: User, pk, *, write: bool = False) -> Customer:
    """The customer `pk` whose billing details `user` may see (finance: every customer's,
    and nothing else of the file) or change (its owner and their manager); else 404."""
    if can(user, Capability.COLLECT) and not write:
        try:
            return Customer.objects.select_related("owner__team").get(pk=pk)
        except (Customer.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    return customer_access.customer_for_user(user, pk, write=write)


def may_change_billing(user: User, customer: Customer) -> bool:
    return customer_access.can_change(user, customer)


def is_finance(user: User) -> bool:
    return can(user, Capability.COLLECT)


def scope_q(user: User, prefix: str = "") -> Q:
    """The same rule as agreements_for, on a relation to the agreement (`prefix`)."""
    if can_any(user, Capability.COLLECT, Capability.SEE_COMPANY):
        return Q()
    team_id = people.managed_team_id(user)
    if team_id is not None:
        return Q(**{f"{prefix}salesperson__team_id": team_id})
    if can(user, Capability.SELL):
        return Q(**{f"{prefix}salesperson": user})
    return Q(pk__in=[])
