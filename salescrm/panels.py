"""Slots on a lower app's page that higher apps fill (registered from AppConfig.ready()).

The customer file, for instance, shows the customer's contacts and visits and its plans
and agreements, without customers importing visits or contracts: each of those apps
registers a panel for the slot "customer_detail", with the template that draws it and a
function that gives its context (or None to stay out for this user). The page's view calls
`for_slot`, and its template includes each panel in order:

    {% for panel in panels %}{% include panel.template with panel=panel.context %}{% endfor %}

A panel's context function reads what it shows with constant queries, so the page's
query count stays constant too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_slots: dict[str, dict[str, tuple[int, str, Callable]]] = {}


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: dict


def register(slot: str, *, name: str, template: str, context: Callable, order: int) -> None:
    """Fill `slot` with `template`, drawn with `context(request, obj)` (None: not shown)."""
    _slots.setdefault(slot, {})[name] = (order, template, context)


def for_slot(slot: str, request, obj) -> list[Panel]:
    """The panels of `slot` for this request and object, in order."""
    panels = []
    for name, (_order, template, context) in sorted(
        _slots.get(slot, {}).items(), key=lambda item: item[1][0]
    ):
        values = context(request, obj)
        if values is not None:
            panels.append(Panel(name=name, template=template, context=values))
    return panels
