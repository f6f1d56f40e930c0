"""Embedded services for a machine where nothing is configured.

Without ``DATABASE_URL`` SalesCRM runs a real PostgreSQL from the ``pgserver``
package with its data under ``var/pgdata``; without ``CELERY_BROKER_URL`` Celery
uses kombu's file-system transport under ``var/broker``. Both are for
development and tests on one machine; production sets the two URLs.

Run as a module to manage the embedded PostgreSQL::

    python -m salescrm.embedded start|stop|status
    python -m salescrm.embedded run -- COMMAND ...   # start if needed, run, stop if we started it
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

# platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver then uses /tmp.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SALESCRM_VAR_DIR") or BASE_DIR / "var")
PGDATA = VAR_DIR / "pgdata"
BROKER_DIR = VAR_DIR / "broker"
DATABASE_NAME = "salescrm"


def _system_user() -> str | None:
    # pgserver runs PostgreSQL as a dedicated system user when started as root.
    return "pgserver" if os.geteuid() == 0 else None


def postgres_is_running() -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA)
    return info is not None and info.is_running()


def ensure_postgres() -> dict:
    """Start the embedded server if needed; return Django DATABASES settings for it."""
    import pgserver

    PGDATA.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `stop_postgres` ends it.
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def stop_postgres() -> None:
    import pgserver

    if postgres_is_running():
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=_system_user())


def broker_transport_options() -> dict:
    """kombu file-system transport: producers and consumers share one folder."""
    queue_dir = BROKER_DIR / "queue"
    processed = BROKER_DIR / "processed"
    control = BROKER_DIR / "control"
    for folder in (queue_dir, processed, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 20


def run(command: list[str]) -> int:
    """Run a command with the embedded PostgreSQL up; stop it afterwards if we started it.

    The command runs in its own process group. Ctrl-C, ``kill`` (SIGTERM) and a
    closed terminal (SIGHUP) are passed on to that whole group; once it has
    ended (or after a grace period, killed) the database we started is stopped,
    so no PostgreSQL is left behind however the run ends.
    """
    started_here = not os.environ.get("DATABASE_URL") and not postgres_is_running()
    received: list[int] = []
    process: subprocess.Popen | None = None

    def pass_on(signum: int, frame: object) -> None:
        received.append(signum)
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signum)

    previous = {signum: signal.signal(signum, pass_on) for signum in STOP_SIGNALS}
    try:
        if not os.environ.get("DATABASE_URL"):
            ensure_postgres()
        if received:  # stopped while the database was starting
            return 128 + received[0]
        process = subprocess.Popen(command, start_new_session=True)
        code = process.wait()
        return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells say
    finally:
        if process is not None:
            try:
                process.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if started_here:
            stop_postgres()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    if action == "start":
        ensure_postgres()
        print(f"embedded PostgreSQL running, data in {PGDATA}")
    elif action == "stop":
        stop_postgres()
        print("embedded PostgreSQL stopped")
    elif action == "status":
        print("running" if postgres_is_running() else "stopped")
    elif action == "run":
        if rest and rest[0] == "--":
            rest = rest[1:]
        return run(rest)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
