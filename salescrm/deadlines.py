"""The deadline jobs, declared once: what runs, in which order, and how a run is recorded."""

from django.db import transaction
from django.utils import timezone

from customers import jobs as customer_jobs
from salescrm import digests
from salescrm.jobs import job_run
from visits import jobs as visit_jobs

# name -> job(now=...) -> counts; in the order an operator's full run takes them.
JOBS = {
    "file_completion": customer_jobs.file_completion,
    "first_contact": customer_jobs.first_contact,
    "reassignment": customer_jobs.reassignment,
    "visit_log": visit_jobs.visit_log,
    "visit_return": visit_jobs.visit_return,
    "weekly_digests": digests.weekly_digests,
    "daily_brief": digests.daily_brief,
}

# Jobs with effects outside the database (e-mail): told of a dry run, so they send nothing.
SENDS_MAIL = {"weekly_digests", "daily_brief"}


def run_job(name: str, *, now=None, dry_run: bool = False) -> dict:
    """Run one job at `now`; record the run (unless dry_run, which changes nothing)."""
    job = JOBS[name]
    now = now or timezone.now()
    if dry_run:
        with transaction.atomic():
            counts = job(now=now, dry_run=True) if name in SENDS_MAIL else job(now=now)
            transaction.set_rollback(True)
        return counts
    with job_run(name) as run:
        run.counts = job(now=now)
    return run.counts
