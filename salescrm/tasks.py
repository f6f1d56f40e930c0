from celery import shared_task

from salescrm import deadlines, services


@shared_task
def heartbeat() -> dict:
    """Prove that beat and a worker are alive: each run leaves a JobRun row."""
    return services.heartbeat_record()


@shared_task
def run_deadline_job(name: str) -> dict:
    """One deadline job at the current moment (scheduled by beat, see salescrm.schedule)."""

    return deadlines.run_job(name)
