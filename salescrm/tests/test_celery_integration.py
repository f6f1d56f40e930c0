"""Celery: the project's configuration, an eager run, and a real worker process.

The worker test starts `celery worker` as a subprocess pointed at the test
database and at the broker this process uses (Redis when CELERY_BROKER_URL is
set, otherwise the file-system broker under var/broker). It listens on a queue
of its own, so a stale message left by an earlier run, or another worker on
the same broker, cannot interfere.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import environ
import pytest
from django.conf import settings as django_settings
from django.db import connection
from kombu import Exchange, Queue

from salescrm.celery import app as celery_app
from salescrm.models import JobRun
from salescrm.tasks import heartbeat

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).with_name("celery")
WORKER_DEADLINE = 60  # seconds for the worker to start and run the task
POLL_INTERVAL = 0.2
STOP_TIMEOUT = 20


def test_celery_configuration_is_what_the_project_requires():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert isinstance(conf.task_time_limit, int)
    assert conf.task_time_limit > 0
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert conf.broker_url == django_settings.CELERY_BROKER_URL


@contextmanager
def celery_conf(**values):
    """Override keys of the Celery app's configuration for a while.

    The app reads Django's settings through a live view; an override sits in its
    `changes` layer, so restoring means removing it again (or putting back an
    override that was there before), not pinning the value seen now.
    """
    changes = celery_app.conf.changes
    previous = {key: changes[key] for key in values if key in changes}
    celery_app.conf.update(values)
    try:
        yield
    finally:
        for key in values:
            if key in previous:
                changes[key] = previous[key]
            else:
                changes.pop(key, None)


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Celery reads its own configuration object, not Django's settings.
    with celery_conf(task_always_eager=True):
        yield


def test_heartbeat_runs_inline_and_records_a_job_run_when_tasks_are_eager(db, eager):
    result = heartbeat.delay()

    assert result.successful()
    assert set(result.get()) == {"at"}
    run = JobRun.objects.get(name="heartbeat")
    assert run.finished_at is not None
    assert run.error == ""
    assert run.counts == result.get()


# A real worker ----------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database).

    django-environ reads a socket directory (HOST starting with "/") from the
    path: postgres://USER@//socket/dir/NAME. It does not decode a percent-encoded
    host (%2Fsocket%2Fdir), so that form is not used.
    """
    user = quote(settings_dict["USER"] or "", safe="")
    password = settings_dict["PASSWORD"] or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict["HOST"] or ""
    port = str(settings_dict["PORT"] or "")
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):
        url = f"postgres://{credentials}@/{host}/{name}"
        return f"{url}?port={port}" if port else url
    netloc = f"{host}:{port}" if port else host
    return f"postgres://{credentials}@{netloc}/{name}"


def delete_queue(name: str) -> None:
    """Remove the test queue and its binding from the broker."""
    queue = Queue(name, Exchange(name), routing_key=name)
    with celery_app.connection_for_write() as conn:
        bound = queue.bind(conn.default_channel)
        bound.declare()
        bound.delete()
    options = celery_app.conf.broker_transport_options or {}
    if celery_app.conf.broker_url.startswith("filesystem://") and "control_folder" in options:
        # The file-system transport keeps each exchange's bindings in a file.
        exchange_file = Path(options["control_folder"]) / f"{name}.exchange"
        if exchange_file.exists() and exchange_file.read_text().strip() == "[]":
            exchange_file.unlink()


class Worker:
    """A `celery worker` subprocess; its output goes to a file for failure messages."""

    def __init__(self, queue: str, log_path: Path, env: dict):
        self.queue = queue
        self.log_path = log_path
        self.env = env
        self.process = None

    def command(self) -> list[str]:
        return [
            str(CELERY),
            "-A",
            "salescrm",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--queues={self.queue}",
            "--hostname=salescrm-test@%h",
        ]

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """SIGTERM (warm shutdown), then SIGKILL if it does not exit in time."""
        if not self.is_running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real worker on the test database and this process's broker, on its own queue."""
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
        # filesystem:// makes the worker use the same var/broker folder as this process.
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "PYTHONUNBUFFERED": "1",
    }
    worker = Worker(queue, tmp_path / "worker.log", env)
    with celery_app.connection_for_write() as conn:
        Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel).purge()
    try:
        worker.start()
        # The task has to travel through the broker, whatever the environment says.
        with celery_conf(task_always_eager=False):
            yield worker
    finally:
        worker.stop()
        delete_queue(queue)


def wait_for(predicate, *, alive, timeout: float = WORKER_DEADLINE) -> bool:
    """Poll `predicate` until it is true, the deadline passes, or `alive()` turns false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if not alive():
            return predicate()
        # Other processes are doing the work: real waiting, bounded by the deadline.
        time.sleep(POLL_INTERVAL)
    return predicate()


@pytest.mark.integration
def test_a_real_worker_runs_heartbeat_from_the_broker_and_records_a_job_run(celery_worker):
    assert not JobRun.objects.exists()

    heartbeat.apply_async(queue=celery_worker.queue)

    def recorded():
        return JobRun.objects.filter(name="heartbeat", finished_at__isnull=False).exists()

    assert wait_for(recorded, alive=celery_worker.is_running), (
        f"no finished heartbeat JobRun (waited up to {WORKER_DEADLINE}s; "
        f"worker exit code {celery_worker.process.poll()}); worker output:\n"
        f"{celery_worker.output()}"
    )
    run = JobRun.objects.get(name="heartbeat")
    assert run.error == "", celery_worker.output()
    assert set(run.counts) == {"at"}

    celery_worker.stop()
    assert celery_worker.process.returncode == 0, celery_worker.output()
    assert "salescrm.tasks.heartbeat" in celery_worker.output()
