"""Time the pages people use most, as each role, on a large data set.

    manage.py bench_pages --customers 1000000 [--repeat 20] [--sessions 10 --seconds 20]

Builds the data set once (reports.bench_data, shared with bench_reports) and reuses it on
the next run. Then opens the customer list (first and a deep page), the search in the menu
(Latin and Chinese), a customer's file, the agreement list and the home page as a
salesperson (bench-s0-0), a manager (bench-m0) and the director, and prints the median and
95th-percentile server time and the query count per page; then runs --sessions concurrent
sessions (separate processes, each its own connection) over a mix of lists, searches and
files for --seconds and prints requests per second, p95 and errors. In-process (Django's
test client, no web server, DEBUG as configured): compare runs on the same machine only.
Never run it on a database with real data: it adds rows.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from customers import access
from reports import bench_data
from salescrm.models import User
from salescrm.testing.mfa import verify_session

ROLES = [("salesperson", "bench-s0-0"), ("manager", "bench-m0"), ("director", "bench-director")]
DEEP_PAGE = 1000  # 50 000 rows in: what a "last page" costs with OFFSET at 100k


def pages_for(user: User) -> list[tuple[str, str]]:
    customer = access.customers_for(user).filter(owner__isnull=False).order_by("pk").first()
    customers = reverse("customers:list")
    search = reverse("search")
    return [
        ("customer list, page 1", customers),
        ("customer list, deep page", f"{customers}?page={DEEP_PAGE}"),
        ("customer list, by name", f"{customers}?sort=name"),
        ("search Johnson", f"{search}?q=Johnson"),
        ("search 科技", f"{search}?q=科技"),
        ("search phone", f"{search}?q=138 0000"),
        ("customer detail", reverse("customers:detail", kwargs={"pk": customer.pk})),
        ("agreement list", reverse("contracts:agreements")),
        ("home", reverse("home")),
    ]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _session(args) -> tuple[int, int, list[float]]:
    """One session: its person's pages in turn for `seconds`; (requests, errors, times)."""
    username, seconds = args
    connections.close_all()
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        verify_session(client, user)  # managers and the director sign in with a second step
        urls = [url for label, url in pages_for(user) if "deep" not in label]
        done = errors = 0
        times = []
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status = client.get(urls[done % len(urls)]).status_code
            times.append((time.perf_counter() - started) * 1000)
            done += 1
            errors += status != 200
    connections.close_all()
    return done, errors, times


class Command(BaseCommand):
    help = "Build (once) a large data set and time lists, search, detail and home pages."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--sessions", type=int, default=10)
        parser.add_argument("--seconds", type=int, default=20)

    def handle(self, *args, customers, repeat, sessions, seconds, **options):
        bench_data.ensure(customers, self.stdout.write)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM customers_customer")
            self.stdout.write(f"customers in the database: {cursor.fetchone()[0]:,}")
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            self._time_pages(repeat)
        if sessions:
            self._throughput(sessions, seconds)

    def _time_pages(self, repeat: int) -> None:
        self.stdout.write(f"{'page':<28}{'role':<13}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}")
        for role, username in ROLES:
            client = Client()
            user = User.objects.get(username=username)
            client.force_login(user)
            verify_session(client, user)
            for label, url in pages_for(user):
                client.get(url)  # warm the caches, as a live server is
                times, queries, status = [], 0, 200
                for _n in range(repeat):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        status = client.get(url).status_code
                        times.append((time.perf_counter() - started) * 1000)
                    queries = len(captured.captured_queries)
                if status != 200:
                    self.stdout.write(f"{label:<28}{role:<13}  HTTP {status}")
                    continue
                self.stdout.write(
                    f"{label:<28}{role:<13}{statistics.median(times):8.0f}"
                    f"{_percentile(times, 0.95):8.0f}{queries:9d}"
                )

    def _throughput(self, sessions: int, seconds: int) -> None:
        names = [ROLES[n % len(ROLES)][1] for n in range(sessions)]
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(sessions) as pool:
            results = pool.map(_session, [(name, seconds) for name in names])
        done = sum(r[0] for r in results)
        errors = sum(r[1] for r in results)
        times = [t for r in results for t in r[2]]
        self.stdout.write(
            f"{sessions} sessions for {seconds} s (lists, search, files; all roles): "
            f"{done / seconds:.1f} requests/s, p50 {statistics.median(times):.0f} ms, "
            f"p95 {_percentile(times, 0.95):.0f} ms, {errors} errors"
        )
