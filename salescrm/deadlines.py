"""The deadline jobs, declared once: what runs, in which order, and how a run is recorded."""

from django.db import transaction
from django.utils import timezone

from customers import jobs as customer_jobs
from salescrm.jobs import job_run
from visits import jobs as visit_jobs

# name -> job(now=...) -> counts; in the order an operator's full run takes them.
JOBS = {
    "file_completion": customer_jobs.file_completion,
    "first_contact": customer_jobs.first_contact,
    "reassignment": customer_jobs.reassignment,
    "visit_log": visit_jobs.visit_log,
    "visit_return": visit_jobs.visit_return,
}


def run_job(name: str, *, now=None, dry_run: bool = False) -> dict:
    """Run one job at `now`; record the run (unless dry_run, which changes nothing)."""
    job = JOBS[name]
    now = now or timezone.now()
    if dry_run:
        with transaction.atomic():
            counts = job(now=now)
            transaction.set_rollback(True)
        return counts
    with job_run(name) as run:
        run.counts = job(now=now)
    return run.counts
