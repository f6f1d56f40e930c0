"""Demo data for the reports: what each source channel cost in the last six months, and
monthly signed-value targets for the demo salespeople and teams (set by their manager,
the teams' by the director), so the channel table and the target lines have numbers."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import SourceChannel
from reports.models import ChannelCost, RevenueTarget
from reports.periods import add_months
from salescrm import people
from salescrm.models import User

MONTHS = 6
# Monthly cost range per channel in CNY (trade-show fees, directory subscriptions, events).
COSTS = {
    SourceChannel.TRADE_SHOW: (30000, 60000, "展位费与搭建"),
    SourceChannel.INDUSTRY_PRESS: (3000, 6000, "行业期刊订阅"),
    SourceChannel.INTERNET: (5000, 12000, "企业名录网站会员"),
    SourceChannel.INDUSTRY_ASSOCIATION: (2000, 4000, "协会会费"),
    SourceChannel.MALL_BRAND_LIST: (1500, 3000, "商场品牌名录"),
    SourceChannel.MARKETING_EVENT: (15000, 30000, "沙龙场地与茶歇"),
}
TARGET_PER_PERSON = (60000, 150000)
COLLECTION_SHARE = Decimal("0.8")


def _collection(signed: Decimal) -> Decimal:
    """The month's collection target (回款): most of what is signed is paid in the month."""
    return (signed * COLLECTION_SHARE).quantize(Decimal("1"))


@transaction.atomic
def seed_report_data(*, now: datetime | None = None, seed: int = 12) -> dict:
    """Channel costs and revenue targets for the last MONTHS months, unless any exist."""
    if ChannelCost.objects.exists() or RevenueTarget.objects.exists():
        return {"channel costs created": 0, "revenue targets created": 0}
    now = now or timezone.now()
    rng = random.Random(seed)
    this_month = timezone.localdate(now).replace(day=1)
    months = [add_months(this_month, -back) for back in range(MONTHS - 1, -1, -1)]
    costs = [
        ChannelCost(
            channel=channel, month=month, amount=Decimal(rng.randrange(low, high, 500)), note=note
        )
        for month in months
        for channel, (low, high, note) in COSTS.items()
    ]
    ChannelCost.objects.bulk_create(costs)
    salespeople = list(people.all_salespeople().select_related("team"))
    managers = people.managers_of(salespeople)
    director = people.directors().first()
    targets, team_totals = [], {}
    for month in months:
        for person in salespeople:
            amount = Decimal(rng.randrange(*TARGET_PER_PERSON, 5000))
            setter: User | None = managers.get(person.team_id) or director
            if setter is None:
                continue
            targets.append(
                RevenueTarget(
                    person=person,
                    month=month,
                    amount=amount,
                    collection_amount=_collection(amount),
                    set_by=setter,
                    set_at=now,
                )
            )
            key = (person.team_id, month)
            team_totals[key] = team_totals.get(key, Decimal(0)) + amount
    if director is not None:
        targets += [
            RevenueTarget(
                team_id=team_id,
                month=month,
                amount=total,
                collection_amount=_collection(total),
                set_by=director,
                set_at=now,
            )
            for (team_id, month), total in team_totals.items()
            if team_id is not None
        ]
    RevenueTarget.objects.bulk_create(targets)
    return {"channel costs created": len(costs), "revenue targets created": len(targets)}
