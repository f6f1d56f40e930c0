"""The collections (回款) card of the home page, for the salesperson (their own), the manager
(their team), the director and finance (the company): collected by month against the
collection targets, as a server-drawn chart with its data table, this month and this
quarter against target, and what is overdue by age."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from reports import charts, collections, figures
from reports.periods import period_for
from reports.scope import scope_for
from salescrm.models import User
from salescrm.permissions import Capability, can, can_any

MONTHS = 6


def _share(done: Decimal, target: Decimal) -> Decimal | None:
    return (done * 100 / target).quantize(Decimal("1")) if target else None


def panel(user: User, *, today: date, now: datetime) -> dict | None:
    """The card's figures, or None for whoever sees no money (constant queries)."""
    if not can_any(
        user, Capability.SELL, Capability.MANAGE_TEAM, Capability.SEE_COMPANY, Capability.COLLECT
    ):
        return None
    try:
        scope = scope_for(user, {}, money=True)
    except Http404:  # a manager without a team
        return None
    ids = scope.ids
    quarter = period_for("quarter", today)
    months = sorted(set(figures.last_months(today, MONTHS)) | {quarter.start})
    months = [month for month in months if month <= today]
    got = collections.collected_by_month(ids, months)
    targets = collections.targets_by_month(scope, months, people_only=can(user, Capability.SELL))
    shown = months[-MONTHS:]
    chart = charts.bar_chart(
        "collected-by-month",
        _("Collected by month against target (CNY)"),
        [(f"{month:%y-%m}", got[month]) for month in shown],
        targets=[targets[month] for month in shown],
        value_heading=_("Collected (CNY)"),
    )
    this_month = today.replace(day=1)
    in_quarter = [month for month in months if month >= quarter.start]
    quarter_got = sum((got[month] for month in in_quarter), Decimal("0.00"))
    quarter_target = sum((targets[month] for month in in_quarter), Decimal("0.00"))
    aged = collections.ageing(ids, today=today, now=now, by="salesperson")
    buckets = [
        (heading, sum((row[key] for row in aged.values()), Decimal("0.00")))
        for key, heading, _low, _high in collections.BUCKETS
    ]
    return {
        "chart": chart,
        "rows": [(month, got[month], targets[month]) for month in shown],
        "month": (
            got[this_month],
            targets[this_month],
            _share(got[this_month], targets[this_month]),
        ),
        "quarter": (quarter_got, quarter_target, _share(quarter_got, quarter_target)),
        "ageing": buckets,
        "overdue": sum((amount for _heading, amount in buckets), Decimal("0.00")),
    }
