"""The life of a demo visit slip, step by step through visits.services.

The planned visits (`Target`, `Visit`) and the steps the visits' seeder
(demo.visits) runs for them: contact records, slips written, submitted, approved or
sent back, cancelled, out and back through the front desk, late notices, visit logs
(sometimes with the class they suggest taken), and the news people have read.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.urls import reverse

from customers import identity
from customers import services as customer_services
from customers.models import ClassChange, ContactPerson, Customer, DecisionPower, PipelineClass
from demo.names import EN_FIRST, EN_TITLES, GIVEN, MOBILE_PREFIXES, SURNAMES, ZH_TITLES
from salescrm import notifications
from salescrm.models import User
from visits import services
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip

C = PipelineClass
S = SlipState
_LADDER = [C.UNCLASSIFIED, C.TRACKING, C.POTENTIAL, C.PROGRESSING, C.KEY, C.LETTER_OF_INTENT]

# --- what the salespeople and managers write --------------------------------------------

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
# When the log could not say who decides (rule 2.3.1: "met nobody / not known", with why).
_NOT_KNOWN = {
    "zh": "对方没有说明谁能拍板，下次走访再确认。",
    "en": "They would not say who decides; to ask again on the next visit.",
}
_APPLIED_REASON = "Suggested by the visit log of %(day)s"  # as visits.services words it


@dataclass
class Target:
    """An owned customer: when it could first be visited, and its visits so far."""

    customer: Customer
    lang: str
    first_event: datetime | None  # first class change or note since the assignment
    contact_names: list[str]
    first_contact: datetime | None = None
    visits: list[Visit] = field(default_factory=list)

    @property
    def ready(self) -> datetime | None:
        """From when a visit may be planned: contacted, and the file complete."""
        completed = self.customer.completed_at
        if self.first_contact is None or completed is None:
            return None
        return max(self.first_contact, completed)


@dataclass
class Visit:
    """One planned slip and where it ends up."""

    target: Target
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


class SlipSteps:
    """The steps of the visits' seeder: each runs at its moment, through the services.

    Uses the seeder's rng, clock and calendar, its people (`sales`, `managers`, `desk`)
    and the phone numbers already taken (`used_phones`).
    """

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

    def _contact(self, target: Target, data: dict, visit: Visit | None, at: datetime) -> None:
        customer = target.customer
        record = services.contact_record_add(
            customer=customer, actor=customer.owner, data=data, now=at
        )
        if visit is not None:
            visit.booking = record

    def _slip_data(self, v: Visit) -> dict:
        data = {
            "plan": self.rng.choice(_PLANS[v.target.lang]),
            "planned_departure": v.departure,
            "expected_return": v.expected,
        }
        if v.revisit:
            data |= self.rng.choice(_PRE_VISIT[v.target.lang])
        return data

    def _create(self, v: Visit, at: datetime) -> None:
        v.slip = services.slip_create(
            customer=v.target.customer,
            actor=v.person,
            data=self._slip_data(v),
            contact_record=v.booking,
            now=at,
        )

    def _submit(self, v: Visit, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_submit(slip=v.slip, actor=v.person, now=at)

    def _approve(self, v: Visit, manager: User, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_approve(slip=v.slip, actor=manager, now=at)

    def _reject(self, v: Visit, manager: User, at: datetime) -> None:
        if v.slip is not None:
            reason = self.rng.choice(_REJECTIONS)
            v.slip = services.slip_reject(slip=v.slip, actor=manager, reason=reason, now=at)

    def _revise(self, v: Visit, at: datetime) -> None:
        if v.slip is not None:
            plan = self.rng.choice([p for p in _PLANS[v.target.lang] if p != v.slip.plan])
            v.slip = services.slip_update(slip=v.slip, actor=v.person, data={"plan": plan}, now=at)

    def _cancel(self, v: Visit, actor: User, at: datetime) -> None:
        if v.slip is not None:
            reason = self.rng.choice(_CANCELS)
            v.slip = services.slip_cancel(slip=v.slip, actor=actor, reason=reason, now=at)

    def _depart(self, v: Visit, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_depart(slip=v.slip, actor=self.desk, now=at)

    def _late_notice(self, v: Visit, new_return: datetime, at: datetime) -> None:
        if v.slip is not None:
            text = self.rng.choice(_LATE_NOTICES)
            v.slip = services.slip_late_notice(
                slip=v.slip, actor=v.person, new_return=new_return, text=text, now=at
            )

    def _return(self, v: Visit, at: datetime) -> None:
        if v.slip is not None:
            v.slip = services.slip_return(slip=v.slip, actor=self.desk, now=at)

    def _person_met(self, target: Target) -> dict:
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

    @staticmethod
    def _decider_known(customer: Customer, met: dict) -> bool:
        """Whether the log knows the person's title and decision power; someone already on
        the file is picked from the contacts (the log takes their title and power)."""
        if "decision_power" not in met:
            person = ContactPerson.objects.filter(customer=customer, name=met["person_met"]).first()
            if person is None:
                return False
            met["contact_person"] = person
            return bool(person.title) and person.decision_power != DecisionPower.UNKNOWN
        return bool(met["person_title"]) and met["decision_power"] != DecisionPower.UNKNOWN

    def _write_log(self, v: Visit, at: datetime) -> None:
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
        met = self._person_met(v.target)
        if not self._decider_known(customer, met):
            met |= {"met_nobody": True, "met_nobody_reason": _NOT_KNOWN[lang]}
        data = met | {
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
