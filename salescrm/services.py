"""Writes for the cross-cutting pieces (users, job records)."""

from django.utils import timezone

from salescrm.jobs import job_run
from salescrm.models import User


def heartbeat_record(*, now=None) -> dict:
    """One JobRun named "heartbeat": shows the worker and beat are alive."""
    with job_run("heartbeat", now=now) as run:
        run.counts = {"at": (now or timezone.now()).isoformat()}
    return run.counts


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])
