"""Where a confirmed import stands: its place in the queue, then "240 / 600" rows.

The worker runs an import in one transaction (all or nothing) that holds the import's
row lock, so its progress cannot be written through that transaction: nothing would be
seen before the end. `Reporter` writes it on a connection of its own, in autocommit, every
PROGRESS_EVERY rows (CustomerImportProgress, which has no foreign key to wait on the lock).
"""

from datetime import datetime

from django.db import connection
from django.utils import timezone

from customers.models import CustomerImport, CustomerImportProgress

PROGRESS_EVERY = 25
TABLE = CustomerImportProgress._meta.db_table


class Reporter:
    """Progress of one run, written on a second connection (closed by `close`)."""

    def __init__(self, import_id: int, *, total: int, now: datetime | None = None):
        self.import_id = import_id
        self.total = total
        self.done = 0
        self._conn = connection.get_new_connection(connection.get_connection_params())
        self._conn.autocommit = True
        self._write(
            f"INSERT INTO {TABLE} (customer_import_id, started_at, done, total) "
            "VALUES (%s, %s, 0, %s) ON CONFLICT (customer_import_id) "
            "DO UPDATE SET started_at = EXCLUDED.started_at, done = 0, total = EXCLUDED.total",
            [import_id, now or timezone.now(), total],
        )

    def _write(self, sql: str, params: list) -> None:
        with self._conn.cursor() as cursor:
            cursor.execute(sql, params)

    def row_done(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self._write(
                f"UPDATE {TABLE} SET done = %s WHERE customer_import_id = %s",
                [self.done, self.import_id],
            )

    def close(self) -> None:
        self._conn.close()


class Silent:
    """No progress (an import run in place by the command)."""

    def row_done(self) -> None:
        pass

    def close(self) -> None:
        pass


def queue_position(customer_import: CustomerImport) -> int | None:
    """1 for the next import the worker starts; None once it has started (or is not queued)."""
    if customer_import.status != CustomerImport.Status.IMPORTING:
        return None
    if CustomerImportProgress.objects.filter(customer_import=customer_import).exists():
        return None
    waiting = CustomerImport.objects.filter(
        status=CustomerImport.Status.IMPORTING,
        confirmed_at__lte=customer_import.confirmed_at,
        progress__isnull=True,
    )
    return waiting.count()


def running(customer_import: CustomerImport) -> CustomerImportProgress | None:
    if customer_import.status != CustomerImport.Status.IMPORTING:
        return None
    return CustomerImportProgress.objects.filter(customer_import=customer_import).first()
