"""Celery beat and a worker, for real: a scheduled deadline job fires and its e-mail arrives.

`celery beat` (with the database scheduler) and `celery worker` run as subprocesses
on the test database and on the broker this process uses, as in
test_celery_integration. Both get CELERY_TASK_DEFAULT_QUEUE set to a queue of the
test's own, so the scheduled job and the e-mail task it enqueues from inside the
worker travel through that queue only. E-mail goes over SMTP to an aiosmtpd server
on 127.0.0.1.
"""

import email
import email.policy
import json
import os
import uuid
from datetime import timedelta
from pathlib import Path

import environ
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu import Exchange, Queue

from customers.tests.factories import make_customer
from salescrm.celery import app as celery_app
from salescrm.models import JobRun, Notification
from salescrm.schedule import DEADLINE_TASK
from salescrm.testing.celery import Worker, celery_conf, database_url, delete_queue, wait_for

BEAT_DEADLINE = 90  # seconds for both processes to start, beat to fire, and mail to arrive
EVERY_SECONDS = 3  # the test schedule's interval
CUSTOMER_NAME = "Beat Integration Trading Co."


class Beat(Worker):
    """A `celery beat` subprocess reading the schedule from the test database."""

    def __init__(self, log_path: Path, env: dict, schedule_path: Path):
        super().__init__(queue="", log_path=log_path, env=env)
        self.schedule_path = schedule_path

    def command(self) -> list[str]:
        return [
            *super().command()[:3],  # celery -A salescrm
            "beat",
            "--scheduler=salescrm.beat:LockedDatabaseScheduler",
            "--max-interval=1",
            f"--schedule={self.schedule_path}",
            "--loglevel=INFO",
        ]


class CeleryProcesses:
    """A worker and beat, started by the test once its data is in place."""

    def __init__(self, queue: str, worker: Worker, beat: Beat):
        self.queue = queue
        self.worker = worker
        self.beat = beat

    def start(self) -> None:
        self.worker.start()
        self.beat.start()

    def running(self) -> bool:
        return self.worker.is_running() and self.beat.is_running()

    def stop(self) -> None:
        self.beat.stop()  # first, so nothing more is sent
        self.worker.stop()

    def output(self) -> str:
        return (
            f"beat (exit code {self.beat.process and self.beat.process.poll()}):\n"
            f"{self.beat.output()}\n"
            f"worker (exit code {self.worker.process and self.worker.process.poll()}):\n"
            f"{self.worker.output()}"
        )


@pytest.fixture
def celery_processes(transactional_db, tmp_path, smtp_server):
    """A worker and beat on the test database, this process's broker, and the SMTP server."""
    controller, _handler = smtp_server
    queue = f"salescrm-test-{uuid.uuid4().hex[:12]}"
    url = database_url(connection.settings_dict)
    parsed = environ.Env.db_url_config(url)
    assert (parsed["HOST"], parsed["NAME"], parsed["USER"]) == (
        connection.settings_dict["HOST"],
        connection.settings_dict["NAME"],
        connection.settings_dict["USER"],
    ), f"{url} does not point at the test database"

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "salescrm.settings"),
        "DATABASE_URL": url,
        # filesystem:// makes both processes use the same var/broker folder as this one.
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        # The job's e-mail task is enqueued with .delay() inside the worker: the default
        # queue is this test's, so the worker below consumes it too.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_QUEUE": queue,
        "INTERACTIVE_QUEUE": queue,
        "EMAIL_BATCH_MINUTES": "0",
        "EMAIL_URL": f"smtp://{controller.hostname}:{controller.port}",
        "EMAIL_TIMEOUT": "10",
        "PYTHONUNBUFFERED": "1",
    }
    processes = CeleryProcesses(
        queue,
        Worker(queue, tmp_path / "worker.log", env),
        Beat(tmp_path / "beat.log", env, tmp_path / "celerybeat-schedule"),
    )
    with celery_app.connection_for_write() as conn:
        Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel).purge()
    try:
        # Work in this process stays eager (conftest); only the subprocesses use the broker.
        with celery_conf(task_always_eager=False):
            yield processes
    finally:
        processes.stop()
        delete_queue(queue)


@pytest.mark.integration
def test_beat_fires_the_file_completion_job_and_its_e_mails_arrive_over_smtp(
    celery_processes, smtp_server, salesperson, manager
):
    _controller, handler = smtp_server
    for person in (salesperson, manager):
        person.language = "en"
        person.save(update_fields=["language"])
    # Collected 30 days ago: far past the few working days a file has to be completed.
    collected_at = timezone.now() - timedelta(days=30)
    customer = make_customer(
        salesperson,
        collected_on=timezone.localdate(collected_at),
        now=collected_at,
        name=CUSTOMER_NAME,
    )
    assert customer.completed_at is None
    assert customer.completion_due_at < timezone.now()
    every, _ = IntervalSchedule.objects.get_or_create(
        every=EVERY_SECONDS, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="file completion (test)",
        task=DEADLINE_TASK,
        args=json.dumps(["file_completion"]),
        interval=every,
        queue=celery_processes.queue,
    )
    # The notifications' e-mails go out when their batch is due (no wait here).
    PeriodicTask.objects.create(
        name="notification e-mail (test)",
        task=DEADLINE_TASK,
        args=json.dumps(["notification_email_due"]),
        interval=every,
        queue=celery_processes.queue,
    )
    expected = {salesperson.email, manager.email}

    def recipients() -> set[str]:
        return {to for envelope in list(handler.envelopes) for to in envelope.rcpt_tos}

    celery_processes.start()

    assert wait_for(
        lambda: recipients() >= expected, alive=celery_processes.running, timeout=BEAT_DEADLINE
    ), (
        f"expected e-mails to {sorted(expected)}, got {sorted(recipients())} "
        f"(waited up to {BEAT_DEADLINE}s); output:\n{celery_processes.output()}"
    )
    output = celery_processes.output()
    customer.refresh_from_db()
    assert customer.completion_overdue_at is not None, output
    run = JobRun.objects.filter(name="file_completion").order_by("pk").first()
    assert run is not None, output
    assert run.error == "", output
    notes = Notification.objects.filter(kind="file_overdue")
    assert {note.recipient.email for note in notes} == expected
    assert all(note.emailed_at is not None for note in notes), output

    envelopes = list(handler.envelopes)
    assert len(envelopes) == 2, [envelope.rcpt_tos for envelope in envelopes]
    for envelope in envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert CUSTOMER_NAME in " ".join(message["Subject"].split()), message["Subject"]
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        assert text_part is not None, message
        assert html_part is not None, message
        assert text_part.get_content_type() == "text/plain"
        assert html_part.get_content_type() == "text/html"
        assert CUSTOMER_NAME in text_part.get_content()

    celery_processes.stop()
    assert celery_processes.worker.process.returncode == 0, celery_processes.output()
    assert celery_processes.beat.process.returncode == 0, celery_processes.output()
    assert f"Sending due task file completion (test) ({DEADLINE_TASK})" in (
        celery_processes.beat.output()
    ), celery_processes.output()
    assert "salescrm.tasks.send_notification_emails" in celery_processes.worker.output()
