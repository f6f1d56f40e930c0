"""Secrets never reach a log: password-reset tokens are cut out of every logged line.

Django's reset link is /accounts/reset/<uidb64>/<token>/; it swaps the token for a session
value and redirects to /accounts/reset/<uidb64>/set-password/, but the first request, with
the token, is in the access log of runserver (``django.server``) and of gunicorn, and in a
Referer. ``RedactSecrets`` filters Python logging records (settings.LOGGING);
``RedactingGunicornLogger`` is gunicorn's access logger (Procfile ``--logger-class``).
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# uidb64, then a token (Django's: base36 timestamp "-" hex), anything but the set-password step.
RESET_PATH = re.compile(r"(/reset/[0-9A-Za-z_\-]+/)(?!set-password/)[0-9A-Za-z_\-]+")
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    return RESET_PATH.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and its arguments) without any reset token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger, with every access-log field (request line, path, referer) redacted."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
