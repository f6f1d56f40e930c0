"""The customer file's own events for its timeline (salescrm.timeline)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from salescrm.models import User
from salescrm.timeline import Event


def _older(qs, field: str, before: datetime | None):
    return qs.filter(**{f"{field}__lt": before}) if before else qs


def events(user: User, customer: Customer, before: datetime | None, limit: int) -> list[Event]:
    """Entered, class changes, owners and the thread, newest first (three queries)."""
    found = []
    if before is None or customer.entered_at < before:
        found.append(
            Event(
                at=customer.entered_at,
                what=_("File entered"),
                text=str(customer.get_source_display()),
                who=str(customer.entered_by),
                key=f"entered-{customer.pk}",
            )
        )
    changes = _older(customer.class_changes.select_related("changed_by"), "changed_at", before)
    for change in changes.order_by("-changed_at", "-pk")[:limit]:
        found.append(
            Event(
                at=change.changed_at,
                what=_("Class changed"),
                text=f"{change.get_from_class_display()} → {change.get_to_class_display()}: "
                f"{change.reason_text}",
                who=str(change.changed_by),
                key=f"class-{change.pk}",
            )
        )
    assignments = _older(
        customer.assignments.select_related("assignee", "assigned_by"), "assigned_at", before
    )
    for assignment in assignments.order_by("-assigned_at", "-pk")[:limit]:
        found.append(
            Event(
                at=assignment.assigned_at,
                what=assignment.get_reason_display(),
                text=str(assignment.assignee or _("the unowned pool")),
                who=str(assignment.assigned_by or _("the system")),
                key=f"owner-{assignment.pk}",
            )
        )
    notes = _older(customer.thread.select_related("author"), "created_at", before)
    for note in notes.order_by("-created_at", "-pk")[:limit]:
        found.append(
            Event(
                at=note.created_at,
                what=note.get_kind_display(),
                text=note.body,
                who=str(note.author),
                key=f"note-{note.pk}",
            )
        )
    return found
