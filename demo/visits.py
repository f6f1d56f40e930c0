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

Here the visits are planned; demo.visits_slips holds the steps that make and move
the contact records, slips and logs.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db.models import F, Min
from django.utils import timezone

from customers.models import ClassChange, Customer, CustomerNote, IdentityKey, PipelineClass
from demo.base import VISITS_LOCK, Seeder, seed_once
from demo.visits_slips import SlipSteps, Target, Visit
from salescrm import selectors as salescrm_selectors
from salescrm.models import User
from salescrm.roles import Role
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

# --- plan -------------------------------------------------------------------------------


def seed_visits(*, now: datetime | None = None, seed: int = SEED) -> dict:
    """Create the demo contacts and visits unless any exist; returns counts for the log."""
    return seed_once(_Seeder, now=now, seed=seed)


class _Seeder(SlipSteps, Seeder):
    lock = VISITS_LOCK
    roles = (Role.SALESPERSON, Role.MANAGER, Role.FRONT_DESK)
    nothing = {"visit slips created": 0}

    def __init__(self, *, now: datetime, rng: random.Random, users: dict[str, User]):
        super().__init__(now=now, rng=rng, users=users)
        self.policy = salescrm_selectors.policy()
        self.days = [  # working days of the window that had begun by `now`
            day
            for n in range(WINDOW_DAYS, -1, -1)
            if self.calendar.is_working_day(day := self.today - timedelta(days=n))
            and self._at(day, time(8, 30)) < now
        ]
        self.sales = [users[name] for name in sorted(VISITS_PER_DAY)]
        self.desk = users["frontdesk"]
        self.targets: dict[int, list[Target]] = {}
        self.visits: list[Visit] = []
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
            .select_related("owner__team")
            .prefetch_related("contact_people")
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
            target = Target(
                customer=customer,
                lang="en" if customer.name.isascii() else "zh",
                first_event=firsts.get(customer.pk),
                contact_names=[c.name for c in customer.contact_people.all()],
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

    def _candidates(self, person: User, created: datetime, departure: datetime) -> list[Target]:
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
        visit = Visit(
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
        done: list[Visit] = []
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

    def _plan_logs(self, done: list[Visit]) -> None:
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

    def _plan_slip(self, v: Visit) -> None:
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
