"""Run records for scheduled jobs: each run says when it ran and what it changed."""

import traceback
from contextlib import contextmanager

from django.utils import timezone

from salescrm.models import JobRun


@contextmanager
def job_run(name: str, *, now=None):
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
