"""Celery beat's scheduler: the database schedule, run by one beat at a time.

Two beat processes (a second deploy, a restarted machine whose old beat lingers) would
each send every due task. The scheduler here sends nothing unless its process holds a
PostgreSQL advisory lock, taken on a connection of its own and held for the life of the
beat: the first beat holds it; another one waits as a standby, trying again every few
seconds, and takes over (re-reading the schedule from the database, with the last run
times the first one saved) when the first one stops or loses its connection. Advisory
locks are per database, so installations sharing a PostgreSQL server do not block each
other.

Belt and braces: every job already claims its rows idempotently (salescrm.jobs:
SELECT ... FOR UPDATE SKIP LOCKED and a condition that a dealt-with row no longer
matches; digests and e-mails are claimed per person and period / leased per
notification), so even a job run twice changes nothing more and sends nothing twice.
The lock keeps the schedule itself single: the only overlap left is the moment a beat
whose connection silently died still ticks until it notices (one tick at most).
"""

from __future__ import annotations

from celery.utils.log import get_logger
from django.db import connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = get_logger(__name__)

# The advisory lock's key: any constant, the same for every beat of this database.
BEAT_LOCK_KEY = 0x5A1E5C7B_EA7  # "salescrm beat"
# Seconds between a standby beat's attempts to take the lock.
STANDBY_RETRY = 5.0


class LockedDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's DatabaseScheduler that only ticks while it holds the beat lock."""

    lock_key = BEAT_LOCK_KEY
    standby_retry = STANDBY_RETRY

    def __init__(self, *args, **kwargs):
        self._lock_connection = None
        self._waiting_logged = False
        super().__init__(*args, **kwargs)

    # The lock --------------------------------------------------------------------------

    def holds_lock(self) -> bool:
        """True if this scheduler holds the beat lock (taking it if it is free)."""
        if self._lock_connection is not None:
            try:
                with self._lock_connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return True
            except Exception:  # the connection died: the server released the lock
                logger.warning("Beat lock: the database connection was lost; lock released.")
                self._drop_lock_connection()
        return self._take_lock()

    def _take_lock(self) -> bool:
        database = connections["default"]
        try:
            lock_connection = database.get_new_connection(database.get_connection_params())
            lock_connection.autocommit = True
            with lock_connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.lock_key])
                (taken,) = cursor.fetchone()
        except Exception:
            logger.exception("Beat lock: the database cannot be reached.")
            return False
        if not taken:
            lock_connection.close()
            if not self._waiting_logged:
                logger.warning(
                    "Beat lock: another beat runs the schedule; this one waits as a standby."
                )
                self._waiting_logged = True
            return False
        self._lock_connection = lock_connection
        self._waiting_logged = False
        logger.info("Beat lock: taken; this beat runs the schedule.")
        # What a previous beat ran is in the database: read the schedule afresh, as of now.
        self._last_timestamp = self.Changes.last_change()
        self._schedule = self.all_as_schedule()
        self._heap = None
        return True

    def _drop_lock_connection(self) -> None:
        lock_connection, self._lock_connection = self._lock_connection, None
        if lock_connection is not None:
            try:
                lock_connection.close()  # ends the session: the lock is released
            except Exception:
                logger.debug("Beat lock: closing a dead connection failed.", exc_info=True)

    # The scheduler ---------------------------------------------------------------------

    def tick(self, *args, **kwargs) -> float:
        if not self.holds_lock():
            return min(self.standby_retry, self.max_interval)
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._drop_lock_connection()
