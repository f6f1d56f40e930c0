"""Demo customers for `make run` (SPEC "Running it"): about 300 files in every state.

Every file is made and moved through customers.services, in time order, with
explicit `now=` moments spread over the last six weeks, so identity keys,
deadlines, class changes, assignments, claims, history and inbox notifications
are what six weeks of real use would have left. Deterministic for a given
`now` and seed. Runs only while there are no customers at all.

Here the salespeople enter, complete and classify their files and the managers
assign the pool's event leads; demo.customers_files invents the companies and
demo.customers_checks adds the managers' checks, the ownership claims and the
escalations.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db import connection

from customers import services
from customers.models import (
    CheckState,
    ContactPerson,
    Customer,
    IdentityKey,
    OwnershipClaim,
    PipelineClass,
    SourceChannel,
)
from demo.base import CUSTOMERS_LOCK, TEAM_OF, Seeder, seed_once
from demo.customers_checks import ChecksAndClaims
from demo.customers_files import REGIONS, Companies, File
from demo.names import SURNAMES
from salescrm.history import acting_as
from salescrm.models import User
from salescrm.roles import Role

SEED = 20250601
WINDOW_DAYS = 42  # six weeks of history
# Files each demo salesperson collected in the window (ability shows); the pool adds 40.
COLLECTED = {"sales1": 52, "sales2": 44, "sales3": 32, "sales4": 48, "sales5": 36, "sales6": 44}

C = PipelineClass
ContactPersonData = services.ContactPersonData

# --- what the salespeople write ---------------------------------------------------------

_CLASS_REASONS = {
    C.TRACKING: (
        "已建立联系，有初步兴趣，发了媒体资料。",
        "展会上交换了名片，对户外广告感兴趣。",
        "Interested after the first call; sent the media kit.",
    ),
    C.POTENTIAL: (
        "有明确投放需求和预算，正在比较供应商。",
        "约到市场总监，下周面谈。",
        "Confirmed budget for next quarter.",
    ),
    C.PROGRESSING: (
        "已提交初步方案，客户在内部评审。",
        "报价已发，等待反馈。",
        "Second meeting held; proposal under review.",
    ),
    C.KEY: (
        "预算超过50万，决策人已参与，重点跟进。",
        "老板亲自过问，列为重点客户。",
        "Large annual budget, decision maker engaged.",
    ),
    C.LETTER_OF_INTENT: (
        "已签意向书，合同条款在法务审核。",
        "意向书已盖章，等待正式合同。",
        "Letter of intent signed; contract is with their legal team.",
    ),
}
_RANK = {cls: n for n, cls in enumerate(PipelineClass.values)}
_DEMOTION_REASON = "预算推迟到明年，暂时降为跟踪。"

# --- where the files come from ----------------------------------------------------------

_SOURCE_DETAILS = {
    SourceChannel.INDUSTRY_PRESS: (
        "《中国广告》月刊 品牌投放榜", "《新零售》杂志 新店专栏", "Campaign Asia-Pacific",
    ),
    SourceChannel.INTERNET: (
        "大众点评 新店榜", "公司官网", "企业信用信息公示系统查询", "Search: new store openings",
    ),
    SourceChannel.INDUSTRY_ASSOCIATION: (
        "市连锁经营协会会员名录", "餐饮行业商会年会", "European Chamber member list",
    ),
    SourceChannel.LEADING_COMPANY: ("区域门店数前十品牌", "Top 10 regional tea brands"),
    SourceChannel.MALL_BRAND_LIST: (
        "购物中心品牌导览", "新开业购物中心 招商名单", "Mall directory, new tenants",
    ),
    SourceChannel.PARTNER_REFERRAL: ("合作伙伴 星辰印务 推荐", "Referred by our event partner"),
    SourceChannel.COMPANY_DATA: ("公司客户库（往年展会名单）", "老客户名单复查"),
    SourceChannel.COMPETING_MEDIA: (
        "竞品楼宇屏在投品牌", "地铁灯箱 竞品投放观察", "Seen on a competitor's bus shelters",
    ),
    SourceChannel.OTHER: ("客户主动来电咨询", "Walk-in after seeing our billboard"),
}  # fmt: skip
# Everything but trade shows (planned per team) and marketing events (the pool), with weights.
_SOURCES = (
    (SourceChannel.INTERNET, 16), (SourceChannel.INDUSTRY_PRESS, 7),
    (SourceChannel.INDUSTRY_ASSOCIATION, 8), (SourceChannel.LEADING_COMPANY, 6),
    (SourceChannel.MALL_BRAND_LIST, 10), (SourceChannel.PARTNER_REFERRAL, 10),
    (SourceChannel.COMPANY_DATA, 8), (SourceChannel.COMPETING_MEDIA, 6), (SourceChannel.OTHER, 4),
)  # fmt: skip
_TRADE_SHOWS = {"east": "上海国际广告技术设备展览会", "south": "深圳国际品牌连锁加盟展"}
_EVENTS = {
    "east": ("{year} 品牌增长沙龙·上海站", "新零售广告投放研讨会（杭州）"),
    "south": ("{year} 湾区品牌营销峰会（深圳）", "餐饮连锁品牌推广交流会（广州）"),
}

# --- plan -------------------------------------------------------------------------------


def seed_customers(*, now: datetime | None = None, seed: int = SEED) -> dict:
    """Create the demo customers unless any customer exists; returns counts for the log."""
    return seed_once(_Seeder, now=now, seed=seed)


class _Seeder(ChecksAndClaims, Seeder):
    lock = CUSTOMERS_LOCK
    roles = (Role.SALESPERSON, Role.MANAGER)
    nothing = {"customers created": 0}

    def __init__(self, *, now: datetime, rng: random.Random, users: dict[str, User]):
        super().__init__(now=now, rng=rng, users=users)
        self.days = [  # working days of the window that had begun by `now`
            day
            for n in range(WINDOW_DAYS, -1, -1)
            if self.calendar.is_working_day(day := self.today - timedelta(days=n))
            and self._at(day, time(9, 30)) < now
        ]
        self.sales = [users[u] for u in COLLECTED]
        self.region = {u.pk: REGIONS[TEAM_OF[u.username]] for u in users.values()}
        self.files: list[File] = []
        self.companies = Companies(rng)
        self.claims: dict[str, OwnershipClaim] = {}

    @classmethod
    def seeded(cls) -> bool:
        return Customer.objects.exists()

    # --- time -------------------------------------------------------------------------

    def _in_day(self, day: date, start=time(9), end=time(18, 30)) -> datetime:
        """A random moment of `day` between `start` and `end`, always before `now`."""
        lo, hi = self._at(day, start), min(self._at(day, end), self.now - timedelta(minutes=10))
        return lo + (hi - lo) * self.rng.random() if hi > lo else hi

    def _between(self, lo: datetime, hi: datetime) -> datetime:
        """A working-hours moment between `lo` and `hi` when there is one."""
        days = [
            lo.date() + timedelta(days=n)
            for n in range((hi.date() - lo.date()).days + 1)
            if self.calendar.is_working_day(lo.date() + timedelta(days=n))
        ]
        if not days:
            return lo + (hi - lo) * self.rng.random()
        moment = self._at(self.rng.choice(days), time(9)) + timedelta(
            minutes=self.rng.randrange(570)
        )
        return min(max(moment, lo), hi)

    def _day(self, offset: int) -> date:
        """The working day `offset` (negative) from the latest one, within the window."""
        return self.days[max(offset, -len(self.days))]

    def _soon_after(self, moment: datetime, delay: timedelta) -> datetime:
        """`delay` after `moment`, or half way to `now` if that would be the future."""
        return moment + min(delay, (self.now - moment) / 2)

    def _step(self, at: datetime, actor: User, run: Callable[[datetime], None]) -> None:
        """Plan `run(at)`; a moment not yet come means it has not happened (yet)."""
        if at < self.now:
            super()._step(at, actor, run)

    # --- the plan ---------------------------------------------------------------------

    def _full_data(self, f: File) -> dict:
        c = f.company
        return {
            "name": c.name,
            "source": f.source,
            "source_detail": f.source_detail,
            "collected_on": f.collected_on,
            "phone": c.phone,
            "industry": c.industry,
            "city": c.city,
            "address": c.address,
            "website": c.website,
            "needs": c.needs,
            "notes": c.notes,
            "credit_code": c.credit_code,
            # The English-named companies read English: their documents print in English.
            "language": "en" if c.lang == "en" else "zh-hans",
        }

    def plan(self) -> None:
        for person in self.sales:
            self._plan_collected(person)
        for team_key, manager in sorted(self.managers.items()):
            self._plan_pool(team_key, manager)
        self._plan_claims()
        self._plan_checks()
        for person in self.sales:
            self._plan_classes(person)
        self._plan_threads()

    def _plan_collected(self, person: User) -> None:
        rng, days = self.rng, self.days
        cities = self.region[person.pk]
        show_day = self._day(-21 if self.team_key[person.pk] == "east" else -7)
        show = f"{_TRADE_SHOWS[self.team_key[person.pk]]} {show_day.year}"
        channels, weights = zip(*_SOURCES, strict=True)
        for _n in range(COLLECTED[person.username]):
            company = self.companies.new(cities)
            if rng.random() < 0.22:  # at the trade show; typed in then or the next day
                source, detail, collected_on = SourceChannel.TRADE_SHOW, show, show_day
                entry_day = show_day
                if rng.random() < 0.4 and show_day != days[-1]:
                    entry_day = days[days.index(show_day) + 1]
                entered_at = self._in_day(entry_day, time(10), time(19, 30))
                completion = rng.choices(("on_time", "late", "never"), (65, 15, 20))[0]
            else:
                source = rng.choices(channels, weights)[0]
                detail = self._source_detail(source, company.lang)
                index = rng.randrange(len(days))
                entered_at = self._in_day(days[index])
                back = rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2))
                collected_on = days[max(index - back, 0)]
                completion = rng.choices(
                    ("at_entry", "on_time", "late", "never"), (22, 53, 10, 15)
                )[0]
            self.files.append(
                File(
                    company=company,
                    owner=person,
                    entered_by=person,
                    entered_at=entered_at,
                    collected_on=collected_on,
                    source=source,
                    source_detail=detail,
                    completion=completion,
                    quick_phone=rng.random() < 0.6,
                    quick_contact=source == SourceChannel.TRADE_SHOW and rng.random() < 0.5,
                )
            )
        for f in self.files:
            if f.owner == person:
                self._plan_file(f)

    def _source_detail(self, source: str, lang: str) -> str:
        """A detail in the language of the company when there is one."""
        details = _SOURCE_DETAILS[source]
        same = [d for d in details if d.isascii() == (lang == "en")]
        return self.rng.choice(same or details)

    def _plan_file(self, f: File) -> None:
        """Entry, then completion (on time, late or never) as the file's plan says."""
        self._step(f.entered_at, f.entered_by, partial(self._create, f))
        due = services.completion_due(f.collected_on)
        start = f.entered_at + timedelta(minutes=30)
        if f.completion == "on_time":
            end = due - timedelta(hours=1)
            if end > start:
                self._step(self._between(start, end), f.owner, partial(self._complete, f))
                return
            f.completion = "late"
        if f.completion == "late":
            lo = max(due, start) + timedelta(hours=1)
            moment = self._between(lo, lo + timedelta(days=3))
            self._step(moment, f.owner, partial(self._complete, f))
        elif f.completion == "never" and self.rng.random() < 0.5:
            moment = self._between(start, start + timedelta(days=1))
            self._step(moment, f.owner, partial(self._partial, f))

    def _plan_pool(self, team_key: str, manager: User) -> None:
        """Leads from two marketing events, typed into the pool; some assigned later."""
        older, recent = _EVENTS[team_key]
        plans = [
            (self._day(-19 if team_key == "east" else -14), older, 11, 6),
            (self._day(-5 if team_key == "east" else -4), recent, 9, 4),
        ]
        for event_day, event, leads, assigned in plans:
            entry_day = self.days[self.days.index(event_day) + 1]
            start = self._at(entry_day, time(10, 5))
            batch = []
            for n in range(leads):
                f = File(
                    company=self.companies.new(self.region[manager.pk]),
                    owner=None,
                    entered_by=manager,
                    entered_at=start + timedelta(minutes=3 * n + self.rng.randrange(3)),
                    collected_on=event_day,
                    source=SourceChannel.MARKETING_EVENT,
                    source_detail=event.format(year=event_day.year),
                    completion="pool" if self.rng.random() < 0.8 else "never",
                    quick_phone=True,
                    quick_contact=True,
                )
                self.files.append(f)
                self._step(f.entered_at, manager, partial(self._create, f))
                batch.append(f)
            chosen = batch[:assigned]
            assign_day = self.calendar.add_working_days(entry_day, 1 if event == recent else 2)
            assign_at = self._at(assign_day, time(11, 20))
            if assign_at >= self.now:
                assign_at = self._soon_after(start + timedelta(hours=2), timedelta(hours=3))
            self._step(assign_at, manager, partial(self._assign, chosen))
            for f in chosen:  # the new owner's first moves, resolved when they happen
                f.busy = True
                if f.completion == "never":
                    moment = self._between(
                        assign_at + timedelta(hours=2), assign_at + timedelta(days=2)
                    )
                    self._step(moment, manager, partial(self._complete, f))
                if self.rng.random() < 0.55:
                    path = [C.TRACKING] if self.rng.random() < 0.7 else [C.TRACKING, C.POTENTIAL]
                    self._plan_path(f, path, assign_at)

    def _plan_classes(self, person: User) -> None:
        """Most files unclassified, tracking or potential; fewer progressing, key or LOI."""
        mine = [f for f in self.files if f.owner == person]
        free = [f for f in mine if not f.busy or f.completion == "fixed"]
        quotas = (  # class, share, at least, minimum age in days, needs a complete file
            (C.LETTER_OF_INTENT, 0.04, 1, 14, True),
            (C.KEY, 0.07, 1, 10, True),
            (C.PROGRESSING, 0.11, 2, 6, True),
            (C.POTENTIAL, 0.20, 1, 3, False),
            (C.TRACKING, 0.28, 1, 1, False),
        )
        for cls, share, least, min_age, complete in quotas:
            candidates = [
                f
                for f in free
                if f.target == C.UNCLASSIFIED
                and (self.now - f.entered_at).days >= min_age
                and (not complete or f.completion in ("at_entry", "on_time"))
            ]
            self.rng.shuffle(candidates)
            for f in candidates[: max(least, round(share * len(mine)))]:
                f.target = cls
        ladder = [C.TRACKING, C.POTENTIAL, C.PROGRESSING, C.KEY, C.LETTER_OF_INTENT]
        for f in mine:
            if f.target == C.UNCLASSIFIED:
                continue
            path = ladder[: ladder.index(f.target) + 1]
            if len(path) > 1 and self.rng.random() < 0.4:
                path = path[1:]  # skipped a step
            old = (self.now - f.entered_at).days > 12
            if f.target == C.TRACKING and old and self.rng.random() < 0.15:
                path = [C.POTENTIAL, C.TRACKING]  # a budget slipped
            self._plan_path(f, path, f.entered_at)

    def _plan_path(self, f: File, path: list[str], start: datetime) -> None:
        """Class changes spread between `start` and now, by whoever owns the file then."""
        lo, hi = start + timedelta(hours=3), self.now - timedelta(minutes=30)
        width = (hi - lo) / len(path)
        for n, cls in enumerate(path):
            at = self._between(lo + width * n, lo + width * (n + 1) - timedelta(minutes=5))
            demoted = n > 0 and _RANK[cls] < _RANK[path[n - 1]]
            reason = _DEMOTION_REASON if demoted else self.rng.choice(_CLASS_REASONS[cls])
            self._step(at, f.owner or f.entered_by, partial(self._reclass, f, cls, reason))

    # --- the steps: each runs at its moment, through the services ---------------------

    def _before_step(self, n: int) -> None:
        if n in (50, 400):
            self._analyze()

    @staticmethod
    def _analyze() -> None:
        """Fresh planner statistics for the tables this transaction fills.

        Autovacuum cannot see uncommitted rows: with the statistics of empty tables
        PostgreSQL plans the identity-key lookups as nested loops over every file,
        and the seeding gets quadratic.
        """
        tables = [model._meta.db_table for model in (Customer, IdentityKey, ContactPerson)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))

    def _customer(self, f: File) -> Customer | None:
        if f.pk is None:
            return None
        return Customer.objects.select_related("owner__team").get(pk=f.pk)

    def _create(self, f: File, at: datetime) -> None:
        c = f.company
        if f.completion == "at_entry":
            data, contact_people = self._full_data(f), [c.contact]
        elif f.completion == "pool":  # sign-in sheet and questionnaire of the event
            data = self._full_data(f) | {"website": "", "address": "", "credit_code": ""}
            contact_people = [c.contact]
        else:  # quick capture
            data = {
                "name": c.name,
                "source": f.source,
                "source_detail": f.source_detail,
                "collected_on": f.collected_on,
                "phone": c.phone if f.quick_phone else "",
            }
            contact_people = [c.contact] if f.quick_contact else []
            if f.owner is None:  # an event lead without the questionnaire
                data |= {"industry": c.industry, "city": c.city}
        try:
            customer = services.customer_create(
                actor=f.entered_by,
                data=data,
                contact_people=contact_people,
                to_pool=f.owner is None,
                now=at,
            )
        except services.DuplicateCustomer:
            self.skipped.append(f"duplicate {c.name}")
            return
        f.pk = customer.pk

    def _complete(self, f: File, at: datetime) -> None:
        """The owner completes the file: a reachable contact person and the missing fields."""
        customer = self._customer(f)
        if customer is None or customer.owner is None:
            return
        owner = customer.owner
        with acting_as(owner):
            if not any(c.phone or c.email for c in customer.contact_people.all()):
                contact = f.company.contact
                services.contact_person_save(customer=customer, actor=owner, data=contact, now=at)
            later = at + timedelta(minutes=self.rng.randrange(2, 9))
            services.customer_update(
                customer=customer, actor=owner, data=self._full_data(f), now=later
            )

    def _partial(self, f: File, at: datetime) -> None:
        """Some work on a file that still leaves it incomplete."""
        customer = self._customer(f)
        if customer is None or customer.owner is None:
            return
        owner = customer.owner
        if self.rng.random() < 0.5:
            data = {"industry": f.company.industry, "city": f.company.city}
            services.customer_update(customer=customer, actor=owner, data=data, now=at)
        elif not customer.contact_people.exists():  # only got as far as the front desk
            desk = ContactPersonData(name=f"{self.rng.choice(SURNAMES)[0]}小姐", title="前台")
            services.contact_person_save(customer=customer, actor=owner, data=desk, now=at)

    def _assign(self, files: list[File], at: datetime) -> None:
        customers = [c for c in map(self._customer, files) if c is not None]
        manager = self.managers[self.team_key[files[0].entered_by.pk]]
        services.customers_assign(customers=customers, actor=manager, now=at)

    def _reclass(self, f: File, to_class: str, reason: str, at: datetime) -> None:
        customer = self._customer(f)
        if customer is None or customer.owner is None:
            return
        with acting_as(customer.owner):
            services.customer_change_class(
                customer=customer, actor=customer.owner, to_class=to_class, reason=reason, now=at
            )

    # --- the result -------------------------------------------------------------------

    def counts(self) -> dict:
        customers = Customer.objects.all()
        counts = {
            "customers created": customers.count(),
            "customers in the pool": customers.filter(owner__isnull=True).count(),
            "customer files overdue": customers.filter(
                completed_at__isnull=True, completion_due_at__lt=self.now
            ).count(),
            "customer files returned": customers.filter(check_state=CheckState.RETURNED).count(),
            "ownership claims waiting": OwnershipClaim.objects.filter(
                state=OwnershipClaim.State.PENDING
            ).count(),
            "customers escalated": customers.filter(escalated_at__isnull=False).count(),
        }
        if self.skipped:
            counts["demo steps skipped"] = len(self.skipped)
        return counts
