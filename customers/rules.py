"""Pure rules of the customer file: completeness and balanced assignment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# What a complete Customer Information File has (SPEC "Complete file").
REQUIRED_FILE_FIELDS = {
    "industry": _("industry"),
    "city": _("city"),
    "needs": _("needs and problems"),
}
CONTACT_MISSING = _("a contact person with a phone or e-mail")


def missing_fields(customer, contact_people: Iterable) -> list[str]:
    """Labels of what the file still lacks; empty when it is complete."""
    missing = [
        label
        for field, label in REQUIRED_FILE_FIELDS.items()
        if not str(getattr(customer, field) or "").strip()
    ]
    if not any(c.name.strip() and (c.phone.strip() or c.email.strip()) for c in contact_people):
        missing.append(CONTACT_MISSING)
    return [str(label) for label in missing]


@dataclass
class Load:
    """One salesperson's current load, for balanced assignment."""

    person_id: int
    open_customers: int
    ability_weight: int
    recent_assignments: int
    name: str = ""

    @property
    def ratio(self) -> float:
        return self.open_customers / max(self.ability_weight, 1)

    def sort_key(self):
        return (self.ratio, self.recent_assignments, self.name, self.person_id)


def balance(loads: Sequence[Load], count: int) -> list[int]:
    """Assignees for `count` customers, one at a time to the lowest load.

    Lowest (open customers ÷ ability weight) first, ties broken by fewer recent
    assignments; each pick counts as one more open customer and one more recent
    assignment, so a batch keeps the ratios level.
    """
    if not loads:
        return []
    people = [Load(**vars(load)) for load in loads]
    picks = []
    for _i in range(count):
        chosen = min(people, key=Load.sort_key)
        picks.append(chosen.person_id)
        chosen.open_customers += 1
        chosen.recent_assignments += 1
    return picks
