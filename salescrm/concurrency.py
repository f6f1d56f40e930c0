"""Two editors: a record's `edit_version`, checked when an edit form is saved.

Every editable business record inherits `Versioned`: an `edit_version` number that goes up by
one on every save that changes one of its `edit_fields` (whichever service saves it), or
when a service calls `bump` for a change kept in child rows (an agreement's lines, a
collection plan's instalments). An edit form (`VersionFormMixin`) carries the version it
was shown with in a hidden field; the service that saves it locks the row and calls
`check(locked, expected, fields=..., submitted=...)` first. If someone saved the record
meanwhile the save is refused with `StaleEdit`, which names who saved it and when, and
the current value of each field that changed since the form was shown (read from the
record's history). The view shows the form again with the person's own text kept
(`stale_form`), the other values beside the fields, and the new version, so that a
second save, after merging, goes through. Nothing is saved by the refused attempt.

A service called without a version (an import, a job, the shell) is not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from salescrm.errors import DomainError

FIELD = "edit_version"


class Versioned(models.Model):
    """An editable record: its version goes up when a save changes its edit fields."""

    edit_version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)

    # The fields an edit form changes; a save touching any of them is a new version.
    edit_fields: tuple[str, ...] = ()
    # What the record is called in "… changed this <noun>" (the model's name if not given).
    edit_noun = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (
            update_fields is None or set(update_fields) & set(self.edit_fields)
        ):
            self.edit_version += 1
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, FIELD]
        super().save(*args, **kwargs)


def bump(record: Versioned) -> None:
    """A new version for a change kept outside the record's own row (its lines)."""
    record.edit_version += 1
    record.save(update_fields=[FIELD])


class StaleEdit(DomainError):
    """Someone saved the record after the form was shown; nothing was saved."""

    def __init__(
        self,
        record: Versioned,
        *,
        by: str,
        at: datetime | None,
        changes: dict[str, Any],
    ) -> None:
        self.record = record
        self.version = record.edit_version
        self.by = by
        self.at = at
        self.changes = changes  # field → the value saved meanwhile, for each field that changed
        noun = record.edit_noun or record._meta.verbose_name
        if at is None:
            super().__init__(
                _("%(who)s changed the %(record)s after you opened it."), who=by, record=noun
            )
        else:
            super().__init__(
                _("%(who)s changed the %(record)s at %(time)s after you opened it."),
                who=by,
                record=noun,
                time=date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT"),
            )


def _who(row) -> str:
    user = getattr(row, "history_user", None) if row is not None else None
    if user is None:
        return str(_("Someone"))
    return user.get_full_name() or user.get_username()


def check(
    record: Versioned,
    expected: int | None,
    *,
    fields: Iterable[str] = (),
    submitted: dict | None = None,
) -> None:
    """Refuse the save with `StaleEdit` unless `record` (locked) is still at `expected`.

    `fields`: the form's fields, compared between the version the form was shown with
    and now (from history; without it, with what was submitted).
    """
    if expected is None or expected == record.edit_version:
        return
    fields = list(fields or record.edit_fields)
    history = getattr(record, "history", None)
    opened = saved = None
    if history is not None:
        opened = history.filter(edit_version=expected).order_by("history_date").last()
        saved = history.filter(edit_version=record.edit_version).order_by("history_date").first()
        if saved is None:
            saved = history.order_by("-history_date").first()
    submitted = submitted or {}
    changes = {}
    for field in fields:
        attname = record._meta.get_field(field).attname
        now_value = getattr(record, attname)
        if opened is not None:
            if getattr(opened, attname) != now_value:
                changes[field] = getattr(record, field)
        elif field in submitted and _plain(submitted[field]) != now_value:
            changes[field] = getattr(record, field)
    raise StaleEdit(
        record, by=_who(saved), at=saved.history_date if saved is not None else None,
        changes=changes,
    )  # fmt: skip


def _plain(value):
    return value.pk if isinstance(value, models.Model) else value


class VersionFormMixin:
    """An edit form's hidden `edit_version`: the record's version when the form was shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        existing = instance is not None and instance.pk is not None
        # A new record (a contact person added, the first billing details) has no version yet.
        self.fields[FIELD] = forms.IntegerField(
            widget=forms.HiddenInput,
            min_value=0,
            required=existing,
            initial=instance.edit_version if existing else 0,
        )


class VersionForm(forms.Form):
    """The version alone, for an editor whose fields are a formset."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _shown(form, field: str, value) -> str:
    if value in (None, ""):
        return str(_("(empty)"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    bound = form.fields.get(field)
    choices = dict(getattr(bound, "choices", None) or ()) if bound is not None else {}
    if not isinstance(value, models.Model) and value in choices:
        return str(choices[value])
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def stale_form(form: forms.BaseForm, error: StaleEdit) -> forms.BaseForm:
    """The refused form again: the person's text kept, the new version, and beside each
    field saved meanwhile the value now on record."""
    data = form.data.copy()
    data[form.add_prefix(FIELD)] = str(error.version)
    form.data = data
    form.stale = error
    form.add_error(None, str(error))
    for field, value in error.changes.items():
        message = _("Saved meanwhile by %(who)s: %(value)s") % {
            "who": error.by,
            "value": _shown(form, field, value),
        }
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, message)
    if error.changes:
        form.add_error(
            None,
            _("Your text is kept below. Merge it with the values saved meanwhile, then save."),
        )
    return form
