"""Scheduled jobs: the registry the apps fill, one way to claim due rows, and run records.

Each app registers its deadline jobs from its AppConfig.ready() (`register_job`), as
Django's admin discovers admin.py; beat runs them by name through one task
(salescrm.tasks.run_deadline_job), so the core drives jobs it does not import.

A job takes `now`, selects the due rows by an indexed column and hands them to
`claim_due` (or `flag_due`), which locks each batch with SELECT ... FOR UPDATE SKIP
LOCKED inside its own transaction: two workers never take the same row, and a row
the job has dealt with no longer matches, so running a job twice changes nothing more.
Every run is recorded as a JobRun with the counts the job returns.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from salescrm import notifications
from salescrm.models import JobRun

# Rows claimed, changed and told about in one transaction.
JOB_BATCH = 2000


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., dict]
    # When beat runs it (django-celery-beat crontab fields, in the company's time zone);
    # salescrm.schedule seeds it into the database, where the administrator may change it.
    crontab: dict
    # Has effects outside the database (e-mail): told of a dry run, so it sends nothing.
    sends_mail: bool = False


# name -> Job, in registration order (the order an operator's full run takes them in).
JOBS: dict[str, Job] = {}


def register_job(
    name: str, run: Callable[..., dict], *, crontab: dict, sends_mail: bool = False
) -> None:
    """Declare a deadline job and when it runs (from an AppConfig.ready())."""
    if name in JOBS and JOBS[name].run is not run:
        raise ValueError(f"two deadline jobs are called {name!r}")
    JOBS[name] = Job(name=name, run=run, crontab=crontab, sends_mail=sends_mail)


@contextmanager
def job_run(name: str, *, now: datetime | None = None):
    """Record one run of job `name`; the body fills `run.counts` with what it changed."""
    run = JobRun.objects.create(name=name, started_at=now or timezone.now())
    try:
        yield run
    except Exception:
        run.error = traceback.format_exc(limit=5)
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "error", "finished_at"])


def run_job(name: str, *, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Run one job at `now`; record the run (unless dry_run, which changes nothing)."""
    job = JOBS[name]
    now = now or timezone.now()
    if dry_run:
        with transaction.atomic():
            counts = job.run(now=now, dry_run=True) if job.sends_mail else job.run(now=now)
            transaction.set_rollback(True)
        return counts
    with job_run(name) as run:
        run.counts = job.run(now=now)
    return run.counts


def claim(queryset: QuerySet, *, related: Iterable[str] = (), batch: int | None = None) -> list:
    """The next batch of due rows, locked for the current transaction; rows another worker
    holds are skipped. Call inside a transaction."""
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related(*related)
        .order_by("pk")[: batch or JOB_BATCH]
    )


def claim_due(
    queryset: QuerySet, *, handle: Callable[[list], int], related: Iterable[str] = ()
) -> int:
    """Claim the due rows batch by batch, each in its own transaction, and `handle` them.

    `handle(rows)` must change each row so that it no longer matches `queryset` (or the
    loop would take it again), and returns how many it dealt with; the sum is returned.
    """
    total = 0
    while True:
        with transaction.atomic():
            rows = claim(queryset, related=related)
            if not rows:
                return total
            total += handle(rows)


def flag_due(
    queryset: QuerySet,
    *,
    changes: dict,
    reason: str,
    tell: Callable[[list], Iterable[tuple]] | None = None,
    related: Iterable[str] = (),
) -> int:
    """Mark every due row with `changes` (field -> value) in one UPDATE per batch, keep a
    history row for each, and tell people in bulk; returns how many were marked.

    `tell(rows)` yields (recipient, kind, params, url) entries for notifications.notify_many,
    for the whole batch (so it can look up what the rows share in one query).
    """
    model = queryset.model

    def handle(rows: list) -> int:
        for row in rows:
            for field, value in changes.items():
                setattr(row, field, value)
        model.objects.filter(pk__in=[row.pk for row in rows]).update(**changes)
        model.history.bulk_history_create(rows, update=True, default_change_reason=reason)
        if tell is not None:
            notifications.notify_many(tell(rows))
        return len(rows)

    return claim_due(queryset, handle=handle, related=related)
