"""The navigation bar. The core holds the registry; each app registers its own entries
(and the groups they fold into) from its AppConfig.ready(), so the core names no app's
pages. A group with three or more entries a person may open becomes a drop-down menu."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salescrm.permissions import Capability, can_any

# A group folds into a drop-down from this many visible entries on.
GROUP_MIN = 3


@dataclass(frozen=True)
class Item:
    url_name: str
    label: Promise | str
    # Shown to anyone holding one of these; empty: to everyone signed in.
    needs: frozenset[Capability]
    order: int
    group: str | None = None


@dataclass
class Entry:
    """One place in the bar: a link, or a drop-down of links."""

    label: Promise | str
    url_name: str | None = None
    children: list[Item] = field(default_factory=list)

    @property
    def url_names(self) -> list[str]:
        return [self.url_name] if self.url_name else [child.url_name for child in self.children]


_items: dict[str, Item] = {}
_groups: dict[str, Promise | str] = {}


def register(
    url_name: str, label: Promise | str, *, needs=(), order: int, group: str | None = None
) -> None:
    """Add an entry to the navigation bar, for people holding any capability in `needs`."""
    _items[url_name] = Item(url_name, label, frozenset(needs), order, group)


def register_group(key: str, label: Promise | str) -> None:
    """Name a group of entries (the drop-down's label)."""
    _groups[key] = label


def _visible(user) -> list[Item]:
    if not user.is_authenticated:
        return []
    items = (item for item in _items.values() if not item.needs or can_any(user, *item.needs))
    return sorted(items, key=lambda item: item.order)


def items_for(user) -> list[tuple[str, str]]:
    """Every page in the bar `user` may open, flat: (url name, label)."""
    return [(item.url_name, item.label) for item in _visible(user)]


def menu_for(user) -> list[Entry]:
    """The bar as drawn: links, and groups of GROUP_MIN or more as drop-downs."""
    visible = _visible(user)
    grouped: dict[str, list[Item]] = {}
    for item in visible:
        if item.group:
            grouped.setdefault(item.group, []).append(item)
    menu, placed = [], set()
    for item in visible:
        members = grouped.get(item.group or "", [])
        if len(members) >= GROUP_MIN:
            if item.group not in placed:
                placed.add(item.group)
                menu.append(Entry(label=_groups.get(item.group, item.label), children=members))
        else:
            menu.append(Entry(label=item.label, url_name=item.url_name))
    return menu


register("home", _("Home"), order=0)
register("inbox", _("Inbox"), order=90)
register("admin:index", _("Administration"), needs=[Capability.ADMINISTER], order=100)
