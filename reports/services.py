"""Writes of the reports app: revenue targets (set by a manager for their team, by the
director for anyone; history kept by the model)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import RevenueTarget
from salescrm import people
from salescrm.errors import DomainError
from salescrm.models import Team, User
from salescrm.permissions import Capability, can


def may_set_target(actor: User, *, person: User | None, team: Team | None) -> bool:
    if can(actor, Capability.SEE_COMPANY) and can(actor, Capability.SIGN):
        return True  # the director
    if not can(actor, Capability.MANAGE_TEAM):
        return False
    own = people.managed_team_id(actor)
    if team is not None:
        return own is not None and team.pk == own
    return person is not None and people.manages(actor, person) and people.is_salesperson(person)


def set_target(
    *,
    actor: User,
    month: date,
    amount: Decimal,
    person: User | None = None,
    team: Team | None = None,
    now: datetime | None = None,
) -> RevenueTarget:
    """Set (or change) the month's signed-value target of a salesperson or a team."""
    now = now or timezone.now()
    if (person is None) == (team is None):
        raise DomainError(_("Choose a salesperson or a team."))
    if amount is None or amount < 0:
        raise DomainError(_("A target is zero or more."))
    if not may_set_target(actor, person=person, team=team):
        raise DomainError(_("You may not set this target."))
    month = month.replace(day=1)
    with transaction.atomic():
        target = (
            RevenueTarget.objects.select_for_update()
            .filter(person=person, team=team, month=month)
            .first()
        )
        if target is None:
            return RevenueTarget.objects.create(
                person=person, team=team, month=month, amount=amount, set_by=actor, set_at=now
            )
        target.amount, target.set_by, target.set_at = amount, actor, now
        target.save(update_fields=["amount", "set_by", "set_at"])
        return target
