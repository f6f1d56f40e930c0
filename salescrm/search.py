"""The search box in the menu: every app that owns something people look for registers a
provider from its AppConfig.ready(); each returns what the person may open, and no more.

A provider is `(user, text, limit) -> list[Hit]`, reading with a constant number of
queries through its app's access functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from salescrm.models import User

# Shorter text finds too much to be useful.
MIN_LENGTH = 2
# Hits a provider shows; its own list page has the rest.
PER_PROVIDER = 10


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""


Provider = Callable[[User, str, int], list[Hit]]
_providers: dict[str, tuple[int, Promise | str, Provider]] = {}


def register(name: str, label: Promise | str, provider: Provider, *, order: int) -> None:
    _providers[name] = (order, label, provider)


def search(user: User, text: str) -> list[tuple[Promise | str, list[Hit]]]:
    """(label, hits) per provider that found something, in order."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        return []
    results = []
    for _order, label, provider in sorted(_providers.values(), key=lambda p: p[0]):
        hits = provider(user, text, PER_PROVIDER)
        if hits:
            results.append((label, hits))
    return results
