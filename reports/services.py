"""Writes of the reports app: signed-value and collection targets (set by a manager for
their team, by the director for anyone; history kept by the model)."""

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

TARGET_FIELDS = {"signed": "amount", "collected": "collection_amount"}


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
    kind: str = "signed",
) -> RevenueTarget:
    """Set (or change) the month's signed-value target (`kind` "signed") or collection
    target ("collected", 回款) of a salesperson or a team."""
    now = now or timezone.now()
    if (person is None) == (team is None):
        raise DomainError(_("Choose a salesperson or a team."))
    if amount is None or amount < 0:
        raise DomainError(_("A target is zero or more."))
    if not may_set_target(actor, person=person, team=team):
        raise DomainError(_("You may not set this target."))
    if kind not in TARGET_FIELDS:
        raise DomainError(_("Unknown target."))
    field = TARGET_FIELDS[kind]
    month = month.replace(day=1)
    with transaction.atomic():
        target = (
            RevenueTarget.objects.select_for_update()
            .filter(person=person, team=team, month=month)
            .first()
        )
        if target is None:
            return RevenueTarget.objects.create(
                person=person, team=team, month=month, set_by=actor, set_at=now, **{field: amount}
            )
        setattr(target, field, amount)
        target.set_by, target.set_at = actor, now
        target.save(update_fields=[field, "set_by", "set_at"])
        return target
