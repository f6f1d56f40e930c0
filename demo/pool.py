"""Demo pool rules (公海规则) for `make run`: runs last.

Two salespeople each get a customer they have not followed up for almost the whole period
of its rule (the file says it returns to the pool in 2 working days, the worklist lists it)
and one they lost: the pool job runs at `now` and returns it, so the pool page shows when,
why and from whom. A manager locks one of their team's most advanced customers. Everything
goes through the services. Runs only while no customer has returned by the pool rules.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from customers import recycling, services
from customers.models import Customer, PipelineClass, RecycleRule, SourceChannel
from salescrm import people
from salescrm import selectors as salescrm_selectors
from salescrm.history import acting_as
from salescrm.models import User
from salescrm.roles import Role

NAMES = [
    ("宁波海天广告有限公司", "温州东瓯传媒有限公司"),
    ("嘉兴南湖文化发展有限公司", "台州椒江商贸有限公司"),
]


@transaction.atomic
def seed_pool(*, now: datetime | None = None) -> dict:
    """Files about to return, returned files and a locked customer; returns counts."""
    now = now or timezone.now()
    if Customer.objects.filter(return_reason="recycled").exists():
        return {"customers returned to the pool": 0}
    rule = RecycleRule.objects.filter(
        pipeline_class=PipelineClass.UNCLASSIFIED, active=True
    ).first()
    sellers = list(
        User.objects.filter(role=Role.SALESPERSON, is_active=True, team__isnull=False).order_by(
            "pk"
        )[:2]
    )
    if rule is None or not sellers:
        return {"customers returned to the pool": 0}
    today = timezone.localdate(now)
    calendar = salescrm_selectors.work_calendar(today=today)
    tz = timezone.get_current_timezone()
    last_day = calendar.add_working_days(today, 2)
    soon = datetime.combine(calendar.add_working_days(last_day, -rule.working_days), time(10), tz)
    lost = datetime.combine(calendar.add_working_days(today, -rule.working_days - 3), time(10), tz)
    for seller, (about_to_return, returned) in zip(sellers, NAMES, strict=False):
        for name, moment in ((about_to_return, soon), (returned, lost)):
            with acting_as(seller):
                services.customer_create(
                    actor=seller,
                    data={
                        "name": name,
                        "source": SourceChannel.INTERNET,
                        "collected_on": timezone.localdate(moment),
                    },
                    contact_people=[],
                    now=moment,
                )
    locked = 0
    key = (
        Customer.objects.filter(
            owner__in=sellers, pipeline_class__in=[PipelineClass.KEY, PipelineClass.PROGRESSING]
        )
        .order_by("pk")
        .first()
    )
    manager = people.manager_of(key.owner) if key else None
    if manager is not None:
        with acting_as(manager):
            recycling.lock(
                customer=key,
                actor=manager,
                until=calendar.add_working_days(today, 40),
                reason="重点客户, 年度框架协议谈判中",
            )
        locked = 1
    counts = recycling.pool_returns(now=now)
    return counts | {"customers locked out of the pool": locked}
