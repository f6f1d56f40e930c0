"""Whose figures a person may see: their own (salesperson), their team's (manager), everyone's
(director, administrator). Anything asked for outside that is a 404, like any record."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from salescrm import people
from salescrm.models import Team, User
from salescrm.permissions import Capability, administers, can, can_any


@dataclass(frozen=True)
class Scope:
    """The salespeople a report covers and the teams they form."""

    people: list[User]
    teams: list[Team]
    company: bool  # the person may see every team (the company line is shown)

    @property
    def ids(self) -> list[int]:
        return [person.pk for person in self.people]


def sees_company(user: User) -> bool:
    return can(user, Capability.SEE_COMPANY) or administers(user)


def _number(params, key: str) -> int | None:
    value = params.get(key) or None
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise Http404 from error


def scope_for(user: User, params, *, money: bool = False) -> Scope:
    """The scope `params` (team=, person=) ask for, narrowed to what `user` may see. The
    money reports (`money`) are for finance too (every team) and not for the administrator
    (receivables.access: the administrator sees no agreement's money)."""
    team_id, person_id = _number(params, "team"), _number(params, "person")
    if money:
        company = can_any(user, Capability.SEE_COMPANY, Capability.COLLECT)
    else:
        company = sees_company(user)
    if company:
        salespeople = people.all_salespeople()
        if team_id is not None:
            salespeople = salespeople.filter(team_id=team_id)
    elif can(user, Capability.MANAGE_TEAM):
        own_team = people.managed_team_id(user)
        if own_team is None or team_id not in (None, own_team):
            raise Http404
        salespeople = people.salespeople(team=own_team)
    elif can(user, Capability.SELL):
        if team_id not in (None, user.team_id) or person_id not in (None, user.pk):
            raise Http404
        salespeople = User.objects.filter(pk=user.pk)
    else:
        raise Http404
    if person_id is not None:
        salespeople = salespeople.filter(pk=person_id)
    chosen = list(salespeople.select_related("team").order_by("team__name", "username"))
    asked = person_id is not None or team_id is not None
    empty_team = company and team_id is not None and person_id is None
    if asked and not chosen and not (empty_team and Team.objects.filter(pk=team_id).exists()):
        raise Http404
    teams = {person.team_id: person.team for person in chosen if person.team_id}
    if team_id is not None and not teams and company:
        teams = {team.pk: team for team in Team.objects.filter(pk=team_id)}
    return Scope(
        people=chosen,
        teams=sorted(teams.values(), key=lambda team: team.name),
        company=company and team_id is None and person_id is None,
    )


def team_choices(user: User, *, money: bool = False) -> list[Team]:
    """The teams `user` may pick in a report's filter."""
    every = can_any(user, Capability.SEE_COMPANY, Capability.COLLECT) if money else None
    if every or (not money and sees_company(user)):
        return list(Team.objects.order_by("name"))
    team_id = people.managed_team_id(user)
    return list(Team.objects.filter(pk=team_id)) if team_id else []
