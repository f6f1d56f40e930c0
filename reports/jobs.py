"""The daily_figures job: each salesperson's report figures per local day, kept so a long
period (a quarter, a year) adds up a few thousand stored rows instead of scanning the live
tables, and each entry day's channel cohort (reports.models.ChannelDay) for the channel
report. Set-based and idempotent: the days it covers are recomputed with grouped queries
and replaced in one transaction; a run records itself like every job (salescrm.jobs)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from customers.models import Customer
from reports import compliance
from reports.channels import cohort
from reports.models import (
    ChannelDay,
    ComplianceDay,
    DailyFigures,
    DailyFiguresState,
    PipelineCount,
)
from reports.selectors import COUNTED, live_figures
from salescrm.workdays import local_midnight

# Days recomputed on each run: a file entered then may be completed (on time) for a few
# working days after; nothing older than this changes a figure in the normal course.
REFRESH_DAYS = 35


def daily_figures(*, now: datetime) -> dict:
    """Store the figures of the days before today (all history on the first run)."""
    today = timezone.localdate(now)
    with transaction.atomic():
        state, _created = DailyFiguresState.objects.select_for_update().get_or_create(pk=1)
        first = today - timedelta(days=REFRESH_DAYS)
        if state.refreshed_through is None:
            earliest = Customer.objects.aggregate(first=Min("collected_on"))["first"]
            first = min(first, earliest) if earliest else first
        rows = live_figures(None, first, today, by_day=True)
        DailyFigures.objects.filter(day__gte=first, day__lt=today).delete()
        DailyFigures.objects.bulk_create(
            [
                DailyFigures(
                    person_id=person_id,
                    day=day,
                    **{key: values[key] for key in [*COUNTED, "days_to_sign"]},
                )
                for (person_id, day), values in rows.items()
            ],
            batch_size=5000,
        )
        channel_days = _rebuild_channel_days(today)
        state.pipeline_counted_at = _count_pipeline()
        compliance_days = _rebuild_compliance_days(today)
        state.refreshed_through = today - timedelta(days=1)
        state.refreshed_at = now
        state.save(update_fields=["refreshed_through", "refreshed_at", "pipeline_counted_at"])
    return {
        "days": (today - first).days,
        "rows": len(rows),
        "channel rows": channel_days,
        "compliance rows": compliance_days,
    }


def _insert(model, columns: str, select: str, queryset, *first_params) -> int:
    """INSERT INTO the model's table SELECT `select` FROM the queryset's query: the rows go
    from one query to the table without passing through Python."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {select} FROM ({sql}) AS q",
            [*first_params, *params],
        )
        return cursor.rowcount


def _rebuild_compliance_days(today) -> int:
    """Replace every ComplianceDay row: per rule, the deadlines before today grouped by the
    person responsible and the deadline's local day (reports.compliance.tallied, the live
    view's own query)."""
    ComplianceDay.objects.all().delete()
    before = local_midnight(today, tz=timezone.get_current_timezone())
    count = 0
    for rule in compliance.RULES:
        rows = compliance.due_in(rule, None, None, before).annotate(local_day=TruncDate(rule.due))
        count += _insert(
            ComplianceDay,
            "rule, day, person_id, due, on_time",
            f"%s, local_day, {rule.person}, due_count, on_time_count",
            compliance.tallied(rule, rows, "local_day"),
            rule.key,
        )
    return count


def _count_pipeline():
    """Replace PipelineCount with the customers per owner and class now; return the
    database clock read just before the count (the changes the dashboards apply on top are
    those recorded in the customers' history from then on)."""
    PipelineCount.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        counted_at = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {PipelineCount._meta.db_table} (person_id, pipeline_class, customers) "
            f"SELECT owner_id, pipeline_class, count(*) FROM {Customer._meta.db_table} "
            "WHERE owner_id IS NOT NULL GROUP BY owner_id, pipeline_class"
        )
    return counted_at


CHANNEL_COLUMNS = ["files", "contacted", "visited", "accepted", "signed", "value"]


def _rebuild_channel_days(today) -> int:
    """Replace every ChannelDay row with how far each day's entries have gone by now: one
    INSERT ... SELECT of the channel report's own grouped query (reports.channels.cohort)
    over the entries before today."""
    entered = Customer.objects.filter(
        entered_at__lt=local_midnight(today, tz=timezone.get_current_timezone())
    ).annotate(local_day=TruncDate("entered_at"))
    ChannelDay.objects.all().delete()
    columns = ", ".join(CHANNEL_COLUMNS)
    return _insert(
        ChannelDay,
        f"day, source, person_id, {columns}",
        f"local_day, source, entered_by_id, {columns}",
        cohort(entered, "local_day", "source", "entered_by_id"),
    )
