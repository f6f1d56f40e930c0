"""The stored aggregates (ChannelDay, ComplianceDay, PipelineCount, kept by the
daily_figures job) give the same figures as the live tables on the hand-worked fixtures,
and once stored, a period before the run is read without touching the live tables."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer, PipelineClass, SourceChannel
from reports import compliance, figures, jobs
from reports.channels import channel_rows
from reports.models import ChannelDay, ComplianceDay, DailyFiguresState, PipelineCount
from reports.scope import scope_for
from reports.tests import builders as b
from reports.tests.test_channels_targets import MARCH, channels  # noqa: F401 (fixture)
from reports.tests.test_compliance import NOW, OCTOBER, october  # noqa: F401 (fixture)
from salescrm.testing.time import at, end_of

pytestmark = pytest.mark.django_db

LIVE_TABLES = ("customers_customer", "visits_", "contracts_")


def channel_figures(period):
    return [(r.channel, r.files, r.contacted, r.visited, r.accepted, r.signed, r.value, r.cost)
            for r in channel_rows(period)]  # fmt: skip


def compliance_figures(scope, period, now):
    result = compliance.compliance(scope, period, now=now)

    def plain(tallies):
        return {key: (tally.due, tally.on_time) for key, tally in tallies.items()}

    return (
        {pk: plain(tallies) for pk, tallies in result.people.items()},
        {pk: plain(tallies) for pk, tallies in result.teams.items()},
        plain(result.total),
        {week: plain(tallies) for week, tallies in result.weeks.items()},
    )


def read_tables(captured) -> list[str]:
    return [q["sql"] for q in captured if any(table in q["sql"] for table in LIVE_TABLES)]


def test_channel_days_give_the_live_figures(channels):  # noqa: F811
    live = channel_figures(MARCH)
    jobs.daily_figures(now=at(2026, 4, 15, 1, 25))
    assert ChannelDay.objects.exists()
    with CaptureQueriesContext(connection) as captured:
        stored = channel_figures(MARCH)
    assert stored == live
    assert read_tables(captured.captured_queries) == []  # all from ChannelDay
    show = dict((row[0], row[1:6]) for row in stored)[SourceChannel.TRADE_SHOW]
    assert show == (4, 3, 2, 1, 1)  # the hand-worked figures (test_channels_targets)
    # Idempotent: a second run replaces the rows.
    count = ChannelDay.objects.count()
    jobs.daily_figures(now=at(2026, 4, 15, 2))
    assert ChannelDay.objects.count() == count
    assert channel_figures(MARCH) == live


def test_compliance_days_give_the_live_figures(october, director, salesperson, manager):  # noqa: F811
    for person in (director, manager, salesperson):
        scope = scope_for(person, {})
        live = compliance_figures(scope, OCTOBER, NOW)
        DailyFiguresState.objects.all().delete()
        jobs.daily_figures(now=at(2026, 11, 2, 1, 25))
        assert ComplianceDay.objects.exists()
        with CaptureQueriesContext(connection) as captured:
            stored = compliance_figures(scope, OCTOBER, NOW)
        assert stored == live
        # Only the deadlines of the day of NOW are read live; the rest from ComplianceDay.
        live_reads = read_tables(captured.captured_queries)
        assert len(live_reads) == len(compliance.RULES)
        assert all("'2026-10-31 00:00:00+08:00'" in sql for sql in live_reads)
    mine = stored[0][salesperson.pk]
    assert mine["file"] == (5, 4)  # the hand-worked figures (test_compliance)
    assert stored[3][date(2026, 10, 5)]["file"] == (3, 2)  # theirs of the week's (4, 2)


def test_compliance_splits_stored_and_live_days(october, director):  # noqa: F811
    scope = scope_for(director, {})
    live = compliance_figures(scope, OCTOBER, NOW)
    jobs.daily_figures(now=at(2026, 10, 13, 1, 25))  # stores up to 12 October
    assert compliance_figures(scope, OCTOBER, NOW) == live


def test_pipeline_counts_plus_the_days_changes(march, director, salesperson, teammate):
    scope = scope_for(director, {})
    live = figures.pipeline_by_team(scope.people), figures.pipeline(scope.ids)
    jobs.daily_figures(now=at(2026, 4, 15, 1, 25))
    assert PipelineCount.objects.exists()
    assert (figures.pipeline_by_team(scope.people), figures.pipeline(scope.ids)) == live
    # After the count: one customer changes class and owner, one is saved unchanged, one
    # is created.
    customer = Customer.objects.filter(owner=salesperson).order_by("pk").first()
    customer.pipeline_class = PipelineClass.KEY
    customer.owner = teammate
    customer.save()
    Customer.objects.filter(owner=teammate).order_by("pk").first().save()
    b.customer(teammate, entered=at(2026, 4, 15, 9), due=end_of(2026, 4, 17))
    counted = figures.class_counts(scope.ids)
    DailyFiguresState.objects.filter(pk=1).update(pipeline_counted_at=None)
    assert counted == figures.class_counts(scope.ids)  # the live count
    stored_only = {(person, cls): n for person, cls, n in PipelineCount.objects.values_list(
        "person_id", "pipeline_class", "customers")}  # fmt: skip
    assert counted != stored_only  # the day's changes were applied
