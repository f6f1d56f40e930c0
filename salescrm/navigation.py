"""The navigation bar. The core holds the registry; each app registers its own entries
from its AppConfig.ready(), so the core names no app's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salescrm.permissions import Capability, can_any


@dataclass(frozen=True)
class Item:
    url_name: str
    label: Promise | str
    # Shown to anyone holding one of these; empty: to everyone signed in.
    needs: frozenset[Capability]
    order: int


_items: dict[str, Item] = {}


def register(url_name: str, label, *, needs=(), order: int) -> None:
    """Add an entry to the navigation bar, for people holding any capability in `needs`."""
    _items[url_name] = Item(url_name, label, frozenset(needs), order)


def items_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    visible = (item for item in _items.values() if not item.needs or can_any(user, *item.needs))
    return [(item.url_name, item.label) for item in sorted(visible, key=lambda i: i.order)]


register("home", _("Home"), order=0)
register("inbox", _("Inbox"), order=90)
register("admin:index", _("Administration"), needs=[Capability.ADMINISTER], order=100)
