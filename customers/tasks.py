"""Celery tasks of the customer file: each takes ids and calls a service."""

from celery import shared_task

from customers import imports
from customers.models import CustomerImport
from salescrm.errors import DomainError


@shared_task
def import_check(import_id: int) -> dict:
    """Read and check an uploaded file (queued by imports.import_receive)."""
    checked = imports.import_check(import_id=import_id)
    return {"status": checked.status if checked else "missing"}


@shared_task
def import_confirm(import_id: int) -> dict:
    """Run a confirmed import (queued by imports.import_request); a second delivery does nothing."""
    customer_import = (
        CustomerImport.objects.defer("content")
        .select_related("uploaded_by")
        .filter(pk=import_id)
        .first()
    )
    if customer_import is None:
        return {"status": "missing"}
    try:
        done = imports.import_confirm(
            customer_import=customer_import, actor=customer_import.uploaded_by, queued=True
        )
    except DomainError as error:  # e.g. the uploader is no longer a salesperson
        imports.import_abandon(import_id=import_id, message=str(error))
        return {"status": CustomerImport.Status.FAILED, "error": str(error)}
    except Exception:
        # Everything the run did was rolled back; the uploader must not wait forever.
        imports.import_abandon(import_id=import_id)
        raise
    return {"status": done.status, "imported": done.imported_count}
