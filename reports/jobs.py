"""The daily_figures job: each salesperson's report figures per local day, kept so a long
period (a quarter, a year) adds up a few thousand stored rows instead of scanning the live
tables. Set-based and idempotent: the days it covers are recomputed with grouped queries
and replaced in one transaction; a run records itself like every job (salescrm.jobs)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from customers.models import Customer
from reports.models import DailyFigures, DailyFiguresState
from reports.selectors import COUNTED, live_figures

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
        state.refreshed_through = today - timedelta(days=1)
        state.refreshed_at = now
        state.save(update_fields=["refreshed_through", "refreshed_at"])
    return {"days": (today - first).days, "rows": len(rows)}
