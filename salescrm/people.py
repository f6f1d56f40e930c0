"""Who is who: a team's manager, its salespeople, who manages whom. One definition each.

A team's manager is the one active user with the manager role in that team; the database
allows at most one (`one_active_manager_per_team` on User), so "the manager of a
salesperson" and "the teams a manager runs" can never disagree. A manager without a team
manages nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from salescrm.models import Team, User
from salescrm.permissions import Capability, roles_with
from salescrm.roles import Role

# How lists of people are ordered: by their sort key (e.g. pinyin), then user name.
BY_NAME = ("sort_name", "username")


def managed_team_id(user: User) -> int | None:
    """The team `user` runs, if they are an active manager with a team."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.role != Role.MANAGER:
        return None
    return user.team_id


def is_salesperson(user: User) -> bool:
    """`user` has the salesperson role (active or not)."""
    return user is not None and user.role == Role.SALESPERSON


def is_director(user: User) -> bool:
    """`user` is an active marketing director (who gives the second approval of major
    agreements)."""
    return user is not None and user.role == Role.DIRECTOR and user.is_active


def is_signer(user: User) -> bool:
    """`user` signs approvals in their own right (a manager or a director), active or not."""
    return user is not None and user.role in roles_with(Capability.SIGN)


def manages(actor: User, person: User) -> bool:
    """`actor` is the manager of `person`'s team."""
    team_id = managed_team_id(actor)
    return team_id is not None and person is not None and person.team_id == team_id


def manager_of_team(team_id: int | None) -> User | None:
    """The active manager of the team (None without a team or a manager)."""
    if team_id is None:
        return None
    return managers_of_teams([team_id]).get(team_id)


def manager_of(person: User) -> User | None:
    """The active manager of `person`'s team (None for a person without a team)."""
    return manager_of_team(person.team_id) if person is not None else None


def managers_of_teams(team_ids: Iterable[int | None]) -> dict[int, User]:
    """{team id: its active manager} for many teams in one query."""
    ids = {team_id for team_id in team_ids if team_id is not None}
    if not ids:
        return {}
    managers = User.objects.filter(team_id__in=ids, role=Role.MANAGER, is_active=True)
    return {manager.team_id: manager for manager in managers.select_related("team")}


def managers_of(people: Iterable) -> dict[int, User]:
    """{team id: manager} for the teams of `people` (one query)."""
    return managers_of_teams(person.team_id for person in people if person is not None)


def salespeople(*, team: Team | int | None) -> QuerySet[User]:
    """A team's active salespeople; no team (a manager not yet given one) has none."""
    if team is None:
        return User.objects.none()
    return (
        User.objects.filter(role=Role.SALESPERSON, is_active=True, team=team)
        .select_related("team")
        .order_by(*BY_NAME)
    )


def salespeople_in(team_ids: Iterable[int]) -> QuerySet[User]:
    """The active salespeople of several teams."""
    return User.objects.filter(role=Role.SALESPERSON, is_active=True, team_id__in=list(team_ids))


def all_salespeople() -> QuerySet[User]:
    return User.objects.filter(role=Role.SALESPERSON, is_active=True).order_by(*BY_NAME)


def directors() -> QuerySet[User]:
    """The active marketing directors (who give the second approval of major agreements)."""
    return User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk")


def signers() -> QuerySet[User]:
    """Everyone who signs approvals in their own right (managers and directors), active."""
    return User.objects.filter(role__in=roles_with(Capability.SIGN), is_active=True)


def with_manager_name(teams: QuerySet[Team]) -> QuerySet[Team]:
    """`teams` annotated with `manager_name`, the username of each one's active manager."""
    managers = User.objects.filter(team=OuterRef("pk"), role=Role.MANAGER, is_active=True)
    return teams.annotate(manager_name=Subquery(managers.values("username")[:1]))


def teams_and_managers() -> list[tuple[Team, User | None]]:
    """Every team with its active manager (or None), in two queries."""
    teams = list(Team.objects.order_by("name"))
    managers = managers_of_teams(team.pk for team in teams)
    return [(team, managers.get(team.pk)) for team in teams]
