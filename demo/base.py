"""What the demo seeders share: one seeder of a kind at a time, its steps run in time order.

A seeder plans steps (a moment, who acts, what they do) and then runs them sorted by
their moment, each as its actor and through the services, with an explicit `now=`; a
step the rules refuse is noted and the seeding goes on. `seed_once` runs a seeder only
while its data is absent and the demo people are all there, inside one transaction
holding the seeder's advisory lock, so two processes starting at once seed it once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection, transaction
from django.utils import timezone

from demo.people import PEOPLE
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.history import acting_as
from salescrm.models import User
from salescrm.roles import Role

# pg_advisory_xact_lock keys, one per seeder: a second run of a seeder waits for the
# first to commit, then finds the data there and leaves it alone.
CUSTOMERS_LOCK = 7_402_115
VISITS_LOCK = 7_402_116
CONTRACTS_LOCK = 7_402_117

TEAM_OF = {p[0]: p[4] for p in PEOPLE}  # username -> team key (None: in no team)


@dataclass(order=True)
class Step:
    """What `actor` does at `at`: `run(at)`. Steps sort by moment, then in planned order."""

    at: datetime
    seq: int
    actor: User = field(compare=False)
    run: Callable[[datetime], None] = field(compare=False)


class Seeder:
    """The skeleton of a seeder: `plan()` the steps, `run()` them, report `counts()`.

    A subclass names its `lock`, the `roles` of the demo people it needs and its counts
    when it seeds `nothing`, and says when its data is already `seeded()` and whether
    what it builds on is `ready()`.
    """

    lock: int  # pg_advisory_xact_lock key
    roles: tuple[str, ...]  # every demo person with one of these roles must be there
    nothing: dict[str, int]  # the counts when it seeds nothing

    def __init__(self, *, now: datetime, rng: random.Random, users: dict[str, User]):
        self.now = now
        self.rng = rng
        self.users = users
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now, self.tz)
        self.calendar = salescrm_selectors.work_calendar(today=self.today)
        self.team_key = {u.pk: TEAM_OF[u.username] for u in users.values()}
        self.managers = {TEAM_OF[u.username]: u for u in users.values() if u.role == Role.MANAGER}
        self.steps: list[Step] = []
        self.skipped: list[str] = []

    @classmethod
    def seeded(cls) -> bool:
        """Whether the data it makes is there already (then it makes none)."""
        raise NotImplementedError

    @classmethod
    def ready(cls, *, now: datetime, users: dict[str, User]) -> bool:
        """Whether what it builds on is there (else it makes nothing)."""
        return True

    def plan(self) -> None:
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        raise NotImplementedError

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.tz)

    def _step(self, at: datetime, actor: User, run: Callable[[datetime], None]) -> None:
        """Plan `run(at)`, done by `actor`."""
        self.steps.append(Step(at, len(self.steps), actor, run))

    def run(self) -> None:
        for n, step in enumerate(sorted(self.steps)):
            self._before_step(n)
            with acting_as(step.actor):
                try:
                    step.run(step.at)
                except DomainError as error:  # a step the rules refused: note it, go on
                    self.skipped.append(f"{step.at:%Y-%m-%d %H:%M} {error}")
        self._after_steps()

    def _before_step(self, n: int) -> None:
        """Called before the `n`-th step runs."""

    def _after_steps(self) -> None:
        """Called once every step has run."""


def seed_once(seeder: type[Seeder], *, now: datetime | None, seed: int) -> dict[str, int]:
    """Plan and run `seeder` unless its data exists; returns its counts for the log."""
    if seeder.seeded():
        return dict(seeder.nothing)
    now = now or timezone.now()
    usernames = [p[0] for p in PEOPLE if p[3] in seeder.roles]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames, is_active=True).select_related("team")
    }
    # The demo people were changed, or there is nothing to build on: leave things alone.
    if len(users) != len(usernames) or not seeder.ready(now=now, users=users):
        return dict(seeder.nothing)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [seeder.lock])
        if seeder.seeded():  # another seeder came first
            return dict(seeder.nothing)
        seeding = seeder(now=now, rng=random.Random(seed), users=users)
        seeding.plan()
        seeding.run()
        return seeding.counts()
