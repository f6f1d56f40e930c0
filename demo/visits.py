"""Demo contacts, visit slips and visit logs for `make run` (SPEC "Running it").

Runs after demo.customers: the owners make their first contacts (most in time, a
few recently assigned still to do, a few past the 7-day deadline), then each
salesperson visits customers over the last four weeks, at their own pace, so the
week's visit counts differ. Every slip is made and moved through visits.services
in time order, with explicit `now=` moments, so what the pages show is what four
weeks of real use would have left: slips in every state for every salesperson
(drafts, one sent back by the manager, waiting for approval, approved for later
today and tomorrow, out now, one late and one with a late notice per team,
returned with the log written, still due or overdue, cancelled, revisits with the
pre-visit report). Deterministic for a given `now` and seed. Runs only while there
are no contact records and no visit slips at all, and only when some customers were
assigned in the last four weeks (demo customers seeded long ago cannot carry them).
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db.models import F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from customers import identity
from customers import services as customer_services
from customers.models import ClassChange, Customer, CustomerNote, IdentityKey, PipelineClass
from demo.base import VISITS_LOCK, Seeder, seed_once
from demo.names import EN_FIRST, EN_TITLES, GIVEN, MOBILE_PREFIXES, SURNAMES, ZH_TITLES
from salescrm import notifications, selectors
from salescrm.models import User
from salescrm.roles import Role
from visits import services
from visits.models import Channel, ContactRecord, SlipState, VisitLog, VisitSlip

SEED = 20250618
WINDOW_DAYS = 28  # four weeks of visits
# Visits a day each demo salesperson makes (ability shows): this week some are near the
# weekly target of 10, some well below.
VISITS_PER_DAY = {
    "sales1": 2.8, "sales2": 1.9, "sales3": 0.8, "sales4": 2.5, "sales5": 1.2, "sales6": 1.7,
}  # fmt: skip
# A busy week for some: by midweek they are close to the target, the others well below it.
THIS_WEEK_PER_DAY = {"sales1": 3.6, "sales2": 2.8, "sales4": 3.4}
# Departure and minutes out: at most four visits a day.
SLOTS = ((time(9, 0), 100), (time(10, 55), 95), (time(13, 50), 110), (time(15, 55), 95))
# Per team, by username: the slip each salesperson has out right now.
OUT_NOW = ("late_notice", "out", "late")

C = PipelineClass
S = SlipState
_LADDER = [C.UNCLASSIFIED, C.TRACKING, C.POTENTIAL, C.PROGRESSING, C.KEY, C.LETTER_OF_INTENT]
# Who gets visited: the further along, the more often.
_VISIT_WEIGHT = {
    C.UNCLASSIFIED: 1, C.TRACKING: 2, C.POTENTIAL: 4, C.PROGRESSING: 6, C.KEY: 7,
    C.LETTER_OF_INTENT: 5, C.SIGNED: 2,
}  # fmt: skip

# --- what the salespeople write ---------------------------------------------------------

_FIRST_CONTACT = {
    "zh": (
        (Channel.PHONE, "首次电话联系市场部，介绍了楼宇电梯和地铁媒体，对方有兴趣。"),
        (Channel.PHONE, "电话联系到负责人，简单了解了今年的投放计划，约定下周再沟通。"),
        (Channel.PHONE, "打通了前台电话，转到市场部，留了微信，对方答应看资料后回复。"),
        (Channel.EMAIL, "发送了公司介绍和媒体资料册，请对方确认收到。"),
        (Channel.WEBSITE, "通过官网在线客服留言，对方市场专员回电，要了价目表。"),
        (Channel.POST, "按对方要求邮寄了印刷版资料册和点位图。"),
    ),
    "en": (
        (Channel.PHONE, "First call with marketing: introduced our elevator and metro media; "
         "they asked for the media kit."),
        (Channel.PHONE, "Reached the brand manager; they plan a campaign next quarter and will "
         "talk again next week."),
        (Channel.EMAIL, "Sent our company brochure and rate card; asked them to confirm receipt."),
        (Channel.WEBSITE, "Left a message through their website; their marketing assistant "
         "called back and asked for prices."),
    ),
}  # fmt: skip
_FOLLOW_UP = {
    "zh": (
        ("对方确认收到资料册，正在和另外两家媒体比较。", {"receipt_confirmed": True}),
        ("发了印刷版方案，附上同商圈的投放案例。", {"proposal_sent": True}),
        ("微信跟进，对方说预算要等下个月才定。", {}),
        ("寄出公司宣传册，电话确认已签收。", {"brochure_sent": True, "receipt_confirmed": True}),
    ),
    "en": (
        ("They confirmed receipt of the brochure; comparing us with two other media.",
         {"receipt_confirmed": True}),
        ("Sent the printed proposal with two retail case studies.", {"proposal_sent": True}),
        ("Follow-up call: budget decision expected next month.", {}),
    ),
}  # fmt: skip
_FIRST_FLAGS = ({}, {"brochure_sent": True}, {}, {"brochure_sent": True, "proposal_sent": True})
_BOOKING = {
    "zh": ("电话约好{when}上门拜访，当面介绍投放方案。",
           "和对方市场总监约了{when}见面，谈下季度排期。"),
    "en": ("Booked a visit for {when} to walk them through the proposal.",
           "Meeting agreed with their marketing director for {when}."),
}  # fmt: skip
_PLANS = {
    "zh": (
        "拜访市场部负责人，了解下季度投放计划，介绍楼宇电梯和地铁点位。",
        "带上同行业投放案例，争取拿到报价机会。",
        "送印刷版方案，当面讲解点位和排期。",
        "了解新店开业计划，推荐商圈周边的户外组合。",
        "见老板本人，确认预算范围和决策流程。",
    ),
    "en": (
        "Meet the marketing manager: learn their plans for next quarter, present metro and "
        "elevator packages.",
        "Walk through the printed proposal and the schedule.",
        "Bring retail case studies; aim for a request for a quote.",
        "Meet the decision maker; confirm budget range and how they decide.",
    ),
}  # fmt: skip
_PRE_VISIT = {
    "zh": (
        {
            "recent_status": "上次拜访后已发报价，对方在内部评审。",
            "purpose": "听取评审意见，调整方案。",
            "objectives": "拿到明确的预算范围和决策时间。",
            "likely_issues": "价格偏高；竞争媒体在压价。",
        },
        {
            "recent_status": "客户确认收到方案，对点位有疑问。",
            "purpose": "带点位图现场讲解，解答疑问。",
            "objectives": "确定首期投放的点位和时间。",
            "likely_issues": "对方希望免费换画，超出标准条款。",
        },
        {
            "recent_status": "上次见了市场经理，老板还没表态。",
            "purpose": "争取和老板直接见面。",
            "objectives": "让老板认可投放方向，推进到意向书。",
            "likely_issues": "老板更相信线上投放，需要数据说服。",
        },
    ),
    "en": (
        {
            "recent_status": "Quote sent after the last visit; under review by their team.",
            "purpose": "Hear their feedback and adjust the plan.",
            "objectives": "A budget range and a decision date.",
            "likely_issues": "Price above their budget; a competitor is offering discounts.",
        },
        {
            "recent_status": "They received the proposal and asked about the slots.",
            "purpose": "Show the slot map and answer their questions.",
            "objectives": "Agree the slots and dates of a first campaign.",
            "likely_issues": "They want free artwork changes beyond the standard terms.",
        },
    ),
}
_REJECTIONS = (
    "这个客户上周刚拜访过，先电话跟进，下周再去。",
    "计划写得太笼统：写清楚要见谁、要拿到什么结果。",
    "Bring the draft proposal on this visit; resubmit when it is ready.",
    "先把客户档案补完整（决策人和需求），再安排拜访。",
    "Same time as the team meeting: move it to the afternoon.",
)
_CANCELS = (
    "客户临时有会，改期。",
    "The marketing manager is travelling this week; postponed.",
    "客户要求先发资料，暂不见面。",
    "对方负责人请假，下周再约。",
)
_LATE_NOTICES = (
    "客户会议延长，老板要一起看方案，晚一小时回公司。",
    "Meeting ran over: their director joined. Back about an hour late.",
    "堵车，预计晚四十分钟回到公司。",
)
_NOTES = {
    "zh": (
        "介绍了楼宇电梯和地铁点位，对方对写字楼午餐时段很感兴趣，问了价格和最短投放周期。",
        "对方拿出了去年的投放数据，觉得线上成本越来越高，想试一试户外。重点关心监测报告。",
        "当面讲解了方案和排期，对方认可点位，但希望价格再优惠一些，折扣要请示。",
        "见面时间不长，对方比较忙，留下了资料，约好下周电话沟通。",
        "客户带我们看了新店位置，希望周边三公里集中曝光，开业前两周上刊。",
    ),
    "en": (
        "Presented elevator and metro slots; they liked lunchtime office-tower screens and "
        "asked about prices and the shortest run.",
        "They showed last year's figures: online costs keep rising, so they want to try "
        "outdoor. Proof of posting matters to them.",
        "Walked through the proposal and schedule; they accept the slots but push on price.",
        "Short meeting, they were busy; left the media kit and agreed a call next week.",
    ),
}
_OUTCOMES = {
    "zh": ("对方同意下周给出预算范围。", "约定发正式方案和报价。", "需要老板拍板，暂无结论。",
           "同意先做四周测试投放。"),
    "en": ("They will give a budget range next week.", "Agreed that we send a formal proposal.",
           "No decision yet: the owner decides.", "Agreed to a four-week test campaign."),
}  # fmt: skip
_NEXT_STEPS = {
    "zh": ("发送正式方案和报价。", "电话跟进评审结果。", "约老板第二次面谈。",
           "准备测试投放的排期表。"),
    "en": ("Send the formal proposal and quote.", "Call to follow up on their review.",
           "Book a second meeting with the owner.", "Prepare the test campaign schedule."),
}  # fmt: skip
_MORE_NEEDS = {
    "zh": "希望投放有数据可查，最好能按商圈分开统计。",
    "en": "Wants proof of posting and footfall figures by district.",
}
_APPLIED_REASON = "Suggested by the visit log of %(day)s"  # as visits.services words it


# --- plan -------------------------------------------------------------------------------


@dataclass
class _Target:
    """An owned customer: when it could first be visited, and its visits so far."""

    customer: Customer
    lang: str
    first_event: datetime | None  # first class change or note since the assignment
    contact_names: list[str]
    first_contact: datetime | None = None
    visits: list[_Visit] = field(default_factory=list)

    @property
    def ready(self) -> datetime | None:
        """From when a visit may be planned: contacted, and the file complete."""
        completed = self.customer.completed_at
        if self.first_contact is None or completed is None:
            return None
        return max(self.first_contact, completed)


@dataclass
class _Visit:
    """One planned slip and where it ends up."""

    target: _Target
    person: User
    departure: datetime
    expected: datetime
    created: datetime
    end: str  # returned, cancelled, departed, approved, submitted, draft, rejected
    revisit: bool = False
    returned: datetime | None = None
    cancelled: datetime | None = None
    kind: str = ""  # of a slip out now: out, late, late_notice
    log: str = ""  # of a returned slip: written, late, unwritten
    slip: VisitSlip | None = None
    booking: ContactRecord | None = None

    @property
    def busy_until(self) -> datetime:
        """Until when the customer has this slip open."""
        done = self.returned or self.cancelled
        return done if done is not None else datetime.max.replace(tzinfo=self.departure.tzinfo)


def seed_visits(*, now: datetime | None = None, seed: int = SEED) -> dict:
    """Create the demo contacts and visits unless any exist; returns counts for the log."""
    return seed_once(_Seeder, now=now, seed=seed)


class _Seeder(Seeder):
    lock = VISITS_LOCK
    roles = (Role.SALESPERSON, Role.MANAGER, Role.FRONT_DESK)
    nothing = {"visit slips created": 0}

    def __init__(self, *, now: datetime, rng: random.Random, users: dict[str, User]):
        super().__init__(now=now, rng=rng, users=users)
        self.policy = selectors.policy()
        self.days = [  # working days of the window that had begun by `now`
            day
            for n in range(WINDOW_DAYS, -1, -1)
            if self.calendar.is_working_day(day := self.today - timedelta(days=n))
            and self._at(day, time(8, 30)) < now
        ]
        self.sales = [users[name] for name in sorted(VISITS_PER_DAY)]
        self.desk = users["frontdesk"]
        self.targets: dict[int, list[_Target]] = {}
        self.visits: list[_Visit] = []
        self.used_phones: set[str] = set()

    @classmethod
    def seeded(cls) -> bool:
        return ContactRecord.objects.exists() or VisitSlip.objects.exists()

    @classmethod
    def ready(cls, *, now: datetime, users: dict[str, User]) -> bool:
        # Four weeks of visits rest on customers being worked on in those weeks (first contacts
        # due soon or just missed come from recent assignments): without any, leave things alone.
        return Customer.objects.filter(
            owner__isnull=False,
            assigned_at__gte=now - timedelta(days=WINDOW_DAYS),
            assigned_at__lt=now,
        ).exists()

    # --- time -------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tz)

    def _between(self, lo: datetime, hi: datetime) -> datetime:
        """A moment between `lo` and `hi`, in office hours of a working day when there is one."""
        if hi <= lo:
            return lo
        first, last = self._local(lo).date(), self._local(hi).date()
        windows = []
        for n in range((last - first).days + 1):
            day = first + timedelta(days=n)
            if self.calendar.is_working_day(day):
                start = max(lo, self._at(day, time(8, 30)))
                end = min(hi, self._at(day, time(19)))
                if end > start:
                    windows.append((start, end))
        if not windows:
            return lo + (hi - lo) * self.rng.random()
        start, end = self.rng.choice(windows)
        return start + (end - start) * self.rng.random()

    def _evening_before(self, moment: datetime) -> datetime:
        """Late afternoon of the working day before `moment`'s day (when slips get written)."""
        day = self.calendar.add_working_days(self._local(moment).date(), -1)
        return self._at(day, time(16, 20)) + timedelta(minutes=self.rng.randrange(130))

    def _working_day(self, n: int) -> date:
        """The n-th working day after today (today not counted)."""
        return self.calendar.add_working_days(self.today, n)

    def _log_due(self, returned: datetime) -> datetime:
        """As services.visit_log_due, without a query per visit."""
        return self.calendar.due_at(
            self._local(returned).date(), self.policy.visit_log_working_days, tz=self.tz
        )

    def _step(self, at: datetime, actor: User, run: Callable[[datetime], None]) -> None:
        if at >= self.now:
            raise RuntimeError(f"demo step planned in the future: {at} {run}")
        super()._step(at, actor, run)

    # --- the customers ----------------------------------------------------------------

    def _load(self) -> None:
        owned = (
            Customer.objects.filter(owner__in=self.sales, assigned_at__lt=self.now)
            .select_related("owner__team__manager")
            .prefetch_related("contacts")
            .order_by("assigned_at", "pk")
        )
        since_assigned = {"customer__assigned_at__isnull": False}
        firsts: dict[int, datetime] = {}
        for model, moment in ((ClassChange, "changed_at"), (CustomerNote, "created_at")):
            rows = (
                model.objects.filter(
                    **since_assigned, **{f"{moment}__gt": F("customer__assigned_at")}
                )
                .values("customer_id")
                .annotate(first=Min(moment))
            )
            for row in rows:
                previous = firsts.get(row["customer_id"])
                firsts[row["customer_id"]] = min(filter(None, (previous, row["first"])))
        for customer in owned:
            target = _Target(
                customer=customer,
                lang="en" if customer.name.isascii() else "zh",
                first_event=firsts.get(customer.pk),
                contact_names=[c.name for c in customer.contacts.all()],
            )
            self.targets.setdefault(customer.owner_id, []).append(target)
        self.used_phones = set(
            IdentityKey.objects.filter(kind=IdentityKey.Kind.PHONE).values_list("value", flat=True)
        )

    # --- the plan ---------------------------------------------------------------------

    def plan(self) -> None:
        self._load()
        self._plan_first_contacts()
        for person in self.sales:
            self._plan_past_visits(person)
        for team_key in sorted(self.managers):
            team = [p for p in self.sales if self.team_key[p.pk] == team_key]
            for position, person in enumerate(team):
                self._plan_open_slips(person, position)
        for visit in self.visits:
            self._plan_slip(visit)

    def _plan_first_contacts(self) -> None:
        """Most owners call within days; some recent ones still to do, a few past the week."""
        missed_per_team = {"east": 2, "south": 3}
        missed_pks: set[int] = set()
        for team_key, missed in sorted(missed_per_team.items()):
            people = [p for p in self.sales if self.team_key[p.pk] == team_key]
            candidates = [  # missed the week recently, nothing else happened to them
                t
                for p in people
                for t in self.targets.get(p.pk, [])
                if t.first_event is None
                and self.now - timedelta(days=6)
                < t.customer.first_contact_due_at
                < self.now - timedelta(hours=12)
            ]
            self.rng.shuffle(candidates)
            missed_pks.update(t.customer.pk for t in candidates[:missed])
        for person in self.sales:
            for target in self.targets.get(person.pk, []):
                customer = target.customer
                if customer.pk in missed_pks:
                    continue
                due = customer.first_contact_due_at
                if due > self.now and target.first_event is None and self.rng.random() < 0.55:
                    continue  # recently assigned: still to call, due within the week
                lo = customer.assigned_at + timedelta(minutes=20)
                delay = timedelta(hours=self.rng.choice((2, 5, 20, 26, 48, 70, 96)))
                hi = min(
                    lo + delay,
                    due - timedelta(hours=2),
                    self.now - timedelta(minutes=15),
                    (target.first_event or self.now) - timedelta(minutes=10),
                )
                if hi <= lo:
                    hi = min(lo + timedelta(minutes=30), self.now - timedelta(minutes=5))
                if hi <= lo:
                    continue
                at = self._between(lo, hi)
                target.first_contact = at
                channel, summary = self.rng.choice(_FIRST_CONTACT[target.lang])
                flags = dict(self.rng.choice(_FIRST_FLAGS))
                if channel == Channel.EMAIL:
                    flags["brochure_sent"] = True
                data = {"channel": channel, "summary": summary, **flags}
                self._step(at, person, partial(self._contact, target, data, None))
                if self.rng.random() < 0.3:  # a follow-up a few days later
                    later = self._between(at + timedelta(days=1), at + timedelta(days=5))
                    if later < self.now - timedelta(minutes=5):
                        summary, flags = self.rng.choice(_FOLLOW_UP[target.lang])
                        data = {"channel": Channel.PHONE, "summary": summary, **flags}
                        self._step(later, person, partial(self._contact, target, data, None))

    def _candidates(self, person: User, created: datetime, departure: datetime) -> list[_Target]:
        """The person's customers that may get a slip written at `created`."""
        return [
            t
            for t in self.targets.get(person.pk, [])
            if t.ready is not None
            and t.ready < created - timedelta(minutes=5)
            and all(v.busy_until < created for v in t.visits)
            and (not t.visits or t.visits[-1].departure + timedelta(days=3) < departure)
            and len(t.visits) < 4
        ]

    def _pick(self, person: User, created: datetime, departure: datetime, *, revisit=False):
        candidates = self._candidates(person, created, departure)
        if revisit:
            candidates = [t for t in candidates if any(v.returned for v in t.visits)] or candidates
        if not candidates:
            return None
        weights = [_VISIT_WEIGHT[t.customer.pipeline_class] for t in candidates]
        return self.rng.choices(candidates, weights)[0]

    def _visit(self, person, departure, minutes, created, end, *, revisit=False, **extra):
        target = self._pick(person, created, departure, revisit=revisit)
        if target is None:
            return None
        visit = _Visit(
            target=target,
            person=person,
            departure=departure,
            expected=departure + timedelta(minutes=minutes),
            created=created,
            end=end,
            revisit=any(v.returned for v in target.visits),
            **extra,
        )
        target.visits.append(visit)
        self.visits.append(visit)
        return visit

    def _plan_past_visits(self, person: User) -> None:
        """Visits made over the window, at the person's pace; their logs mostly written."""
        this_monday = self.today - timedelta(days=self.today.weekday())
        first_out = self._out_now_departure(person)
        done: list[_Visit] = []
        for day in self.days:
            rate = VISITS_PER_DAY[person.username]
            if day >= this_monday:
                rate = THIS_WEEK_PER_DAY.get(person.username, rate)
            count = max(0, min(len(SLOTS), round(rate + self.rng.uniform(-1, 1))))
            for start, minutes in sorted(self.rng.sample(SLOTS, count)):
                departure = self._at(day, start) + timedelta(minutes=self.rng.randrange(0, 20, 5))
                back = departure + timedelta(minutes=minutes + self.rng.randrange(-25, 20))
                if back > min(first_out - timedelta(minutes=20), self.now - timedelta(minutes=10)):
                    continue  # not back yet: today's open slips are planned apart
                if departure.hour >= 13 and self.rng.random() < 0.3:
                    created = self._at(day, time(8, 20)) + timedelta(minutes=self.rng.randrange(30))
                else:
                    created = self._evening_before(departure)
                cancelled = self.rng.random() < 0.06
                visit = self._visit(
                    person, departure, minutes, created, "cancelled" if cancelled else "returned"
                )
                if visit is None:
                    continue
                if cancelled:
                    visit.cancelled = self._between(
                        departure - timedelta(hours=3), departure - timedelta(minutes=15)
                    )
                    visit.cancelled = max(visit.cancelled, created + timedelta(minutes=50))
                else:
                    visit.returned = back
                    done.append(visit)
        if not any(v.end == "cancelled" for v in self.visits if v.person == person) and done:
            last_ones = [v for v in done[:-3] if v.target.visits[-1] is v]
            visit = self.rng.choice(last_ones or done)  # called off after all
            done.remove(visit)
            visit.end, visit.returned = "cancelled", None
            visit.cancelled = max(
                visit.departure - timedelta(minutes=40), visit.created + timedelta(minutes=50)
            )
        self._plan_logs(done)

    def _plan_logs(self, done: list[_Visit]) -> None:
        """Logs: mostly on time, some late, the latest still due, one per person overdue."""
        five_back = self.calendar.add_working_days(self.today, -5)
        eight_back = self.calendar.add_working_days(self.today, -8)
        old = [v for v in done if self._local(v.returned).date() <= five_back]
        overdue = [v for v in old if self._local(v.returned).date() >= eight_back] or old
        if overdue:
            self.rng.choice(overdue).log = "unwritten"
        pending = [v for v in done if self._log_due(v.returned) > self.now]
        for n, visit in enumerate(pending):
            if n == len(pending) - 1 or self.rng.random() < 0.45:
                visit.log = "unwritten"
        for visit in done:
            if not visit.log:
                visit.log = "late" if self.rng.random() < 0.12 else "written"

    def _out_now_departure(self, person: User) -> datetime:
        """When the person's slip that is out now left (their day's earlier visits end before)."""
        team = [p for p in self.sales if self.team_key[p.pk] == self.team_key[person.pk]]
        kind = OUT_NOW[team.index(person) % len(OUT_NOW)]
        hours = {"out": 1.25, "late_notice": 3, "late": 4.25}[kind]
        moment = self.now - timedelta(hours=hours)
        return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)

    def _plan_open_slips(self, person: User, position: int) -> None:
        """What the person has on the go now: one slip in each state before it is done."""
        rng, now = self.rng, self.now
        # Out now: an ordinary one, one with a late notice, one late (no notice).
        kind = OUT_NOW[position % len(OUT_NOW)]
        departure = self._out_now_departure(person)
        minutes = {"out": 150, "late_notice": 170, "late": 135}[kind]
        created = min(self._evening_before(departure), departure - timedelta(hours=2))
        self._visit(person, departure, minutes, created, "departed", kind=kind)
        # Approved: later today (two per team) and the next working day (everyone).
        later = now + timedelta(minutes=100)
        later = later.replace(minute=later.minute - later.minute % 15, second=0, microsecond=0)
        local = self._local(later)
        if not (
            local.date() == self.today
            and self.calendar.is_working_day(self.today)
            and local.time() <= time(17, 30)
        ):  # the day is over (or a day off): first thing on the next working day
            later = self._at(self._working_day(1), time(9, 30))
        tomorrow = self._at(self._working_day(1), time(14, 30) if position % 2 else time(10))
        for departure, wanted in ((later, position < 2), (tomorrow, True)):
            if wanted:
                created = min(self._evening_before(departure), now - timedelta(hours=3))
                self._visit(person, departure, 120, created, "approved")
        # Waiting for the manager (a revisit, with the pre-visit report when there is one).
        departure = self._at(self._working_day(rng.choice((1, 2))), time(15, 30))
        created = self._between(now - timedelta(hours=22), now - timedelta(minutes=30))
        self._visit(person, departure, 100, created, "submitted", revisit=True)
        # Drafts: one being written, one the manager sent back with a reason.
        departure = self._at(self._working_day(rng.choice((2, 3, 4))), time(10, 30))
        created = self._between(now - timedelta(hours=5), now - timedelta(minutes=10))
        self._visit(person, departure, 90, created, "draft", revisit=position == 1)
        departure = self._at(self._working_day(rng.choice((2, 3))), time(14))
        created = self._between(now - timedelta(days=2), now - timedelta(days=1))
        self._visit(person, departure, 120, created, "rejected")
        # Called off this morning: the customer postponed.
        if position == 1:
            departure = self._at(self._working_day(1), time(16))
            created = self._between(now - timedelta(days=1), now - timedelta(hours=6))
            visit = self._visit(person, departure, 90, created, "cancelled")
            if visit is not None:
                visit.cancelled = self._between(
                    created + timedelta(hours=3), now - timedelta(minutes=10)
                )

    # --- the steps of one slip ----------------------------------------------------------

    def _plan_slip(self, v: _Visit) -> None:
        rng, person = self.rng, v.person
        manager = self.managers[self.team_key[person.pk]]
        created = v.created
        if v.end == "returned" and rng.random() < 0.35:  # the visit was booked on the phone
            called = created - timedelta(minutes=rng.randrange(5, 40))
            if called > v.target.first_contact + timedelta(minutes=5):
                when = self._local(v.departure).strftime("%m-%d %H:%M")
                text = rng.choice(_BOOKING[v.target.lang]).format(when=when)
                data = {"channel": Channel.PHONE, "summary": text, "meeting_at": v.departure}
                self._step(called, person, partial(self._contact, v.target, data, v))
        self._step(created, person, partial(self._create, v))
        if v.end == "draft":
            return
        submitted = created + timedelta(minutes=rng.randrange(5, 30))
        if v.end == "cancelled" and v.cancelled < submitted + timedelta(minutes=20):
            self._step(v.cancelled, person, partial(self._cancel, v, person))
            return
        self._step(submitted, person, partial(self._submit, v))
        if v.end == "submitted":
            return
        if v.end == "rejected":
            rejected = self._between(submitted + timedelta(hours=1), self.now - timedelta(hours=1))
            self._step(rejected, manager, partial(self._reject, v, manager))
            return
        latest = min(v.departure, self.now) - timedelta(minutes=10)
        if v.end == "cancelled":
            latest = min(latest, v.cancelled - timedelta(minutes=5))
        if v.end == "returned" and latest - submitted > timedelta(hours=12) and rng.random() < 0.05:
            # Sent back once, put right and approved (the slip's history shows it).
            rejected = self._between(
                submitted + timedelta(minutes=30), submitted + timedelta(hours=3)
            )
            self._step(rejected, manager, partial(self._reject, v, manager))
            fixed = rejected + timedelta(minutes=rng.randrange(20, 90))
            self._step(fixed, person, partial(self._revise, v))
            submitted = fixed + timedelta(minutes=2)
            self._step(submitted, person, partial(self._submit, v))
        approved = self._between(submitted + timedelta(minutes=10), latest)
        self._step(approved, manager, partial(self._approve, v, manager))
        if v.end == "cancelled":  # by the salesperson, or the manager calls it off
            actor = person if rng.random() < 0.7 else manager
            self._step(max(v.cancelled, approved + timedelta(minutes=1)), actor,
                       partial(self._cancel, v, actor))  # fmt: skip
            return
        if v.end == "approved":
            return
        departed = v.departure + timedelta(minutes=rng.randrange(0, 10))
        self._step(departed, self.desk, partial(self._depart, v))
        if v.kind == "late_notice":
            sent = max(self.now - timedelta(minutes=35), departed + timedelta(minutes=30))
            self._step(
                sent, person, partial(self._late_notice, v, self.now + timedelta(minutes=50))
            )
        if v.end == "departed":
            return
        self._step(v.returned, self.desk, partial(self._return, v))
        if v.log == "unwritten":
            return
        due = self._log_due(v.returned)
        lo = v.returned + timedelta(minutes=20)
        hi = min(due - timedelta(hours=1), self.now - timedelta(minutes=5))
        if v.log == "late" and due + timedelta(hours=2) < self.now:
            lo = due + timedelta(hours=1)
            hi = min(due + timedelta(days=2), self.now - timedelta(minutes=5))
        if hi > lo:  # else only just back: the log is still to write
            self._step(self._between(lo, hi), person, partial(self._write_log, v))

    # --- the steps: each runs at its moment, through the services ---------------------

    def _after_steps(self) -> None:
        self._read_old_news()

    def _read_old_news(self) -> None:
        """People have read what is done with: unread stays what is about slips still open."""
        open_states = {  # notification kind -> slips it is still news about
            "slip_submitted": Q(state=S.SUBMITTED),
            "slip_approved": Q(state__in=[S.APPROVED, S.DEPARTED]),
            "slip_rejected": Q(state=S.DRAFT, decided_at__isnull=False),
            "slip_late": Q(state=S.DEPARTED),
        }
        for kind, still_open in open_states.items():
            urls = [
                reverse("visits:detail", kwargs={"pk": pk})
                for pk in VisitSlip.objects.filter(still_open).values_list("pk", flat=True)
            ]
            for person in [*self.sales, *self.managers.values()]:
                done_with = (
                    notifications.unread_for(person)
                    .filter(kind=kind)
                    .exclude(url__in=urls)
                    .values_list("pk", flat=True)
                )
                notifications.mark_read(user=person, notification_ids=list(done_with))

    def _contact(self, target: _Target, data: dict, visit: _Visit | None, at: datetime) -> None:
        customer = target.customer
        record = services.contact_record_add(
            customer=customer, actor=customer.owner, data=data, now=at
        )
        if visit is not None:
            visit.booking = record

    def _slip_data(self, v: _Visit) -> dict:
        data = {
            "plan": self.rng.choice(_PLANS[v.target.lang]),
            "planned_departure": v.departure,
            "expected_return": v.expected,
        }
        if v.revisit:
            data |= self.rng.choice(_PRE_VISIT[v.target.lang])
        return data

    def _create(self, v: _Visit, at: datetime) -> None:
        v.slip = services.slip_create(
            customer=v.target.customer,
            actor=v.person,
            data=self._slip_data(v),
            contact_record=v.booking,
            now=at,
        )

    def _submit(self, v: _Visit, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_submit(slip=v.slip, actor=v.person, now=at)

    def _approve(self, v: _Visit, manager: User, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_approve(slip=v.slip, actor=manager, now=at)

    def _reject(self, v: _Visit, manager: User, at: datetime) -> None:
        if v.slip is not None:
            reason = self.rng.choice(_REJECTIONS)
            v.slip = services.slip_reject(slip=v.slip, actor=manager, reason=reason, now=at)

    def _revise(self, v: _Visit, at: datetime) -> None:
        if v.slip is not None:
            plan = self.rng.choice([p for p in _PLANS[v.target.lang] if p != v.slip.plan])
            v.slip = services.slip_update(slip=v.slip, actor=v.person, data={"plan": plan}, now=at)

    def _cancel(self, v: _Visit, actor: User, at: datetime) -> None:
        if v.slip is not None:
            reason = self.rng.choice(_CANCELS)
            v.slip = services.slip_cancel(slip=v.slip, actor=actor, reason=reason, now=at)

    def _depart(self, v: _Visit, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_depart(slip=v.slip, actor=self.desk, now=at)

    def _late_notice(self, v: _Visit, new_return: datetime, at: datetime) -> None:
        if v.slip is not None:
            text = self.rng.choice(_LATE_NOTICES)
            v.slip = services.slip_late_notice(
                slip=v.slip, actor=v.person, new_return=new_return, text=text, now=at
            )

    def _return(self, v: _Visit, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_return(slip=v.slip, actor=self.desk, now=at)

    def _person_met(self, target: _Target) -> dict:
        """Someone already in the file, or (mostly) a new face: they join the contacts."""
        rng = self.rng
        if target.contact_names and rng.random() < 0.3:
            return {"person_met": rng.choice(target.contact_names)}
        surname, surname_py = rng.choice(SURNAMES)
        given, _given_py = rng.choice(GIVEN)
        if target.lang == "en" and rng.random() < 0.7:
            name = f"{rng.choice(EN_FIRST)} {surname_py.title()}"
            title, power = rng.choice(EN_TITLES)
        else:
            name = surname + given
            title, power = rng.choice(ZH_TITLES if target.lang == "zh" else EN_TITLES)
        phone = ""
        if rng.random() < 0.7:
            for _attempt in range(10):
                mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
                if identity.normalize_phone(mobile) not in self.used_phones:
                    self.used_phones.add(identity.normalize_phone(mobile))
                    phone = mobile
                    break
        target.contact_names.append(name)
        return {
            "person_met": name,
            "person_title": title,
            "person_phone": phone,
            "decision_power": power,
        }

    def _write_log(self, v: _Visit, at: datetime) -> None:
        """The log; now and then the owner takes the class it suggests, there and then."""
        if v.slip is None:
            return
        rng, lang, customer = self.rng, v.target.lang, v.target.customer
        log = VisitLog.objects.get(slip=v.slip)
        current = Customer.objects.values_list("pipeline_class", flat=True).get(pk=customer.pk)
        step_up = current in _LADDER[:-1] and rng.random() < 0.45
        suggested = _LADDER[_LADDER.index(current) + 1] if step_up else current
        if rng.random() < 0.15:
            suggested = ""
        data = self._person_met(v.target) | {
            "needs": customer.needs or _MORE_NEEDS[lang],
            "notes": rng.choice(_NOTES[lang]),
            "outcome": rng.choice(_OUTCOMES[lang]),
            "next_step": rng.choice(_NEXT_STEPS[lang]),
            "next_step_on": self.calendar.add_working_days(
                self._local(at).date(), rng.randrange(1, 6)
            ),
            "suggested_class": suggested,
        }
        log = services.visit_log_write(log=log, actor=v.person, data=data, now=at)
        if not step_up or not suggested or rng.random() < 0.4:
            return
        last_change = ClassChange.objects.filter(customer=customer).aggregate(
            last=Max("changed_at")
        )
        if last_change["last"] is not None and last_change["last"] >= at:
            return  # the class moved on since: keep the history in time order
        # services.apply_suggested_class takes no `now`: the same change, dated explicitly.
        reason = _APPLIED_REASON % {"day": self._local(v.slip.returned_at).date().isoformat()}
        customer_services.customer_change_class(
            customer=customer,
            actor=v.person,
            to_class=suggested,
            reason=reason,
            now=at + timedelta(minutes=2),
        )

    # --- the result -------------------------------------------------------------------

    def counts(self) -> dict:
        slips = VisitSlip.objects.all()
        unwritten = VisitLog.objects.filter(written_at__isnull=True)
        owned = Customer.objects.filter(owner__isnull=False, first_contact_at__isnull=True)
        counts = {
            "contact records created": ContactRecord.objects.count(),
            "visit slips created": slips.count(),
            **{
                f"visit slips {state}": slips.filter(state=state).count()
                for state in SlipState.values
            },
            "visit slips out late": slips.filter(state=S.DEPARTED, overdue_at__lt=self.now).count(),
            "visit logs written": VisitLog.objects.filter(written_at__isnull=False).count(),
            "visit logs due": unwritten.filter(due_at__gte=self.now).count(),
            "visit logs overdue": unwritten.filter(due_at__lt=self.now).count(),
            "customers awaiting first contact": owned.filter(
                first_contact_due_at__gte=self.now
            ).count(),
            "customers past first-contact deadline": owned.filter(
                first_contact_due_at__lt=self.now
            ).count(),
        }
        if self.skipped:
            counts["demo visit steps skipped"] = len(self.skipped)
        return counts
