"""Who may see which plan and agreement. Every view and download goes through here.

- Salesperson: their own plans and agreements.
- Sales manager: their team's.
- Marketing director: all.
- A delegate (under a delegation valid today): the documents waiting for the step they
  may sign for the delegator, and any document they have signed.
- Front desk and administrator: none (the administrator uses the admin site).
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from contracts.models import Agreement, AgreementState, Delegation, Plan, PlanState, Signature
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can


def _waiting_for(person: User, *, plan: bool) -> Q:
    """Documents waiting for a step `person` signs in their own right (as their team's
    manager, or as a director the second approval of major agreements)."""
    team_id = people.managed_team_id(person)
    if team_id is not None:
        state = PlanState.IN_REVIEW if plan else AgreementState.MANAGER_REVIEW
        return Q(state=state, salesperson__team_id=team_id)
    if people.is_director(person) and not plan:
        return Q(state=AgreementState.DIRECTOR_REVIEW)
    return Q(pk__in=[])


def active_delegations(delegate: User, on: date):
    """The delegations under which `delegate` may sign for someone on `on`."""
    return Delegation.objects.filter(
        delegate=delegate,
        valid_from__lte=on,
        valid_until__gte=on,
        revoked_at__isnull=True,
        delegator__is_active=True,
    ).select_related("delegator")


def awaiting_signature(user: User, *, plan: bool) -> Q:
    """Documents waiting for a step `user` may sign today: their own, or a delegator's."""
    condition = _waiting_for(user, plan=plan)
    for delegation in active_delegations(user, timezone.localdate()):
        condition |= _waiting_for(delegation.delegator, plan=plan)
    return condition & ~Q(salesperson=user)


def _delegated(user: User, *, plan: bool) -> Q:
    """What a delegate may open: what waits for them, and what they have signed."""
    signed = Signature.objects.filter(
        signer=user, **{"plan" if plan else "agreement": OuterRef("pk")}
    )
    return awaiting_signature(user, plan=plan) | Q(Exists(signed))


def _scope(qs, user: User, *, plan: bool):
    if can(user, Capability.SEE_COMPANY):
        return qs
    team_id = people.managed_team_id(user)
    if team_id is not None:
        return qs.filter(Q(salesperson__team_id=team_id) | _delegated(user, plan=plan))
    if can(user, Capability.SIGN):  # a signer without a team: only what is delegated
        return qs.filter(_delegated(user, plan=plan))
    if can(user, Capability.SELL):
        return qs.filter(salesperson=user)
    return qs.none()


def plans_for(user: User) -> QuerySet[Plan]:
    return _scope(Plan.objects.all(), user, plan=True)


def agreements_for(user: User) -> QuerySet[Agreement]:
    return _scope(Agreement.objects.all(), user, plan=False)


def plan_for_user(user: User, pk) -> Plan:
    """The plan `pk` if `user` may see it; else 404."""
    try:
        return plans_for(user).select_related("customer", "salesperson__team").get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agreement_for_user(user: User, pk) -> Agreement:
    """The agreement `pk` if `user` may see it; else 404."""
    try:
        return (
            agreements_for(user)
            .select_related("customer", "salesperson__team", "plan")
            .get(pk=pk)
        )
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
