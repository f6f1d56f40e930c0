"""Create forms are sent once: a hidden one-time token, claimed with the record it creates.

A create form (`SubmissionTokenMixin`) carries a fresh token each time it is shown. The
view creates the record through `once(...)`: one transaction inserts the token (unique
per person) and runs the create. The same form sent twice at once (a double click, a
resent POST) inserts the same token: the second insert waits on the unique index until
the first transaction ends, then finds it and shows what the first one made instead of
creating it again. If the first create is refused (a rule, a database error), its
transaction takes the token back with it, and the form may be sent again.

A POST without a token (an old page, a script) is created as before, unprotected.
Tokens are removed after TOKEN_KEPT by the form_submission_purge job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from salescrm.models import FormSubmission, User

FIELD = "submission"
# What the second of two identical requests is told.
SENT_TWICE = gettext_lazy("This form was sent twice; it was saved once.")
TOKEN_KEPT = timedelta(days=2)


class SubmissionTokenMixin:
    """A create form's hidden one-time token (a fresh one each time the form is shown)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.UUIDField(
            widget=forms.HiddenInput, initial=uuid.uuid4, required=False
        )


@dataclass(frozen=True)
class Outcome:
    created: bool  # False: the form had been sent already; `value` is None
    value: Any
    url: str  # where the record the form made is shown


def once(*, user: User, token: uuid.UUID | None, create: Callable[[], tuple[Any, str]]) -> Outcome:
    """Run `create()` (returning the record and the URL that shows it) once per `token`.

    Domain errors from `create` propagate, and the token is not used up.
    """
    with transaction.atomic():
        if token is not None:
            try:
                with transaction.atomic():
                    FormSubmission.objects.create(
                        user=user, token=token, submitted_at=timezone.now()
                    )
            except IntegrityError:
                first = FormSubmission.objects.get(user=user, token=token)
                return Outcome(created=False, value=None, url=first.result_url)
        value, url = create()
        if token is not None:
            FormSubmission.objects.filter(user=user, token=token).update(result_url=url)
    return Outcome(created=True, value=value, url=url)


def purge(*, now: datetime) -> dict:
    """Remove the tokens of forms sent more than TOKEN_KEPT ago (a beat job)."""
    removed, _ = FormSubmission.objects.filter(submitted_at__lt=now - TOKEN_KEPT).delete()
    return {"form tokens removed": removed}
