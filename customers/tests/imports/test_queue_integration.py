"""An import never waits behind e-mail: real workers, started as the Procfile starts them.

Each Procfile worker process becomes a real `celery worker` on the test database, on the
queues its `--queues` names (prefixed for this test), with the settings' task routes. The
mail server holds the first message at RCPT, so the e-mail worker is busy with it while
500 e-mails wait behind it: the import, requested then, must be done while every one of
those e-mails is still unsent. Nothing here depends on timing: the e-mail worker is stuck
until the test releases it.
"""

import os
import re
import uuid
from contextlib import contextmanager

import environ
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from customers import imports
from customers.models import CustomerImport
from customers.tests.imports.helpers import ENGLISH_HEADERS, upload
from salescrm import notifications
from salescrm.celery import app as celery_app
from salescrm.models import Notification
from salescrm.tasks import send_notification_emails
from salescrm.testing.celery import Worker, celery_conf, database_url, delete_queue, wait_for
from salescrm.testing.mail import free_port
from salescrm.tests.factories import UserFactory
from salescrm.tests.test_email_delivery_integration import GatedHandler

EMAILS = 500
ROWS = 120


def procfile_workers() -> dict[str, list[str]]:
    """Procfile process name -> the queues its `celery worker` consumes."""
    workers = {}
    for line in (settings.BASE_DIR / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if " worker " in command:
            (queues,) = re.findall(r"--queues=(\S+)", command)
            workers[name] = queues.split(",")
    return workers


class NamedWorker(Worker):
    def __init__(self, name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name

    def command(self):
        return [
            f"--hostname={self.name}-{uuid.uuid4().hex[:6]}@%h" if p.startswith("--hostname") else p
            for p in super().command()
        ]


@contextmanager
def routed(routes):
    """The task routes for a while (Celery caches its router: built again on both ends)."""

    def rebuild():
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)

    try:
        with celery_conf(task_routes=routes):
            rebuild()
            yield
    finally:
        rebuild()


def test_the_procfile_runs_a_worker_of_its_own_for_user_started_work():
    workers = procfile_workers()
    interactive = [name for name, queues in workers.items() if queues == ["interactive"]]
    assert interactive, workers
    others = {queue for queues in workers.values() for queue in queues}
    assert {"celery", "email", "interactive"} <= others
    router = celery_app.amqp.router
    assert router.route({}, "customers.tasks.import_confirm")["queue"].name == "interactive"
    assert router.route({}, "customers.tasks.import_check")["queue"].name == "interactive"
    assert router.route({}, "salescrm.tasks.send_notification_emails")["queue"].name == "email"


@pytest.mark.integration
def test_an_import_started_while_500_emails_are_queued_is_done_before_any_of_them(
    transactional_db, tmp_path, salesperson
):
    handler = GatedHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.t")
    smtp.start()
    prefix = f"salescrm-test-{uuid.uuid4().hex[:10]}"
    names = {"celery": settings.CELERY_TASK_DEFAULT_QUEUE, "email": settings.EMAIL_QUEUE}
    names["interactive"] = settings.INTERACTIVE_QUEUE
    queue_of = {queue: f"{prefix}-{role}" for role, queue in names.items()}
    routes = {
        pattern: {"queue": queue_of[route["queue"]]}
        for pattern, route in settings.CELERY_TASK_ROUTES.items()
    }
    url = database_url(connection.settings_dict)
    assert environ.Env.db_url_config(url)["NAME"] == connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CELERY_TASK_DEFAULT_QUEUE": queue_of[names["celery"]],
        "EMAIL_QUEUE": queue_of[names["email"]],
        "INTERACTIVE_QUEUE": queue_of[names["interactive"]],
        "EMAIL_URL": f"smtp://{smtp.hostname}:{smtp.port}",
        "EMAIL_TIMEOUT": "60",
        "PYTHONUNBUFFERED": "1",
    }
    workers = [
        NamedWorker(
            name,
            ",".join(queue_of[q] for q in queues),
            tmp_path / f"{name}.log",
            env,
        )
        for name, queues in procfile_workers().items()
    ]

    def output():
        return "\n".join(f"--- {w.name}:\n{w.output()}" for w in workers)

    def alive():
        return all(worker.is_running() for worker in workers)

    with celery_app.connection_for_write() as conn:
        for queue in queue_of.values():
            Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel).purge()
    reader = UserFactory(email="busy@example.com")
    notifications.notify_many(
        (reader, "guidance", {"customer": f"Co {n}"}, "", None) for n in range(EMAILS)
    )
    customer_import = upload(
        salesperson,
        rows=[ENGLISH_HEADERS] + [[f"Queue Co {n}", "展会", "", "", ""] for n in range(ROWS)],
    )
    handler.hold(1)  # the first e-mail is held at the mail server until released
    try:
        with celery_conf(task_always_eager=False), routed(routes):
            for note in Notification.objects.order_by("pk"):
                send_notification_emails.delay([note.pk])
            for worker in workers:
                worker.start()
            assert handler.held.wait(60), output()  # the e-mail worker is busy

            imports.import_request(customer_import=customer_import, actor=salesperson)

            def imported():
                customer_import.refresh_from_db()
                return customer_import.status == CustomerImport.Status.IMPORTED

            assert wait_for(imported, alive=alive, timeout=120), output()
            # Every e-mail is still waiting: the import did not queue behind them.
            assert not Notification.objects.filter(emailed_at__isnull=False).exists()
            assert customer_import.imported_count == ROWS
            assert customer_import.progress.done == ROWS - ROWS % 25
            assert customer_import.progress.total == ROWS

            handler.release.set()
            assert wait_for(
                lambda: Notification.objects.filter(emailed_at__isnull=False).count() >= 3,
                alive=alive,
            ), output()
    finally:
        handler.release.set()
        for worker in workers:
            worker.stop()
        smtp.stop()
        for queue in queue_of.values():
            delete_queue(queue)
