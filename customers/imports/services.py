"""The kept import: upload (with its preview), request, confirm, abandon. Every write.

Confirming: one transaction locks the import, re-reads the stored file, re-checks every
row and creates the new ones through customers.services.customer_create. If any row is
no longer what the preview said, or any create is refused, nothing is written and the
import is marked failed, naming the row, with a fresh preview to confirm again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePath

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers import services as customer_services
from customers.imports import progress
from customers.imports.checking import (
    RowResult,
    RowStatus,
    check_importer,
    check_rows,
    default_source_for,
    totals,
)
from customers.imports.reading import (
    FORMATS,
    MAX_LINES,
    ImportFileError,
    Table,
    check_workbook,
    read_table,
)
from customers.models import CustomerImport
from salescrm import people
from salescrm.errors import DomainError
from salescrm.history import acting_as
from salescrm.models import User

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the web form's limit; the command has none
MAX_WEB_ROWS = 5000


def _pool_team(actor: User, *, to_pool: bool, team_pool: bool) -> int | None:
    """The team whose pool the customers go to: the manager's own with `team_pool`."""
    pool_team_id = people.managed_team_id(actor) if to_pool and team_pool else None
    if to_pool and team_pool and pool_team_id is None:
        raise DomainError(_("Only the manager of a team keeps customers in the team's pool."))
    return pool_team_id


def import_upload(
    *,
    actor: User,
    file_name: str,
    content: bytes,
    to_pool: bool = False,
    team_pool: bool = False,
    default_source: str = "",
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    max_rows: int | None = MAX_WEB_ROWS,
    now: datetime | None = None,
    on_row: Callable[[RowResult], None] | None = None,
) -> CustomerImport:
    """Keep the file with its preview; no customer is written. Bad files raise ImportFileError.

    `on_row` sees each row's result as it is checked (the command prints them). With
    `team_pool`, the customers go to the pool of the manager's own team, not the company's.
    """
    now = now or timezone.now()
    check_importer(actor, to_pool=to_pool)
    pool_team_id = _pool_team(actor, to_pool=to_pool, team_pool=team_pool)
    default_source_for(to_pool=to_pool, default_source=default_source)
    if max_bytes is not None and len(content) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(size)d MB."), size=max_bytes // (1024 * 1024)
        )
    file_name = _short_name(file_name)
    # With a row limit (the web), the file's lines are limited too, empty ones included.
    table = read_table(
        content, file_name, max_rows=max_rows, max_lines=MAX_LINES if max_rows else None
    )
    # With a row limit, read every row first: a file over it is refused before any check.
    rows = list(table.rows) if max_rows is not None else table.rows
    results = []
    for result in check_rows(
        rows, actor=actor, to_pool=to_pool, default_source=default_source, now=now
    ):
        results.append(result)
        if on_row is not None:
            on_row(result)
    counts = totals(results)
    return CustomerImport.objects.create(
        uploaded_by=actor,
        created_at=now,
        file_name=file_name,
        content=content,
        to_pool=to_pool,
        pool_team_id=pool_team_id,
        default_source=default_source,
        report=_report(table, results),
        new_count=counts[RowStatus.NEW],
        duplicate_count=counts[RowStatus.DUPLICATE],
        invalid_count=counts[RowStatus.INVALID],
    )


def import_receive(
    *,
    actor: User,
    file_name: str,
    content: bytes,
    to_pool: bool = False,
    team_pool: bool = False,
    default_source: str = "",
    now: datetime | None = None,
) -> CustomerImport:
    """Keep an uploaded file to be checked by a worker (import_check); from the web.

    Only what is cheap and bounded happens here: who may import, the size, the format,
    and an XLSX's unpacked sizes and declared dimension (reading.check_workbook). Reading
    and checking the rows runs in the worker, under the task time limits; the preview
    page waits for it. Bad files raise ImportFileError and nothing is kept.
    """
    now = now or timezone.now()
    check_importer(actor, to_pool=to_pool)
    pool_team_id = _pool_team(actor, to_pool=to_pool, team_pool=team_pool)
    default_source_for(to_pool=to_pool, default_source=default_source)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB."), size=MAX_UPLOAD_BYTES // (1024 * 1024)
        )
    file_name = _short_name(file_name)
    extension = PurePath(file_name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ImportFileError(
            _("Only CSV and Excel (.xlsx) files can be imported. Save the list as one of those.")
        )
    if not content:
        raise ImportFileError(_("The file is empty."))
    if extension == "xlsx":
        check_workbook(content, max_lines=MAX_LINES)
    customer_import = CustomerImport.objects.create(
        uploaded_by=actor,
        created_at=now,
        file_name=file_name,
        content=content,
        to_pool=to_pool,
        pool_team_id=pool_team_id,
        default_source=default_source,
        status=CustomerImport.Status.CHECKING,
    )
    transaction.on_commit(partial(_enqueue_check, customer_import.pk))
    return customer_import


def _enqueue_check(import_id: int) -> None:
    from customers import tasks  # the task module imports this one

    tasks.import_check.delay(import_id)


def import_check(*, import_id: int, now: datetime | None = None) -> CustomerImport | None:
    """Read and check a received file (in the worker): previewed, or refused with why.

    A second delivery of the task finds it checked and does nothing. Each attempt is
    counted before the file is read, in a transaction of its own: a file that kills the
    worker (the task is delivered again when a worker is lost) is refused at the next
    delivery after MAX_CHECK_ATTEMPTS, instead of killing workers for ever.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counted = CustomerImport.objects.select_for_update().filter(pk=import_id).first()
        if counted is None or counted.status != CustomerImport.Status.CHECKING:
            return counted
        attempts = counted.failure.get("check_attempts", 0)
        if attempts >= MAX_CHECK_ATTEMPTS:
            return _refuse(counted, NOT_CHECKED, {})
        counted.failure = {"check_attempts": attempts + 1}
        counted.save(update_fields=["failure"])
    with transaction.atomic():
        locked = (
            CustomerImport.objects.select_for_update()
            .select_related("uploaded_by")
            .filter(pk=import_id)
            .first()
        )
        if locked is None or locked.status != CustomerImport.Status.CHECKING:
            return locked
        actor = locked.uploaded_by
        try:
            table = read_table(
                bytes(locked.content),
                locked.file_name,
                max_rows=MAX_WEB_ROWS,
                max_lines=MAX_LINES,
            )
            results = list(
                check_rows(
                    list(table.rows),
                    actor=actor,
                    to_pool=locked.to_pool,
                    default_source=locked.default_source,
                    now=now,
                )
            )
        except DomainError as error:  # unreadable, too many rows, no longer allowed ...
            return _refuse(locked, error.message, error.params)
        except SoftTimeLimitExceeded:
            return _refuse(locked, TOO_SLOW, {})
        counts = totals(results)
        locked.status = CustomerImport.Status.PREVIEWED
        locked.failure = {}
        locked.report = _report(table, results)
        locked.new_count = counts[RowStatus.NEW]
        locked.duplicate_count = counts[RowStatus.DUPLICATE]
        locked.invalid_count = counts[RowStatus.INVALID]
        locked.save(
            update_fields=[
                "status", "failure", "report", "new_count", "duplicate_count", "invalid_count"
            ]
        )  # fmt: skip
    return locked


TOO_SLOW = _("Checking the file took too long. Split it into smaller files.")
NOT_CHECKED = _(
    "The file could not be checked: the check stopped twice. Split it into smaller files, "
    "or save it again as CSV."
)
# Deliveries of one check task before the file is refused (see import_check).
MAX_CHECK_ATTEMPTS = 2


def _refuse(locked: CustomerImport, message: object, params: dict) -> CustomerImport:
    """Keep why the file was refused, as its untranslated text: each reader reads it in
    their own language (failure_message)."""
    with translation.override(None):
        text = str(message)
    locked.status = CustomerImport.Status.REFUSED
    locked.failure = {"code": "refused_file", "message": text, "params": params}
    locked.save(update_fields=["status", "failure"])
    return locked


def _short_name(file_name: str, limit: int = 255) -> str:
    """The file's own name (no folders), shortened to `limit` keeping its extension."""
    path = PurePath(file_name.replace("\\", "/"))
    if len(path.name) <= limit:
        return path.name
    return path.stem[: limit - len(path.suffix)] + path.suffix


def _report(table: Table, results: list[RowResult]) -> dict:
    return {
        "columns": [list(pair) for pair in table.columns],
        "ignored": table.ignored,
        "rows": [result.as_json() for result in results],
    }


class _Stop(Exception):
    """Ends the confirming transaction: nothing is written; `failure` says why."""

    def __init__(self, failure: dict) -> None:
        self.failure = failure
        super().__init__(failure)


# Statuses from which the uploader may confirm (again, after a failure).
CONFIRMABLE = {CustomerImport.Status.PREVIEWED, CustomerImport.Status.FAILED}
# A queued import whose run has not ended after this long was lost (broker down, worker
# gone for good): the uploader may confirm it again. Longer than any run may take.
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _check_uploader(locked: CustomerImport, actor: User) -> None:
    if locked.uploaded_by_id != actor.pk:
        raise DomainError(_("Only the person who uploaded the file confirms its import."))
    if locked.status == CustomerImport.Status.IMPORTED:
        raise DomainError(_("This file was already imported."))


def can_confirm(customer_import: CustomerImport, *, now: datetime | None = None) -> bool:
    """Previewed or failed; or queued so long ago that its run must have been lost."""
    if customer_import.status in CONFIRMABLE:
        return True
    now = now or timezone.now()
    return (
        customer_import.status == CustomerImport.Status.IMPORTING
        and customer_import.confirmed_at is not None
        and customer_import.confirmed_at < now - STALE_AFTER
    )


def is_checking(customer_import: CustomerImport, *, now: datetime | None = None) -> bool:
    """Waiting for the worker's check, and not so long that the check must have been lost."""
    now = now or timezone.now()
    return (
        customer_import.status == CustomerImport.Status.CHECKING
        and customer_import.created_at >= now - STALE_AFTER
    )


def import_request(
    *, customer_import: CustomerImport, actor: User, now: datetime | None = None
) -> CustomerImport:
    """The uploader confirms: the import is queued and a worker runs it (import_confirm).

    A second click while it is queued or running is refused, as is one after it is done.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CustomerImport.objects.select_for_update()
            .defer("content", "report")
            .get(pk=customer_import.pk)
        )
        _check_uploader(locked, actor)
        if not can_confirm(locked, now=now):
            raise DomainError(_("This file is being imported already."))
        locked.status = CustomerImport.Status.IMPORTING
        locked.confirmed_at = now
        locked.failure = {}
        locked.save(update_fields=["status", "confirmed_at", "failure"])
        transaction.on_commit(partial(_enqueue, locked.pk))
    return locked


def _enqueue(import_id: int) -> None:
    from customers import tasks  # the task module imports this one

    tasks.import_confirm.delay(import_id)


def import_confirm(
    *,
    customer_import: CustomerImport,
    actor: User,
    queued: bool = False,
    now: datetime | None = None,
) -> CustomerImport:
    """Create the new rows of a confirmed import, all or nothing.

    In place (the command) from previewed or failed; `queued` (the worker) only from
    importing, so a task delivered twice runs once. Returns the import: status imported,
    or failed (with `failure` naming the row and a fresh report) when a row changed since
    the preview or a create was refused. The row lock orders concurrent confirmations.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = CustomerImport.objects.select_for_update().get(pk=customer_import.pk)
        if queued and locked.status != CustomerImport.Status.IMPORTING:
            return locked  # already run (a redelivered task)
        _check_uploader(locked, actor)
        if not queued and locked.status not in CONFIRMABLE:
            raise DomainError(_("This file is being imported already."))
        expected = {row["row"]: row["status"] for row in locked.report.get("rows", [])}
        table = read_table(bytes(locked.content), locked.file_name)
        # The worker's progress is seen by the page while this transaction is open.
        reporter = (
            progress.Reporter(locked.pk, total=len(expected)) if queued else progress.Silent()
        )
        try:
            # In a task or the command there is no request: name the uploader in history.
            with transaction.atomic(), acting_as(actor):
                results = _create_rows(
                    locked, table, actor=actor, expected=expected, now=now, reporter=reporter
                )
        except _Stop as stop:
            # Nothing was written; keep why, and what the file would do now.
            table = read_table(bytes(locked.content), locked.file_name)
            results = list(_check_table(locked, table, actor=actor, now=now))
            locked.status = CustomerImport.Status.FAILED
            locked.failure = stop.failure
        else:
            locked.status = CustomerImport.Status.IMPORTED
            locked.imported_at = now
            locked.failure = {}
        counts = totals(results)
        locked.report = _report(table, results)
        locked.new_count = counts[RowStatus.NEW]
        locked.duplicate_count = counts[RowStatus.DUPLICATE]
        locked.invalid_count = counts[RowStatus.INVALID]
        locked.imported_count = sum(1 for result in results if result.customer_id)
        locked.confirmed_at = locked.confirmed_at or now
        locked.save(
            update_fields=[
                "status", "confirmed_at", "imported_at", "failure", "report", "new_count",
                "duplicate_count", "invalid_count", "imported_count",
            ]
        )  # fmt: skip
    return locked


def import_abandon(*, import_id: int, message: str = "") -> None:
    """A queued run ended in an error: nothing was written; say so (and why, if known)."""
    with transaction.atomic():
        locked = CustomerImport.objects.select_for_update().filter(pk=import_id).first()
        if locked is None or locked.status != CustomerImport.Status.IMPORTING:
            return
        locked.status = CustomerImport.Status.FAILED
        locked.failure = {"code": "error", "message": message}
        locked.save(update_fields=["status", "failure"])


def _check_table(
    customer_import: CustomerImport, table: Table, *, actor: User, now: datetime
) -> Iterator[RowResult]:
    return check_rows(
        table.rows,
        actor=actor,
        to_pool=customer_import.to_pool,
        default_source=customer_import.default_source,
        now=now,
    )


def _create_rows(
    customer_import: CustomerImport,
    table: Table,
    *,
    actor: User,
    expected: dict,
    now: datetime,
    reporter: progress.Reporter | progress.Silent | None = None,
) -> list[RowResult]:
    results = []
    reporter = reporter or progress.Silent()
    try:
        for result in _check_table(customer_import, table, actor=actor, now=now):
            results.append(
                _create_row(customer_import, result, actor=actor, expected=expected, now=now)
            )
            reporter.row_done()
    finally:
        reporter.close()
    return results


def _create_row(
    customer_import: CustomerImport,
    result: RowResult,
    *,
    actor: User,
    expected: dict,
    now: datetime,
) -> RowResult:
    if expected.get(result.row) != result.status:
        raise _Stop({"code": "changed", "row": result.row, "status": result.status})
    if result.status != RowStatus.NEW:
        return result
    try:
        customer = customer_services.customer_create(
            actor=actor,
            data=result.data,
            contact_people=result.contact_people,
            to_pool=customer_import.to_pool,
            team_pool=customer_import.pool_team_id is not None,
            source_import=customer_import,
            now=now,
        )
    except DomainError as error:
        raise _Stop({"code": "refused", "row": result.row, "message": str(error)}) from None
    except DatabaseError as error:  # e.g. a value the database refuses
        raise _Stop({"code": "refused", "row": result.row, "message": str(error)}) from None
    result.customer_id = customer.pk
    return result


def failure_message(customer_import: CustomerImport) -> str:
    """Why the last confirmation wrote nothing, in the reader's language."""
    failure = customer_import.failure or {}
    if failure.get("code") == "changed":
        return str(
            _(
                "Row %(row)d is now %(status)s, not what the preview showed. Nothing was "
                "imported: check the updated preview and confirm again."
            )
        ) % {"row": failure["row"], "status": str(RowStatus.labels[failure["status"]]).lower()}
    if failure.get("code") == "error":
        if failure.get("message"):
            return str(_("%(message)s Nothing was imported.")) % {"message": failure["message"]}
        return str(
            _(
                "The import stopped with an error. Nothing was imported: confirm again, or "
                "tell an administrator if it happens again."
            )
        )
    if failure.get("code") == "refused_file":
        text = gettext(failure["message"])
        return text % failure["params"] if failure.get("params") else text
    if failure.get("code") == "refused":
        return str(_("Row %(row)d was refused: %(message)s Nothing was imported.")) % {
            "row": failure["row"],
            "message": failure["message"],
        }
    return ""
