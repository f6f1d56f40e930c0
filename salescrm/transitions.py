"""State tables: one way to declare which moves a record may make, and by whom.

Each app declares one `Transitions` per kind of record, mapping (from, to) to the
capacities that may make the move: the record's owner, the owner's manager, the front
desk, a signer. A service locks the row, works out the actor's capacities for it, and
calls `move`: an impossible move or the wrong person raises a DomainError with one of the
two texts below, and nothing is changed. `moves` lists what a person may do now (for
showing the right buttons).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salescrm.errors import DomainError


class Capacity(StrEnum):
    """In what capacity a person acts on one record."""

    OWNER = "owner"  # the record's salesperson
    MANAGER = "manager"  # the manager of the salesperson's team
    FRONT_DESK = "front_desk"  # registers departures and returns
    REVIEWER = "reviewer"  # signs a plan's internal review (own right or delegated)
    MANAGER_SIGNER = "manager_signer"  # signs the manager's approval of an agreement
    DIRECTOR_SIGNER = "director_signer"  # signs the director's approval of a major agreement
    FINANCE = "finance"  # records and confirms customers' payments


@dataclass(frozen=True)
class Transitions(Mapping):
    """The moves of one kind of record: (from, to) -> the capacities that may make it.

    Reads as the mapping it declares (`TABLE[(from, to)]`, `TABLE.items()`).
    """

    noun: Promise | str  # what the record is called in messages ("slip", "plan", ...)
    table: Mapping[tuple[str, str], frozenset[Capacity]]
    field: str = "state"

    def __getitem__(self, key: tuple[str, str]) -> frozenset[Capacity]:
        return self.table[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def move(
        self,
        record,
        to_state: str,
        capacities: Collection[Capacity],
        *,
        from_states: Collection[str] | None = None,
    ) -> None:
        """Check the move for someone acting in `capacities`, then set the new state (the
        caller saves). `from_states`: the states this particular action starts from (e.g.
        withdraw, reopen and decline all lead to draft, each from its own state)."""
        current = getattr(record, self.field)
        allowed = self.table.get((current, to_state))
        if allowed is None or (from_states is not None and current not in from_states):
            raise DomainError(
                _("That is not possible now: the %(document)s is “%(state)s”."),
                document=self.noun,
                state=getattr(record, f"get_{self.field}_display")(),
            )
        if allowed.isdisjoint(capacities):
            raise DomainError(
                _("You may not make this change to the %(document)s."), document=self.noun
            )
        setattr(record, self.field, to_state)

    def moves(self, state: str, capacities: Collection[Capacity]) -> set[str]:
        """The states someone acting in `capacities` may move a record in `state` to."""
        return {
            to
            for (frm, to), who in self.table.items()
            if frm == state and not who.isdisjoint(capacities)
        }
