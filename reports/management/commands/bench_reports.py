"""Time every report and dashboard page on a large data set.

    manage.py bench_reports --customers 1000000

Builds the data set once with set-based SQL (generate_series; 100 salespeople in 10 teams,
customers spread over the last year with contacts, visits and logs, plans and agreements)
and reuses it on the next run (the people are named bench-*). Then opens each page as the
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

from reports.selectors import stored_through
from salescrm.accounts import mfa
from salescrm.jobs import run_job
from salescrm.models import Team, User
from salescrm.roles import Role
from salescrm.testing.mfa import verify_session

TEAMS, PER_TEAM = 10, 10
PAGES = [
    ("dashboard", "reports:dashboard", ""),
    ("report, month", "reports:people", "?period=month"),
    ("report, year", "reports:people", "?period=year"),
    ("report XLSX, month", "reports:export", "?period=month&format=xlsx"),
    ("compliance, month", "reports:compliance", "?period=month"),
    ("channels, quarter", "reports:channels", "?period=quarter"),
    ("targets", "reports:targets", ""),
]

SQL = """
WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM salescrm_user
                WHERE username LIKE 'bench-s%%')
INSERT INTO customers_customer (name, credit_code, source, source_detail, collected_on, phone,
  industry, city, address, website, needs, notes, entered_at, pipeline_class, completion_due_at,
  completed_at, check_state, check_comment, entered_by_id, owner_id, extension_reason,
  first_contact_due_at, first_contact_at, checked_at)
SELECT 'bench ' || g, '', (ARRAY['trade_show','industry_press','internet','association',
  'leading_company','mall_brands','partner','company_data','competing_media','marketing_event',
  'other'])[1 + g %% 11], '', (e)::date, '', '', '', '', '', '', '', e,
  (ARRAY['unclassified','tracking','potential','progressing','key','loi','signed'])[1 + g %% 7],
  e + interval '2 days', CASE WHEN g %% 5 > 0 THEN e + (g %% 4) * interval '20 hours' END,
  CASE WHEN g %% 3 = 0 THEN 'pending' ELSE 'checked' END, '',
  p.ids[1 + g %% array_length(p.ids, 1)], p.ids[1 + g %% array_length(p.ids, 1)], '',
  e + interval '7 days', CASE WHEN g %% 4 > 0 THEN e + (g %% 9) * interval '1 day' END,
  CASE WHEN g %% 3 > 0 THEN e + (g %% 12) * interval '1 day' END
FROM generate_series(1, %(customers)s) AS g, people AS p,
     LATERAL (SELECT now() - (g %% 365) * interval '1 day' - (g %% 9) * interval '1 hour') AS t(e);

INSERT INTO visits_contactrecord (contacted_at, channel, brochure_sent, proposal_sent,
  receipt_confirmed, summary, author_id, customer_id)
SELECT first_contact_at, 'phone', false, false, false, 'bench', owner_id, id
FROM customers_customer WHERE name LIKE 'bench %%' AND first_contact_at IS NOT NULL;

INSERT INTO visits_visitslip (plan, planned_departure, expected_return, is_revisit,
  recent_status, purpose, objectives, likely_issues, state, created_at, rejection_reason,
  cancel_reason, late_notice_text, customer_id, salesperson_id, departed_at, returned_at,
  overdue_at)
SELECT 'bench', d, d + interval '3 hours', false, '', '', '', '', 'returned', d, '', '', '',
  id, owner_id, d, d + (id %% 5) * interval '1 hour', d + interval '3 hours'
FROM customers_customer, LATERAL (SELECT entered_at + interval '10 days') AS t(d)
WHERE name LIKE 'bench %%' AND id %% 5 = 0;

INSERT INTO visits_visitlog (due_at, written_at, person_met, person_title, person_phone,
  decision_power, needs, notes, outcome, next_step, suggested_class, author_id, customer_id,
  slip_id, met_nobody, met_nobody_reason)
SELECT departed_at + interval '2 days', departed_at + (id %% 4) * interval '1 day', '', '', '',
  'unknown', '', '', '', '', '', salesperson_id, customer_id, id, false, ''
FROM visits_visitslip WHERE plan = 'bench';

INSERT INTO contracts_plan (title, objectives, audience, media_mix, schedule, state, version,
  created_at, return_reason, customer_id, salesperson_id, budget, submitted_to_customer_at,
  customer_decided_at)
SELECT 'bench', '', '', '', '', CASE WHEN id %% 2 = 0 THEN 'accepted' ELSE 'submitted' END, 1,
  entered_at + interval '15 days', '', id, owner_id, 10000 + id %% 50000,
  entered_at + interval '15 days',
  CASE WHEN id %% 2 = 0 THEN entered_at + interval '20 days' END
FROM customers_customer WHERE name LIKE 'bench %%' AND id %% 10 = 0;

INSERT INTO contracts_planversion (number, content, created_at, outcome, outcome_reason,
  created_by_id, plan_id, outcome_at)
SELECT 1, '{}', created_at, CASE WHEN state = 'accepted' THEN 'accepted' ELSE 'pending' END,
  '', salesperson_id, id, customer_decided_at
FROM contracts_plan WHERE title = 'bench';

INSERT INTO contracts_agreement (number, title, free_changes, fee_per_change, payment_terms,
  notes, list_total, total, state, revision, major_reasons, created_at, return_reason,
  cancel_reason, customer_id, salesperson_id, plan_id, signed_on, submitted_at)
SELECT 'B' || id, 'bench', 0, 0, '', '', budget, budget * 0.9,
  CASE WHEN id %% 3 = 0 THEN 'cancelled' ELSE 'signed' END, 1,
  CASE WHEN id %% 7 = 0 THEN '[{"kind": "line"}]'::jsonb ELSE '[]'::jsonb END,
  customer_decided_at, '', '', customer_id, salesperson_id, id,
  CASE WHEN id %% 3 <> 0 THEN (customer_decided_at + interval '5 days')::date END,
  customer_decided_at
FROM contracts_plan WHERE title = 'bench' AND state = 'accepted';
"""


class Command(BaseCommand):
    help = "Build (once) a large data set and time every report and dashboard page."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, customers, repeat, **options):
        if not User.objects.filter(username="bench-director").exists():
            self._build(customers)
        else:
            self.stdout.write("Reusing the bench-* data set.")
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
            client, user = Client(), User.objects.get(username=username)
            client.force_login(user)
            if mfa.required(user):
                verify_session(client, user)  # the second step a manager or director passes
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

    def _build(self, customers: int) -> None:
        started = time.perf_counter()
        User.objects.create(username="bench-director", role=Role.DIRECTOR)
        for t in range(TEAMS):
            team = Team.objects.create(name=f"bench team {t}")
            User.objects.create(username=f"bench-m{t}", role=Role.MANAGER, team=team)
            for s in range(PER_TEAM):
                User.objects.create(username=f"bench-s{t}-{s}", role=Role.SALESPERSON, team=team)
        with connection.cursor() as cursor:
            cursor.execute(SQL, {"customers": customers})
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a live database
        took = time.perf_counter() - started
        self.stdout.write(f"Built {customers:,} customers and their records in {took:.0f} s.")
