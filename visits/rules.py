"""Pure rules of visits (no ORM, no clock)."""

from __future__ import annotations

from collections.abc import Mapping

UNKNOWN_POWER = "unknown"

# Rule 2.3.1: what the visit log must say about whom the salesperson met.
MET_FIELDS = ("person_met", "person_title", "decision_power", "needs")


def log_missing(data: Mapping[str, object]) -> list[str]:
    """The fields the log still lacks under rule 2.3.1 (empty when it may be saved).

    Either the person met, their job title, their decision power (yes or no) and the
    customer's needs are all given, or `met_nobody` is chosen with a reason.
    """
    if data.get("met_nobody"):
        return [] if str(data.get("met_nobody_reason") or "").strip() else ["met_nobody_reason"]
    return [field for field in MET_FIELDS if not _given(field, data.get(field))]


def _given(field: str, value: object) -> bool:
    if field == "decision_power":
        return bool(value) and value != UNKNOWN_POWER
    return bool(str(value or "").strip())
