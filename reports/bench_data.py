"""The large data set the benchmarks run on: one definition, for bench_reports (the report
pages) and demo's bench_pages (lists, search, detail, home pages).

Built once with set-based SQL (generate_series) and reused on the next run: 50 salespeople
(bench-s<team>-<n>) in 10 teams with a manager each (bench-m<team>) and a director
(bench-director); customers spread over the last year, ~30 % with Chinese names, each with
valid identity keys (name and phone), about two contact people, contact records, visit slips
and logs, plans and agreements. Bench customers are marked source_detail = 'bench'. Never run
it on a database with real data: it adds rows.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from salescrm.models import Team, User
from salescrm.roles import Role

TEAMS, PER_TEAM = 10, 5
DIRECTOR = "bench-director"

SQL = """
WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM salescrm_user
                WHERE username LIKE 'bench-s%%')
INSERT INTO customers_customer (name, credit_code, source, source_detail, collected_on, phone,
  industry, city, address, website, needs, notes, entered_at, pipeline_class, completion_due_at,
  completed_at, check_state, check_comment, entered_by_id, owner_id, extension_reason,
  first_contact_due_at, first_contact_at, checked_at, assigned_at, last_activity_at,
  recycle_extension_days, recycle_extension_reason, recycle_lock_reason, return_reason,
  edit_version, language)
SELECT n.name, '', (ARRAY['trade_show','industry_press','internet','association',
  'leading_company','mall_brands','partner','company_data','competing_media','marketing_event',
  'other'])[1 + g %% 11], 'bench', (e)::date, '1' || (3 + g %% 7) || lpad(g::text, 9, '0'),
  '', '', '', '', '', '', e,
  (ARRAY['unclassified','tracking','potential','progressing','key','loi','signed'])[1 + g %% 7],
  e + interval '2 days', CASE WHEN g %% 5 > 0 THEN e + (g %% 4) * interval '20 hours' END,
  CASE WHEN g %% 3 = 0 THEN 'pending' ELSE 'checked' END, '',
  p.ids[1 + g %% array_length(p.ids, 1)], p.ids[1 + g %% array_length(p.ids, 1)], '',
  e + interval '7 days', CASE WHEN g %% 4 > 0 THEN e + (g %% 9) * interval '1 day' END,
  CASE WHEN g %% 3 > 0 THEN e + (g %% 12) * interval '1 day' END, e,
  CASE WHEN g %% 4 > 0 THEN e + (g %% 9) * interval '1 day' END, 0, '', '', '', 0,
  CASE WHEN g %% 10 < 3 THEN 'zh-hans' ELSE 'en' END
FROM generate_series(1, %(customers)s) AS g, people AS p,
  LATERAL (SELECT now() - (g %% 365) * interval '1 day' - (g %% 9) * interval '1 hour') AS t(e),
  LATERAL (SELECT CASE WHEN g %% 10 < 3 THEN
      (ARRAY['北京','上海','广州','深圳','杭州','成都','南京','武汉'])[1 + g %% 8]
      || (ARRAY['恒达','华信','远通','宏盛','新创','天和','瑞丰'])[1 + g %% 7] || g
      || (ARRAY['科技','贸易','传媒','广告','实业'])[1 + g %% 5] || '有限公司'
    ELSE (ARRAY['Johnson','Smith','Acme','Global','Pacific','Summit','Harbor','Nova'])[1 + g %% 8]
      || ' ' || g || ' ' || (ARRAY['Trading','Media','Foods','Tech','Retail'])[1 + g %% 5]
      || ' Co., Ltd.' END) AS n(name);

INSERT INTO customers_identitykey (kind, value, customer_id)
SELECT 'name', lower(regexp_replace(regexp_replace(name, '(有限公司| Co\\., Ltd\\.)$', ''),
  '[^[:alnum:]]', '', 'g')), id
FROM customers_customer WHERE source_detail = 'bench'
UNION ALL
SELECT 'phone', phone, id FROM customers_customer WHERE source_detail = 'bench';

INSERT INTO customers_contactperson (name, title, phone, email, decision_power, created_at,
  customer_id, edit_version)
SELECT CASE WHEN c.id %% 10 < 3 THEN
    (ARRAY['张','王','李','赵','刘','陈','杨','黄'])[1 + (c.id + k) %% 8]
    || (ARRAY['伟','芳','娜','敏','静','强','磊','洋'])[1 + (c.id * k) %% 8]
  ELSE (ARRAY['Anna','Ben','Chris','Dana','Eli','Fay','Gus','Hana'])[1 + (c.id + k) %% 8] || ' '
    || (ARRAY['Johnson','Miller','Brown','Wilson','Moore','Clark'])[1 + (c.id * k) %% 6] END,
  '', '0' || (21 + k) || lpad(c.id::text, 8, '0'), '', 'unknown', c.entered_at, c.id, 0
FROM customers_customer c, generate_series(1, 2 + (c.id %% 10 = 0)::int) AS k
WHERE c.source_detail = 'bench';

INSERT INTO visits_contactrecord (contacted_at, channel, brochure_sent, proposal_sent,
  receipt_confirmed, summary, author_id, customer_id)
SELECT first_contact_at + (k - 1) * interval '5 days', 'phone', false, false, false, 'bench',
  owner_id, id
FROM customers_customer, generate_series(1, 1 + id %% 5) AS k
WHERE source_detail = 'bench' AND first_contact_at IS NOT NULL;

INSERT INTO visits_visitslip (plan, planned_departure, expected_return, is_revisit,
  recent_status, purpose, objectives, likely_issues, state, created_at, rejection_reason,
  cancel_reason, late_notice_text, customer_id, salesperson_id, departed_at, returned_at,
  overdue_at, edit_version)
SELECT 'bench', d, d + interval '3 hours', false, '', '', '', '', 'returned', d, '', '', '',
  id, owner_id, d, d + (id %% 5) * interval '1 hour', d + interval '3 hours', 0
FROM customers_customer, generate_series(1, 1 + (id %% 3 = 0)::int) AS k,
  LATERAL (SELECT entered_at + k * interval '10 days') AS t(d)
WHERE source_detail = 'bench' AND first_contact_at IS NOT NULL;

INSERT INTO visits_visitlog (due_at, written_at, person_met, person_title, person_phone,
  decision_power, needs, notes, outcome, next_step, suggested_class, author_id, customer_id,
  slip_id, met_nobody, met_nobody_reason, edit_version)
SELECT departed_at + interval '2 days', departed_at + (id %% 4) * interval '1 day', '', '', '',
  'unknown', '', '', '', '', '', salesperson_id, customer_id, id, false, '', 0
FROM visits_visitslip WHERE plan = 'bench' AND id %% 13 <> 0;

INSERT INTO contracts_plan (title, objectives, audience, media_mix, schedule, state, version,
  created_at, return_reason, customer_id, salesperson_id, budget, submitted_to_customer_at,
  customer_decided_at, edit_version, language)
SELECT 'bench', '', '', '', '', CASE WHEN id %% 2 = 0 THEN 'accepted' ELSE 'submitted' END, 1,
  entered_at + interval '15 days', '', id, owner_id, 10000 + id %% 50000,
  entered_at + interval '15 days',
  CASE WHEN id %% 2 = 0 THEN entered_at + interval '20 days' END, 0, ''
FROM customers_customer WHERE source_detail = 'bench' AND id %% 10 = 0;

INSERT INTO contracts_planversion (number, content, created_at, outcome, outcome_reason,
  created_by_id, plan_id, outcome_at)
SELECT 1, '{}', created_at, CASE WHEN state = 'accepted' THEN 'accepted' ELSE 'pending' END,
  '', salesperson_id, id, customer_decided_at
FROM contracts_plan WHERE title = 'bench';

INSERT INTO contracts_agreement (number, title, free_changes, fee_per_change, payment_terms,
  notes, list_total, total, state, revision, major_reasons, created_at, return_reason,
  cancel_reason, customer_id, salesperson_id, plan_id, signed_on, submitted_at, edit_version,
  language)
SELECT 'B' || id, 'bench', 0, 0, '', '', budget, budget * 0.9,
  CASE WHEN id %% 3 = 0 THEN 'cancelled' ELSE 'signed' END, 1,
  CASE WHEN id %% 7 = 0 THEN '[{"kind": "line"}]'::jsonb ELSE '[]'::jsonb END,
  customer_decided_at, '', '', customer_id, salesperson_id, id,
  CASE WHEN id %% 3 <> 0 THEN (customer_decided_at + interval '5 days')::date END,
  customer_decided_at, 0, ''
FROM contracts_plan WHERE title = 'bench' AND state = 'accepted';
"""


def exists() -> bool:
    return User.objects.filter(username=DIRECTOR).exists()


def build(customers: int, write=print, *, vacuum: bool = True) -> None:
    """Create the bench-* people and `customers` customers with their records (in a test's
    transaction, vacuum=False: ANALYZE only, which a transaction allows)."""
    started = time.perf_counter()
    with transaction.atomic():
        User.objects.create(username=DIRECTOR, role=Role.DIRECTOR)
        for t in range(TEAMS):
            team = Team.objects.create(name=f"bench team {t}")
            User.objects.create(username=f"bench-m{t}", role=Role.MANAGER, team=team)
            for s in range(PER_TEAM):
                User.objects.create(username=f"bench-s{t}-{s}", role=Role.SALESPERSON, team=team)
        with connection.cursor() as cursor:
            cursor.execute(SQL, {"customers": customers})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")  # as autovacuum would
    took = time.perf_counter() - started
    write(f"Built {customers:,} customers and their records in {took:.0f} s.")


def ensure(customers: int, write=print) -> None:
    if exists():
        write("Reusing the bench-* data set.")
    else:
        build(customers, write)
