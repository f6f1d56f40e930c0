"""A confirmed import shows its place in the queue, then how many rows are done."""

from django.urls import reverse
from django.utils import timezone

from customers import imports
from customers.imports import progress
from customers.models import Customer, CustomerImport, CustomerImportProgress
from customers.tests.imports.helpers import ENGLISH_HEADERS, upload


def leads(count, prefix="Lead"):
    return [ENGLISH_HEADERS] + [
        [f"{prefix} Trading {n} Co", "展会", "", "", ""] for n in range(count)
    ]


def requested(actor, count=3, prefix="Lead"):
    customer_import = upload(actor, rows=leads(count, prefix), name=f"{prefix}.csv")
    return imports.import_request(customer_import=customer_import, actor=actor)


def test_queued_imports_know_their_place_until_the_worker_starts_them(salesperson):
    first = requested(salesperson, prefix="A")
    second = requested(salesperson, prefix="B")
    third = requested(salesperson, prefix="C")

    assert [progress.queue_position(i) for i in (first, second, third)] == [1, 2, 3]

    CustomerImportProgress.objects.create(customer_import=first, started_at=timezone.now())
    assert progress.queue_position(first) is None
    assert progress.running(first).done == 0
    assert [progress.queue_position(i) for i in (second, third)] == [1, 2]


def test_the_workers_progress_is_seen_while_its_transaction_is_still_open(
    transactional_db, salesperson, monkeypatch
):
    seen = []
    row_done = progress.Reporter.row_done

    def watch(self):
        row_done(self)
        # Read on this process's own connection, inside the import's open transaction.
        seen.append(CustomerImportProgress.objects.get(customer_import_id=self.import_id).done)

    monkeypatch.setattr(progress.Reporter, "row_done", watch)
    # The request queues the worker's run; tasks run inline here, once it commits.
    customer_import = requested(salesperson, count=60)

    # Written every PROGRESS_EVERY rows, committed at once on the reporter's connection.
    assert seen[24] == 25
    assert seen[49] == 50
    assert seen[23] == 0
    assert CustomerImportProgress.objects.get(customer_import=customer_import).total == 60
    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.IMPORTED
    assert Customer.objects.filter(source_import=customer_import).count() == 60


def test_the_import_page_shows_the_queue_position_then_the_rows_done(client_for, salesperson):
    requested(salesperson, prefix="A")
    second = requested(salesperson, prefix="B")
    url = reverse("customers:import_preview", args=[second.pk])

    page = client_for(salesperson).get(url).content.decode()
    assert "Queued (position 2)" in page
    assert 'hx-trigger="every 2s"' in page

    CustomerImportProgress.objects.create(
        customer_import=second, started_at=timezone.now(), done=240, total=600
    )
    page = client_for(salesperson).get(url).content.decode()
    assert "Importing: 240 / 600 rows" in page
    assert '<progress class="w-100" value="240" max="600">' in page
    assert "Queued" not in page
