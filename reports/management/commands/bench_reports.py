"""Time every report and dashboard page on a large data set.

    manage.py bench_reports --customers 1000000

Builds the data set once (reports.bench_data, shared with demo's bench_pages) and reuses it
on the next run (the people are named bench-*). Then opens each page as the
director, a manager and a salesperson and prints the server time (best of --repeat) and
the query count (after running the daily_figures job, as the nightly beat would). Never
run it on a database with real data: it adds rows.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from reports import bench_data
from reports.selectors import stored_through
from salescrm.jobs import run_job
from salescrm.models import User
from salescrm.testing.mfa import verify_session

PAGES = [
    ("dashboard", "reports:dashboard", ""),
    ("report, month", "reports:people", "?period=month"),
    ("report, year", "reports:people", "?period=year"),
    ("report XLSX, month", "reports:export", "?period=month&format=xlsx"),
    ("compliance, month", "reports:compliance", "?period=month"),
    ("channels, quarter", "reports:channels", "?period=quarter"),
    ("targets", "reports:targets", ""),
]


class Command(BaseCommand):
    help = "Build (once) a large data set and time every report and dashboard page."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, customers, repeat, **options):
        bench_data.ensure(customers, self.stdout.write)
        if stored_through() is None:
            started = time.perf_counter()
            counts = run_job("daily_figures")
            took = time.perf_counter() - started
            self.stdout.write(f"daily_figures job (first run, all history): {took:.0f} s, {counts}")
        started = time.perf_counter()
        run_job("daily_figures")
        took = time.perf_counter() - started
        self.stdout.write(f"daily_figures job (a nightly run): {took:.1f} s")
        count = connection.cursor()
        count.execute("SELECT count(*) FROM customers_customer")
        self.stdout.write(f"customers in the database: {count.fetchone()[0]:,}")
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            self._time_pages(repeat)

    def _time_pages(self, repeat: int) -> None:
        for username in ["bench-director", "bench-m0", "bench-s0-0"]:
            client = Client()
            user = User.objects.get(username=username)
            client.force_login(user)
            verify_session(client, user)  # managers and the director sign in with a second step
            for label, url_name, query in PAGES:
                url = reverse(url_name) + query
                best, queries, status = None, 0, 0
                for _n in range(repeat):
                    reset_queries()
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        status = client.get(url).status_code
                        took = (time.perf_counter() - started) * 1000
                    best = took if best is None else min(best, took)
                    queries = len(captured.captured_queries)
                shown = f"{best:7.0f} ms, {queries:3d} queries" if status == 200 else f"{status}"
                self.stdout.write(f"{username:<15} {label:<20} {shown}")
