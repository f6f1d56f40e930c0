import smtplib

from celery import shared_task

from salescrm import jobs, notifications, services


@shared_task
def heartbeat() -> dict:
    """Prove that beat and a worker are alive: each run leaves a JobRun row."""
    return services.heartbeat_record()


@shared_task
def run_deadline_job(name: str) -> dict:
    """One registered deadline job at the current moment (scheduled by beat, see
    salescrm.schedule; the apps register their jobs, see salescrm.jobs)."""
    return jobs.run_job(name)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    # Under the broker's visibility timeout: a countdown past it would deliver the retry twice.
    retry_backoff_max=240,
    max_retries=8,
)
def send_notification_emails(ids: list[int]) -> int:
    """E-mail notifications once each (retried when the mail server fails)."""
    return notifications.email_notifications(ids)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_password_reset(user_id: int) -> int:
    """The password-reset e-mail (the token is made here, never passed in a message)."""
    from salescrm.accounts import resets

    return resets.send_reset_email(user_id)
