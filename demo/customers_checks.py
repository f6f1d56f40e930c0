"""The managers' side of the demo customers: weekly checks, ownership claims, escalations.

Each week the manager checks the team's new files and returns a few for correction;
salespeople claim files someone else holds and the manager decides; escalations get
the manager's guidance. A mixin of the customers' seeder (demo.customers), planned on
its files and run through customers.services like the rest of its steps.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from django.utils import timezone

from customers import identity, services
from customers.models import CheckState, Customer, PipelineClass, SourceChannel
from demo.customers_files import File
from salescrm import people
from salescrm.errors import DomainError
from salescrm.history import acting_as
from salescrm.models import User

C = PipelineClass

# --- what the managers and salespeople write --------------------------------------------

_CHECK_COMMENTS = (
    "本周资料已查，整体完整，展会客户请尽快跟进。",
    "已检查，注意两个工作日内补齐资料。",
    "Checked. Good mix of sources; please complete contacts faster.",
    "Checked — keep adding the decision makers' titles.",
    "已检查，需求描述可以再具体一些。",
)
# What a returned file lacks, in the manager's words.
_MISSING = {
    "industry": "行业",
    "city": "城市",
    "needs": "客户自己说的需求和问题",
    "contact": "能联系上的联系人（电话或邮箱）",
}
_RETURN_REASON = "资料不完整，请补充{missing}后重新提交。"
_DESK_ONLY = "联系人只有前台，请找到市场部负责人。"
_RECHECK_COMMENT = "已补充完整，确认。"
_ESCALATIONS = (
    (
        "客户年度预算约80万，要求独家点位和15%折扣，超出我的权限，请经理支持。",
        "独家点位可以谈，折扣最多给到12%，先约对方市场总监，我周四和你一起去。",
        "收到，已约周四下午见面。",
    ),
    (
        "Their procurement insists on 60-day payment terms; I need your approval before I reply.",
        "Offer 30 days with a 5% deposit; anything longer needs the director. Send me their "
        "last quote so I can see the numbers.",
        "Thanks — sent the quote and their PO template to you by e-mail.",
    ),
    (
        "客户对上次排期延误投诉，情绪较大，需要经理出面沟通。",
        "我明天上午给对方总经理打电话，你先整理一份排期时间表和补偿方案。",
        None,
    ),
    (
        "Large chain (40+ stores) — wants a national package; can you join the next meeting?",
        "Yes. Propose a 4-week test in two cities before the national package; bring the "
        "footfall case from last spring.",
        None,
    ),
)
_GUIDANCE = (
    "先约市场总监见面，带上同商圈的投放案例。",
    "报价不要一次给到底，折扣留一点空间给第二轮谈判。",
    "Propose a 4-week test in two metro stations before the annual package.",
    "客户决策链长，先把采购和市场两边的联系人都补进档案。",
    "Ask for their campaign calendar: if the launch slips, move the booking, don't cancel it.",
    "这个客户适合社区电梯广告，下次拜访带上社区点位图。",
)


class ChecksAndClaims:
    """The managers' checks, the claims and the escalation threads of the customers' seeder.

    Plans on the seeder's files and people with its clock, `_step`, `_complete` and
    `_customer`; keeps the claims it makes in the seeder's `claims`.
    """

    # --- the plan ---------------------------------------------------------------------

    def _pick(self, owner: User, *, before: datetime, where=lambda f: True) -> File:
        """A free file of `owner` entered at least a day before `before`; now taken."""
        candidates = [
            f
            for f in self.files
            if f.owner == owner
            and not f.busy
            and f.entered_at < before - timedelta(days=1)
            and where(f)
        ]
        f = self.rng.choice(candidates)
        f.busy = True
        return f

    def _plan_claims(self) -> None:
        """Two claims decided (owner kept; transferred) and three waiting for the manager."""
        sales = {p.username: p for p in self.sales}
        reasons = {
            "same team": "我上个月在行业协会活动上就和他们的市场总监谈过，有名片和微信记录；"
            "原负责人录入后一直没有联系。",
            "old contact": "I met their brand manager at the trade show last year and still "
            "have the e-mail thread.",
            "referral": "客户是我老客户介绍来的，上周已经电话沟通过投放需求。",
            "same phone": "This number is the marketing manager I have been talking to since "
            "spring; we already sent them a quote.",
        }
        with_phone = lambda f: f.quick_phone or f.completion == "at_entry"  # noqa: E731
        pool = [f for f in self.files if f.owner is None and not f.busy]
        south_pool = [f for f in pool if self.team_key[f.entered_by.pk] == "south"]
        plans = (  # claimant, owner (None: the pool), working days ago, reason, decision
            ("sales3", "sales2", 6, "same team", "transfer"),
            ("sales4", "sales6", 8, "old contact", "keep"),
            ("sales2", "sales1", 2, "referral", None),
            ("sales5", "sales3", 1, "same phone", None),  # across teams: the phone matches
            ("sales6", None, 1, "referral", None),
        )
        for claimant_name, owner_name, days_ago, reason, decision in plans:
            claimant, day = sales[claimant_name], self._day(-days_ago)
            at = self._in_day(day, time(9, 30), time(17))
            if owner_name is None:
                f = south_pool[-1]
                f.busy = True
            else:
                where = with_phone if reason == "same phone" else lambda f: True
                f = self._pick(sales[owner_name], before=at, where=where)
            typed = {"name": f.company.variant}
            if reason == "same phone":
                short = f.company.short
                if ("name", identity.normalize_company_name(short)) not in self.companies.used_keys:
                    typed = {"name": short}
                typed["phone"] = identity.normalize_phone(f.company.phone)
            key = f"{claimant_name} on {f.company.name}"
            self._step(at, claimant, partial(self._claim, key, claimant, f, typed, reasons[reason]))
            if decision:
                decided = self._in_day(self.calendar.add_working_days(day, 1), time(9, 30))
                manager = self.managers[self.team_key[f.owner.pk]]
                self._step(decided, manager, partial(self._decide, key, manager, decision))

    def _plan_checks(self) -> None:
        """Each past week the manager checks the team's new files; a few go back to the owner.

        Last week: two returned per team, one of them (in the first team) corrected and
        resubmitted. Earlier weeks: now and then one returned, corrected, checked again.
        """
        this_monday = self.today - timedelta(days=self.today.weekday())
        mondays = sorted({d - timedelta(days=d.weekday()) for d in self.days} - {this_monday})
        resubmitted_last_week = False
        for team_key, manager in sorted(self.managers.items()):
            for monday in mondays:
                sunday = monday + timedelta(days=6)
                last_week = monday == mondays[-1]
                at = self._at(self.calendar.add_working_days(sunday, 1), time(10))
                if at >= self.now - timedelta(hours=1):  # not yet Monday morning: Friday evening
                    friday = self.calendar.add_working_days(sunday + timedelta(days=1), -1)
                    at = self._at(friday, time(17, 30))
                week = [
                    f
                    for f in self.files
                    if f.owner is not None
                    and self.team_key[f.owner.pk] == team_key
                    and monday <= timezone.localdate(f.entered_at, self.tz) <= sunday
                    and f.entered_at < at
                    and not f.busy
                    and f.completion == "never"
                ]
                self.rng.shuffle(week)
                returned, owners = [], set()
                wanted = 2 if last_week else int(self.rng.random() < 0.6)
                for f in week:
                    if f.owner.pk not in owners and len(returned) < wanted:
                        owners.add(f.owner.pk)
                        returned.append(f)
                        f.busy = True
                self._step(at, manager, partial(self._check, manager, monday, returned))
                for f in returned:
                    if last_week:
                        if resubmitted_last_week:
                            continue
                        resubmitted_last_week = True
                        fix = self._soon_after(at, timedelta(hours=20))
                    else:
                        fix = self._between(at + timedelta(hours=18), at + timedelta(days=2))
                    f.completion = "fixed"
                    self._step(fix, f.owner, partial(self._complete, f))
                    resubmit = self._soon_after(fix, timedelta(minutes=10))
                    self._step(resubmit, f.owner, partial(self._resubmit, f))
                    if not last_week:
                        recheck = self._between(
                            resubmit + timedelta(hours=2), resubmit + timedelta(days=2)
                        )
                        self._step(recheck, manager, partial(self._recheck, manager, f))

    def _plan_threads(self) -> None:
        """Escalations with the manager's guidance (and replies); daily guidance for everyone."""
        people = [p for p in self.sales if p.username in ("sales1", "sales2", "sales4", "sales5")]
        for n, (person, texts) in enumerate(zip(people, _ESCALATIONS, strict=True)):
            f = self._pick_target(person, (C.KEY, C.LETTER_OF_INTENT, C.PROGRESSING))
            manager = self.managers[self.team_key[person.pk]]
            escalated = self._in_day(self._day(-2 - n % 3), time(10), time(16))
            guided = escalated + timedelta(hours=2, minutes=self.rng.randrange(90))
            escalation, guidance, reply = texts
            self._step(escalated, person, partial(self._note, f, "escalation", escalation))
            self._step(guided, manager, partial(self._note, f, "guidance", guidance))
            if reply:
                replied = guided + timedelta(minutes=50)
                self._step(replied, person, partial(self._note, f, "comment", reply))
        for person, text in zip(self.sales, _GUIDANCE, strict=True):
            f = self._pick_target(person, (C.POTENTIAL, C.PROGRESSING, C.KEY))
            manager = self.managers[self.team_key[person.pk]]
            at = self._in_day(self._day(-1), time(8, 40), time(9, 40))
            self._step(at, manager, partial(self._note, f, "guidance", text))

    def _pick_target(self, person: User, classes) -> File:
        candidates = [
            f for f in self.files if f.owner == person and f.target in classes and not f.busy
        ]
        f = self.rng.choice(candidates)
        f.busy = True
        return f

    # --- the steps --------------------------------------------------------------------

    def _claim(self, key, claimant: User, f: File, typed: dict, reason: str, at) -> None:
        """The claimant types the customer in, is told it is on file, and claims it."""
        if f.pk is None:
            return
        data = typed | {"source": SourceChannel.PARTNER_REFERRAL, "collected_on": at.date()}
        try:
            services.customer_create(actor=claimant, data=data, now=at)
        except services.DuplicateCustomer as duplicate:
            existing = duplicate.existing
        else:  # cannot happen: the plan copies the file's name or phone
            raise DomainError(f"{typed} was not recognised as {f.company.name}")
        self.claims[key] = services.claim_file(
            customer=existing, claimant=claimant, reason=reason, now=at
        )

    def _decide(self, key: str, manager: User, decision: str, at: datetime) -> None:
        claim = self.claims.get(key)
        if claim is None:
            return
        comment = (
            "原负责人录入后三周没有跟进，申请人已有实质沟通，转给申请人。"
            if decision == "transfer"
            else "The file was recorded first and the owner is following it up: the owner keeps it."
        )
        services.claim_decide(
            claim=claim, actor=manager, transfer=decision == "transfer", comment=comment, now=at
        )

    def _check(self, manager: User, monday: date, returned: list[File], at: datetime) -> None:
        """The manager's weekly check: some files back for correction, the rest checked."""
        for f in returned:
            customer = self._customer(f)
            if customer is not None and customer.check_state == CheckState.PENDING:
                reason = self._return_reason(customer)
                services.file_return(customer=customer, actor=manager, reason=reason, now=at)
        start = self._at(monday, time(0))
        waiting = Customer.objects.filter(
            owner__team_id=manager.team_id,
            entered_at__gte=start,
            entered_at__lt=min(start + timedelta(days=7), at),
            check_state=CheckState.PENDING,
        ).order_by("owner_id", "pk")
        by_owner: dict[int, list[Customer]] = {}
        for customer in waiting:
            by_owner.setdefault(customer.owner_id, []).append(customer)
        for files in by_owner.values():
            comment = self.rng.choice(_CHECK_COMMENTS)
            services.files_mark_checked(customers=files, actor=manager, comment=comment, now=at)

    @staticmethod
    def _return_reason(customer: Customer) -> str:
        contact_people = list(customer.contact_people.all())
        missing = [
            label
            for name, label in _MISSING.items()
            if name != "contact" and not getattr(customer, name)
        ]
        if not any(c.phone or c.email for c in contact_people):
            if contact_people and not missing:
                return _DESK_ONLY
            missing.append(_MISSING["contact"])
        return _RETURN_REASON.format(missing="、".join(missing))

    def _resubmit(self, f: File, at: datetime) -> None:
        customer = self._customer(f)
        if customer is not None:
            with acting_as(customer.owner):
                services.file_resubmit(customer=customer, actor=customer.owner, now=at)

    def _recheck(self, manager: User, f: File, at: datetime) -> None:
        customer = self._customer(f)
        if customer is not None:
            services.files_mark_checked(
                customers=[customer], actor=manager, comment=_RECHECK_COMMENT, now=at
            )

    def _note(self, f: File, kind: str, body: str, at: datetime) -> None:
        customer = self._customer(f)
        if customer is None:
            return
        actor = people.manager_of(customer.owner) if kind == "guidance" else customer.owner
        with acting_as(actor):
            services.note_add(customer=customer, actor=actor, kind=kind, body=body, now=at)
