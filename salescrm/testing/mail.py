"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it receives.

The `smtp_server` fixture is registered for every test by the root conftest.py.
"""

import socket

import pytest
from aiosmtpd.controller import Controller


class RecordingHandler:
    """aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 that records what it receives."""
    handler = RecordingHandler()
    for _attempt in range(5):
        # The port is free when chosen; another process could take it before we bind.
        controller = Controller(
            handler, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test"
        )
        try:
            controller.start()
        except OSError:
            continue
        break
    else:
        pytest.fail("could not start the SMTP server on a free port")
    try:
        yield controller, handler
    finally:
        controller.stop()
