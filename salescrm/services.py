"""Writes for the cross-cutting pieces (users, job records)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from salescrm import signals
from salescrm.jobs import job_run
from salescrm.models import User


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
