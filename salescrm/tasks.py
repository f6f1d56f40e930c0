from celery import shared_task

from salescrm import services


@shared_task
def heartbeat() -> dict:
    """Prove that beat and a worker are alive: each run leaves a JobRun row."""
    return services.heartbeat_record()
