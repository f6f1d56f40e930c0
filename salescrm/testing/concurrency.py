"""Edit forms carry the version they were shown with (salescrm.concurrency)."""

from __future__ import annotations


def version_of(record) -> int:
    """The record's version now in the database (what a freshly opened form carries)."""
    return type(record).objects.values_list("edit_version", flat=True).get(pk=record.pk)


def with_version(record, data: dict) -> dict:
    """`data` as an edit form opened now would send it."""
    return {**data, "edit_version": str(version_of(record))}
