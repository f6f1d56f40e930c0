"""Celery for tests: its configuration for a while, eager tasks, real worker processes.

The fixtures here (`eager`, `eager_tasks`) are registered for every test by the root
conftest.py. The worker helpers start `celery` as a subprocess pointed at the test
database (see salescrm/tests/test_celery_integration.py and
dashboards/tests/test_beat_integration.py).
"""

import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from kombu import Exchange, Queue

from salescrm.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).with_name("celery")
WORKER_DEADLINE = 60  # seconds for the worker to start and run the task
POLL_INTERVAL = 0.2
STOP_TIMEOUT = 20


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
def eager_tasks():
    """Celery runs tasks inline, as in development without a worker (its own configuration)."""
    with celery_conf(task_always_eager=True):
        yield


@pytest.fixture
def eager(settings, eager_tasks):
    """Tasks run inline: Django's CELERY_TASK_ALWAYS_EAGER setting says so, and (as Celery
    reads its own configuration object, not Django's settings) eager_tasks too."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


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


class Beat(Worker):
    """A `celery beat` subprocess with the configured scheduler (the database schedule)."""

    def __init__(self, log_path: Path, env: dict, schedule_path: Path):
        super().__init__(queue="", log_path=log_path, env=env)
        self.schedule_path = schedule_path

    def command(self) -> list[str]:
        return [
            *super().command()[:3],  # celery -A salescrm
            "beat",
            "--max-interval=1",
            f"--schedule={self.schedule_path}",
            "--loglevel=INFO",
        ]
