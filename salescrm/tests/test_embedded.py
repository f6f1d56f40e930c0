"""The embedded PostgreSQL stops however a run ends: Ctrl-C, kill, or a closed terminal."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

COMMAND = "sleep 300"


def command_lines() -> list[str]:
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
            except OSError:
                continue
    return lines


def postgres_on(folder: Path) -> list[str]:
    return [line for line in command_lines() if "postgres" in line and str(folder) in line]


def command_running() -> bool:
    return any(line == COMMAND for line in command_lines())


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def var_dir():
    # As root the server runs as the unprivileged `pgserver` user: it must reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="salescrm-embedded-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


STOP_SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: s.name)
def test_a_stop_signal_ends_the_command_and_the_embedded_database(var_dir, signum):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SALESCRM_VAR_DIR"] = str(var_dir)
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "salescrm.embedded", "run", "--", *COMMAND.split()],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        assert wait_for(command_running, 120), "the command never started"
        assert postgres_on(var_dir / "pgdata"), "the command runs without the embedded database"
        wrapper.send_signal(signum)
        assert wrapper.wait(timeout=60) == 128 + signum
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
    assert wait_for(lambda: not postgres_on(var_dir / "pgdata"), 10), postgres_on(var_dir)
    assert not command_running()
