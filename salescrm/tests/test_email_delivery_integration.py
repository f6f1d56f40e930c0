"""E-mail survives worker deaths: every notification is delivered exactly once.

A real prefork worker (subprocess, on the test database and this process's broker, on a
queue of the test's own) sends 80 notifications in batches of 10 over SMTP to an
aiosmtpd server on 127.0.0.1 that can hold a message at RCPT, so a worker can be killed
while it is sending. First one pool child is SIGKILLed mid-send; then the whole worker
(main process and child) is SIGKILLed mid-send and a new one started. Once the leases
of the killed sends expire, the sweep job runs (in the worker, as beat would run it) and
queues them again. The broker's visibility timeout is set far beyond the test, so
nothing here waits for Redis to hand back the lost messages: the leases and the sweep
alone bring every e-mail home, and the mail server counts each recipient once.
"""

import asyncio
import os
import signal
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import environ
import psutil
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from kombu import Exchange, Queue

from salescrm.celery import app as celery_app
from salescrm.models import JobRun, Notification
from salescrm.tasks import run_deadline_job, send_notification_emails
from salescrm.testing.celery import Worker, celery_conf, database_url, delete_queue, wait_for
from salescrm.testing.mail import free_port
from salescrm.tests.factories import UserFactory

COUNT = 80
BATCH = 10
TIME_LIMIT = 20  # the worker's hard task limit (seconds)
LEASE = 25  # the worker's NOTIFICATION_EMAIL_LEASE: longer than the limit, as settings require
DEADLINE = 90


class GatedHandler:
    """Records delivered messages; can hold the Nth RCPT until released (a send in flight)."""

    def __init__(self):
        self.envelopes = []
        self.rcpts = 0
        self.hold_at = None
        self.held = threading.Event()
        self.release = threading.Event()

    def hold(self, nth_from_now: int) -> None:
        self.held.clear()
        self.release.clear()
        self.hold_at = self.rcpts + nth_from_now

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.hold_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def delivered(self) -> Counter:
        return Counter(to for envelope in list(self.envelopes) for to in envelope.rcpt_tos)


class PreforkWorker(Worker):
    """A worker with a pool child, so a child can be killed while the main process lives."""

    def command(self) -> list[str]:
        return ["--pool=prefork" if part == "--pool=solo" else part for part in super().command()]

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def kill_child(self) -> None:
        (child,) = self.children()
        child.send_signal(signal.SIGKILL)

    def kill_all(self) -> None:
        doomed = [*self.children(), psutil.Process(self.process.pid)]
        for process in doomed:
            process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def gated_smtp():
    handler = GatedHandler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test"
    )
    controller.start()
    try:
        yield controller, handler
    finally:
        handler.release.set()
        controller.stop()


@pytest.fixture
def workers(transactional_db, tmp_path, gated_smtp):
    """make() -> a new prefork worker on the test's queue; all are stopped at the end."""
    controller, _handler = gated_smtp
    queue = f"salescrm-test-{uuid.uuid4().hex[:12]}"
    url = database_url(connection.settings_dict)
    parsed = environ.Env.db_url_config(url)
    assert (parsed["HOST"], parsed["NAME"]) == (
        connection.settings_dict["HOST"],
        connection.settings_dict["NAME"],
    ), f"{url} does not point at the test database"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "salescrm.settings"),
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        # The sweep's tasks, enqueued inside the worker, come back to this test's queue.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_QUEUE": queue,
        "INTERACTIVE_QUEUE": queue,
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TIME_LIMIT - 5),
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "NOTIFICATION_EMAIL_LEASE": str(LEASE),
        # Redis would hand back the dead worker's message only after this: not in this test.
        "CELERY_BROKER_VISIBILITY_TIMEOUT": "3600",
        "EMAIL_URL": f"smtp://{controller.hostname}:{controller.port}",
        "EMAIL_TIMEOUT": "10",
        "PYTHONUNBUFFERED": "1",
    }
    started = []

    def make() -> PreforkWorker:
        worker = PreforkWorker(queue, tmp_path / f"worker{len(started)}.log", env)
        worker.start()
        started.append(worker)
        return worker

    make.queue = queue
    make.output = lambda: "\n".join(
        f"--- worker {n} (exit {w.process.poll()}):\n{w.output()}" for n, w in enumerate(started)
    )
    with celery_app.connection_for_write() as conn:
        Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel).purge()
    try:
        with celery_conf(task_always_eager=False):
            yield make
    finally:
        for worker in started:
            worker.stop()
        delete_queue(queue)


def settle(predicate, alive, what, output):
    assert wait_for(predicate, alive=alive, timeout=DEADLINE), f"{what}; output:\n{output()}"


@pytest.mark.integration
def test_every_email_is_delivered_exactly_once_after_a_child_and_a_whole_worker_are_killed(
    workers, gated_smtp
):
    _controller, smtp = gated_smtp
    people = [UserFactory(email=f"reader{n:02d}@example.com", language="en") for n in range(COUNT)]
    # Made an hour ago: the sweep may take any of them once no live lease holds it.
    notes = Notification.objects.bulk_create(
        Notification(recipient=person, kind="comment", params={"customer": f"Co {n}"})
        for n, person in enumerate(people)
    )
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    ids = [note.pk for note in notes]
    batches = [ids[start : start + BATCH] for start in range(0, COUNT, BATCH)]
    expected = {person.email for person in people}

    # 1. A pool child is SIGKILLed while it sends the 5th e-mail of the first half.
    worker = workers()
    smtp.hold(5)
    for batch in batches[:4]:
        send_notification_emails.apply_async(args=[batch], queue=workers.queue)
    settle(smtp.held.is_set, worker.is_running, "the 5th e-mail never arrived", workers.output)
    worker.kill_child()
    smtp.release.set()
    # The killed task is delivered again (acks_late, reject_on_worker_lost) to a new child,
    # which sends the rest of its batch; the leased e-mail waits for the sweep.
    settle(
        lambda: len(smtp.delivered()) == 4 * BATCH - 1,
        worker.is_running,
        f"first half: {len(smtp.delivered())} delivered",
        workers.output,
    )
    assert "signal 9 (SIGKILL)" in worker.output(), workers.output()

    # 2. The whole worker is SIGKILLed while it sends the 5th e-mail of the second half.
    smtp.hold(5)
    for batch in batches[4:]:
        send_notification_emails.apply_async(args=[batch], queue=workers.queue)
    settle(smtp.held.is_set, worker.is_running, "the 2nd hold never came", workers.output)
    worker.kill_all()
    smtp.release.set()
    lost_at = time.monotonic()
    delivered_before_restart = len(smtp.delivered())

    # 3. A new worker takes the batches still queued; the killed one's message stays with
    # the broker (visibility timeout), its e-mails unsent or leased.
    worker = workers()
    settle(
        lambda: len(smtp.delivered()) == COUNT - BATCH + 4 - 1,
        worker.is_running,
        f"after the restart: {len(smtp.delivered())} delivered "
        f"({delivered_before_restart} before it)",
        workers.output,
    )
    assert Notification.objects.filter(emailed_at__isnull=True).count() == BATCH - 4 + 1

    # 4. Once the leases have expired, beat's sweep job runs in the worker.
    time.sleep(max(0.0, LEASE + 1 - (time.monotonic() - lost_at)))
    run_deadline_job.apply_async(args=["notification_email_sweep"], queue=workers.queue)
    settle(
        lambda: set(smtp.delivered()) == expected,
        worker.is_running,
        f"after the sweep: {len(smtp.delivered())} of {COUNT} delivered",
        workers.output,
    )
    time.sleep(2)  # anything sent twice would arrive now

    delivered = smtp.delivered()
    assert set(delivered) == expected
    assert set(delivered.values()) == {1}, {to: n for to, n in delivered.items() if n > 1}
    print(f"{sum(n == 1 for n in delivered.values())} of {COUNT} e-mails delivered once")
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    sweep = JobRun.objects.get(name="notification_email_sweep")
    assert sweep.counts == {"e-mails queued again": BATCH - 4 + 1}, workers.output()
