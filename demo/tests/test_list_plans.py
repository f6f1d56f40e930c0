"""The customer list reads its page through an index for every ordering it offers, as each
role: no sequential scan of the customers, no sort of the whole table, no aggregate (a plan
check on the bench data set, reports.bench_data; EXPLAIN only, no timing)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import bench_data
from salescrm.models import User
from salescrm.paging import BoundedPaginator

LIST = reverse("customers:list")
SORTS = ["", "entered", "-entered", "name", "-name", "contact", "-contact", "due", "-due"]
ROLES = ["bench-s0-0", "bench-m0", "bench-director"]


@pytest.fixture
def bench(db):
    bench_data.build(6000, write=lambda text: None, vacuum=False)


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def page_query_plan(client, url) -> list[dict]:
    """The plan of the query that reads the page's customers (the one with a LIMIT)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    (sql,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "customers_customer"."id"') and " LIMIT " in q["sql"]
    ]
    with connection.cursor() as cursor:
        # Whether an index serves the ordering, not whether the planner prefers it on a
        # small table: a plan that must sort shows its Sort node all the same.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    return list(nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]))


@pytest.mark.parametrize("username", ROLES)
def test_every_ordering_of_the_list_reads_an_index_in_order(bench, client_for, username):
    client = client_for(User.objects.get(username=username))
    for sort in SORTS:
        for page in (1, 20):
            plan = page_query_plan(client, f"{LIST}?sort={sort}&page={page}")
            on_customers = [n for n in plan if n.get("Relation Name") == "customers_customer"]
            assert on_customers, sort
            assert all(n["Node Type"] != "Seq Scan" for n in on_customers), (username, sort)
            assert all("Index" in n["Node Type"] for n in on_customers), (username, sort)
            assert not [n for n in plan if n["Node Type"] == "Sort"], (username, sort, page)
            assert "Aggregate" not in {n["Node Type"] for n in plan}


def test_the_list_counts_no_further_than_it_pages(bench, client_for, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "limit", 1000)
    response = client_for(User.objects.get(username="bench-director")).get(LIST + "?page=999")

    page = response.context["page"]
    assert page.paginator.capped
    assert page.paginator.count == 1001
    assert page.number == 20  # 1000 rows of 50
    assert "More than 1,000 customers" in response.content.decode()
