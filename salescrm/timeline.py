"""One chronological stream of what happened to a record, from every app that knows.

A page (the customer file) shows `events(kind, user, obj, before=...)`: each app registers,
from its AppConfig.ready(), a source `(user, obj, before, limit) -> list[Event]` giving at
most `limit` of its events older than `before` (all when None) that `user` may see, newest
first, with a constant number of queries. The stream
merges them and keeps the newest `limit`; the last event's moment is the cursor of the next
page, so a page costs the same however long the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

PAGE = 15


@dataclass(frozen=True)
class Event:
    at: datetime
    what: Promise | str  # "Contact by phone", "Class changed"
    text: str = ""
    who: str = ""
    url: str = ""
    key: str = ""  # unique within its source, to break ties in order

    def sort_key(self) -> tuple:
        return (self.at, self.key)


Source = Callable[[object, object, datetime | None, int], list[Event]]
_sources: dict[str, dict[str, Source]] = {}


def register(kind: str, name: str, source: Source) -> None:
    """Add a source of events about records of `kind` (e.g. "customer")."""
    _sources.setdefault(kind, {})[name] = source


def events(
    kind: str, user: object, obj: object, *, before: datetime | None = None, limit: int = PAGE
) -> tuple[list[Event], bool]:
    """The newest `limit` events about `obj` older than `before`, and whether older ones exist."""
    merged = []
    for source in _sources.get(kind, {}).values():
        merged.extend(source(user, obj, before, limit + 1))
    merged.sort(key=Event.sort_key, reverse=True)
    return merged[:limit], len(merged) > limit
