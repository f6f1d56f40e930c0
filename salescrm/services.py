"""Writes for the cross-cutting pieces (users, job records)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salescrm import saved_views, signals
from salescrm.errors import DomainError
from salescrm.jobs import job_run
from salescrm.models import SavedView, User


def heartbeat_record(*, now: datetime | None = None) -> dict:
    """One JobRun named "heartbeat": shows the worker and beat are alive."""
    with job_run("heartbeat", now=now) as run:
        run.counts = {"at": (now or timezone.now()).isoformat()}
    return run.counts


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def user_deactivate(*, user: User, actor: User, now: datetime | None = None) -> list[str]:
    """Deactivate `user`; the apps hand their work on (salescrm.signals.user_deactivating).

    Returns what the apps report (e.g. how many customers went back to the pool). A user
    already inactive is left alone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            return []
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        replies = signals.user_deactivating.send(sender=User, user=locked, actor=actor, now=now)
    user.is_active = False
    return [str(reply) for _receiver, reply in replies if reply]


def saved_view_save(*, user: User, page: str, name: str, query: str) -> SavedView:
    """Keep the list `page`'s filters (`query`) under `name` for `user` (same name: replaced)."""
    name = name.strip()
    if page not in saved_views.PAGES:
        raise DomainError(_("That list cannot be saved."))
    if not name:
        raise DomainError(_("Give the view a name."))
    with transaction.atomic():
        existing = SavedView.objects.filter(user=user, page=page).select_for_update()
        if existing.count() >= saved_views.PER_PAGE and not existing.filter(name=name).exists():
            raise DomainError(
                _("You keep %(count)d views of this list already: delete one first."),
                count=saved_views.PER_PAGE,
            )
        view, _created = SavedView.objects.update_or_create(
            user=user, page=page, name=name, defaults={"query": saved_views.clean_query(query)}
        )
    return view


def saved_view_delete(*, view: SavedView, actor: User) -> None:
    if view.user_id != actor.pk:
        raise DomainError(_("Only its owner deletes a saved view."))
    view.delete()

