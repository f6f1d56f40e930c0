"""What each role may do, as named capabilities: the one place that reads a user's role.

Views declare the capability they need (`capability_required`), services and access
functions ask `can(user, Capability.X)`, templates read `can.<capability>` (context
processor). Which *records* a capability reaches (own customers, the team's, the
company's) is decided by each app's access module with `salescrm.people`.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from salescrm.models import User
from salescrm.roles import Role


class Capability(StrEnum):
    # Open customer files, the pool, visits, plans and agreements (scoped by access).
    READ_SALES = "read_sales"
    # Capture customer files and import lead lists.
    RECORD_CUSTOMERS = "record_customers"
    # Work one's own customers: contacts, visit slips and logs, plans and agreements, claims.
    SELL = "sell"
    # Run a team: weekly check, assignment and reassignment, claims, slip approvals, guidance.
    MANAGE_TEAM = "manage_team"
    # Sign approvals (plan reviews, agreements) and delegate that signature.
    SIGN = "sign"
    # See every team's records (read-only).
    SEE_COMPANY = "see_company"
    # Look across people: the pipeline board and the figures of others.
    OVERSEE = "oversee"
    # Register departures and returns of today's visits.
    RUN_DESK = "run_desk"
    # Record and confirm receipts; see every agreement's collection plan, receipts and the
    # customers' billing details (no customer file beyond them).
    COLLECT = "collect"
    # Users, teams, calendar, price list, schedules (the admin site).
    ADMINISTER = "administer"


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.SALESPERSON: frozenset({C.READ_SALES, C.RECORD_CUSTOMERS, C.SELL}),
    Role.MANAGER: frozenset({C.READ_SALES, C.RECORD_CUSTOMERS, C.MANAGE_TEAM, C.SIGN, C.OVERSEE}),
    Role.DIRECTOR: frozenset({C.READ_SALES, C.SIGN, C.SEE_COMPANY, C.OVERSEE}),
    Role.FRONT_DESK: frozenset({C.RUN_DESK}),
    Role.ADMIN: frozenset({C.ADMINISTER}),
    Role.FINANCE: frozenset({C.COLLECT}),
}


def capabilities(user: User) -> frozenset[Capability]:
    """Everything `user` may do; nothing for anonymous or deactivated users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def can(user: User, capability: Capability) -> bool:
    return capability in capabilities(user)


def can_any(user: User, *wanted: Capability) -> bool:
    return not capabilities(user).isdisjoint(wanted)


def administers(user: User) -> bool:
    """An administrator: the role, or a Django superuser."""
    return can(user, Capability.ADMINISTER) or bool(getattr(user, "is_superuser", False))


# Those who approve, run a team or administer sign in with a second factor (rules: an
# approval is a signature, so the signer must be who the login says).
SECOND_FACTOR_CAPABILITIES = (Capability.SIGN, Capability.MANAGE_TEAM, Capability.ADMINISTER)


def needs_second_factor(user: User) -> bool:
    """Whether `user` must sign in with a second factor (salescrm.accounts.mfa)."""
    return administers(user) or can_any(user, *SECOND_FACTOR_CAPABILITIES)


def roles_with(capability: Capability) -> list[str]:
    """The roles holding `capability` (for queries over users)."""
    return [role for role, held in ROLE_CAPABILITIES.items() if capability in held]


def capability_required(*wanted: Capability):
    """Allow signed-in users holding any of `wanted`; everyone else signed in gets 404.

    404 rather than 403: a page a person may not use does not exist for them.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can_any(request.user, *wanted):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def for_templates(user: User) -> dict[str, bool]:
    """{capability: True} for the template context: `{% if can.manage_team %}`."""
    return {capability.value: True for capability in capabilities(user)}
