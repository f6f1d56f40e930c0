"""Time the customer deadline jobs on a large scratch table.

    python manage.py bench_deadlines [--customers 200000] [--due 10000] [--keep] [--force]

Creates `--customers` files owned by a scratch team (bulk inserts, minimal valid rows, no
identity keys), of which `--due` are incomplete past their completion due time and another
`--due` are past their first-contact deadline; runs customers.jobs.file_completion and
customers.jobs.first_contact once each at a fixed moment, and prints for each the rows it
changed, the wall time and the number of SQL queries; then the same again, with nothing
left to do (what every later hourly run costs). Then it deletes everything it
created, unless --keep.

It is meant for a throwaway database: it refuses to run with DEBUG off, or when the
database holds any customer it did not create, unless --force. The e-mail tasks the jobs
enqueue go to an in-memory broker, never to the configured one.
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from time import perf_counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from customers import jobs
from customers.models import Assignment, Customer, SourceChannel
from salescrm import audit, notifications
from salescrm import selectors as salescrm_selectors
from salescrm.models import Notification, Team, User
from salescrm.roles import Role

PREFIX = "bench-deadlines-"  # every user and the team it creates; its customers are theirs
DAY, TIME = date(2026, 3, 10), time(9, 0)  # a Tuesday morning, in the company's time zone
CHUNK = 10_000  # customers built in memory at a time
JOBS = {"file_completion": jobs.file_completion, "first_contact": jobs.first_contact}


class QueryCounter:
    """connection.execute_wrapper hook: counts statements sent to the database."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


@contextmanager
def no_notification_emails():
    """Keep the scratch notifications from being e-mailed: the benchmark times the jobs, and
    a real worker must never mail notifications of a scratch table (Celery reads
    CELERY_BROKER_URL from the environment first, so redirecting the broker is not enough)."""
    real = notifications.email_plan
    notifications.email_plan = lambda person, kind, *, now: {
        "email_wanted": False,
        "email_due_at": None,
    }
    try:
        yield
    finally:
        notifications.email_plan = real


class Command(BaseCommand):
    help = "Time the customer deadline jobs on a large scratch table (throwaway databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200_000, help="Files to create.")
        parser.add_argument(
            "--due", type=int, default=10_000, help="Of which due for each job (default 10000)."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Leave the scratch data in the database."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off or next to real customers (never on a live database).",
        )

    def handle(self, *args, customers, due, keep, force, **options):
        if customers < 1 or due < 0 or 2 * due > customers:
            raise CommandError("Need --customers >= 1 and 0 <= 2 x --due <= --customers.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this may be a live database. Use a throwaway one, or --force."
            )
        real = Customer.objects.exclude(entered_by__username__startswith=PREFIX)
        if real.exists() and not force:
            raise CommandError(
                "The database holds real customers; run the benchmark on a throwaway database "
                "(or --force)."
            )
        now = datetime.combine(DAY, TIME, tzinfo=timezone.get_current_timezone())
        leftovers = self._remove()
        if leftovers:
            self.stdout.write(f"Removed {leftovers} customers left by an earlier --keep run.")
        self.stdout.write(
            f"Benchmark at {timezone.localtime(now):%Y-%m-%d %H:%M %Z}: "
            f"{customers} customers, {due} due for each job"
        )
        started = perf_counter()
        self._create(customers=customers, due=due, now=now)
        self.stdout.write(f"  created in {perf_counter() - started:.1f} s")
        salescrm_selectors.policy()  # the policy row exists before timing (created on first use)
        with no_notification_emails():
            for name, job in JOBS.items():
                self._timed(name, job, now=now)
            # What every other hourly run costs: the same moment again, nothing left to do.
            for name, job in JOBS.items():
                self._timed(f"{name} (second run)", job, now=now)
        if keep:
            self.stdout.write(f"Kept the scratch data (users and team named {PREFIX}*).")
        else:
            self.stdout.write(f"Removed the scratch data ({self._remove()} customers).")

    def _timed(self, label: str, job, *, now) -> None:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = perf_counter()
            counts = job(now=now)
            seconds = perf_counter() - started
        summary = ", ".join(f"{key}: {value}" for key, value in counts.items())
        self.stdout.write(
            f"  {label}: {sum(counts.values())} rows changed in {seconds:.3f} s, "
            f"{counter.queries} queries ({summary})"
        )

    @transaction.atomic
    def _create(self, *, customers: int, due: int, now) -> None:
        team = Team.objects.create(name=f"{PREFIX}team")
        User.objects.create(username=f"{PREFIX}manager", role=Role.MANAGER, team=team, password="!")
        owners = [
            User.objects.create(
                username=f"{PREFIX}sales-{n}", role=Role.SALESPERSON, team=team, password="!"
            )
            for n in (1, 2)
        ]
        for start in range(0, customers, CHUNK):
            Customer.objects.bulk_create(
                (
                    self._customer(i, customers=customers, due=due, now=now, owner=owners[i % 2])
                    for i in range(start, min(start + CHUNK, customers))
                ),
                batch_size=2000,
            )

    @staticmethod
    def _customer(i: int, *, customers: int, due: int, now, owner: User) -> Customer:
        """Row i of `customers`, oldest first, as in a real table: a year of settled files
        (the last few days' still open but not yet due), then the newest: `due` files past
        their completion time, then `due` customers past their first-contact week."""
        settled = customers - 2 * due
        if i < settled:
            entered = now - timedelta(days=1 + 365 * (settled - 1 - i) / max(settled, 1))
            file_due = entered + timedelta(days=4)
            file_open = file_due > now
            # Not contacted yet, but their week ends more than 2 days from now: no reminder.
            contacted = now - entered >= timedelta(days=4)
        elif i < settled + due:
            entered = now - timedelta(days=5)
            file_due = now - timedelta(days=1)
            file_open, contacted = True, True
        else:
            entered = now - timedelta(days=8)
            file_due = entered + timedelta(days=4)
            file_open, contacted = False, False
        return Customer(
            name=f"Bench customer {i}",
            source=SourceChannel.OTHER,
            collected_on=timezone.localdate(entered),
            entered_by=owner,
            entered_at=entered,
            owner=owner,
            assigned_at=entered,
            completion_due_at=file_due,
            completed_at=None if file_open else entered + timedelta(hours=1),
            first_contact_due_at=entered + timedelta(days=7),
            first_contact_at=entered + timedelta(days=1) if contacted else None,
        )

    @staticmethod
    def _remove() -> int:
        """Delete every row the benchmark created (and only those); return the customers."""
        users = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
        if not users:
            return 0
        # The scratch rows' history and assignments are append-only: off for this clean-up.
        with transaction.atomic(), audit.suspended():
            Notification.objects.filter(recipient_id__in=users).delete()
            Assignment.objects.filter(customer__entered_by_id__in=users).delete()
            Customer.history.filter(entered_by_id__in=users).delete()
            # One statement, no per-row signals: the scratch rows have no contacts, keys or
            # history of their own beyond what was just deleted.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {connection.ops.quote_name(Customer._meta.db_table)} "
                    "WHERE entered_by_id = ANY(%s)",
                    [users],
                )
                removed = cursor.rowcount
            User.objects.filter(pk__in=users).delete()
            Team.objects.filter(name__startswith=PREFIX).delete()
            User.history.filter(username__startswith=PREFIX).delete()
            Team.history.filter(name__startswith=PREFIX).delete()
        return removed
