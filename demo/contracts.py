"""Demo price list, plans and agreements for `make run` (SPEC "Running it").

Runs after demo.visits. The price list is what an advertising company sells (TV, radio,
newspapers, outdoor, online; one product taken off the list). Then each demo salesperson
works a few of their customers through Figure 1 and Figure 2 over the last four weeks:
plans in every state (some rejected in review or declined by the customer and revised,
so they have several versions), agreements in every state (major ones, by a discount
beyond the salesperson's authority or by a total above the company threshold; one
returned by the manager with a reason; one the director turned down, put right and
signed; one with a letter of intent; signed ones with change requests, one past its
free allowance so the fee shows; one cancelled and drafted again). A manager signed for
another while on leave under a delegation now over, and signs for the director under
one running today.

Everything is made and moved through contracts.services in time order, with explicit
`now=` moments, so signatures, numbers, the customers' class history ("signed", "letter
of intent") and the inboxes are what real use would have left. Deterministic for a
given `now` and seed. Runs only while there are no products, plans or agreements at
all, and only when the customers were worked on in the last weeks (their class history
must come before what the agreements add to it).
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import partial

from django.db.models import Max
from django.utils import timezone

from contracts import services
from contracts.models import (
    Agreement,
    AgreementState,
    ChangeRequest,
    Medium,
    Plan,
    PlanState,
    Product,
    Unit,
)
from customers.models import ClassChange, Customer, PipelineClass
from demo.base import CONTRACTS_LOCK, Seeder, seed_once
from salescrm import selectors
from salescrm.history import acting_as
from salescrm.models import Notification, User
from salescrm.roles import Role

SEED = 20250620
# The customers' class history must reach into these last days for the demo to run.
RECENT_DAYS = 35

C = PipelineClass
P = PlanState
A = AgreementState

# --- the price list ---------------------------------------------------------------------

# code, name, medium, unit, list price (CNY), on the list
PRICE_LIST = (
    ("TV-CCTV1-PT30", "中央电视台一套 黄金时段 30秒", Medium.TV, Unit.SPOT, "168000.00", True),
    ("TV-SAT-PT15", "省级卫视 晚间黄金档 15秒", Medium.TV, Unit.SPOT, "42000.00", True),
    ("TV-CITY-NEWS15", "城市电视台 新闻时段 15秒", Medium.TV, Unit.SPOT, "6800.00", True),
    ("RD-TRAFFIC-15", "交通广播 早晚高峰 15秒", Medium.RADIO, Unit.SPOT, "1800.00", True),
    ("PR-EVE-FULL", "晚报 整版 彩色", Medium.PRINT, Unit.INSERTION, "96000.00", True),
    ("PR-EVE-HALF", "晚报 半版 彩色", Medium.PRINT, Unit.INSERTION, "52000.00", True),
    ("PR-WEEKLY-HALF", "都市周报 半版 彩色（已停刊）", Medium.PRINT, Unit.INSERTION,
     "18000.00", False),
    ("OD-LED-DAY", "城市户外LED大屏 每日", Medium.OUTDOOR, Unit.DAY, "18000.00", True),
    ("OD-METRO-LB", "地铁灯箱 每月", Medium.OUTDOOR, Unit.MONTH, "9800.00", True),
    ("OD-BUS-WEEK", "公交候车亭 10块 每周", Medium.OUTDOOR, Unit.WEEK, "12000.00", True),
    ("OD-ELEV-WEEK", "写字楼电梯海报 100块 每周", Medium.OUTDOOR, Unit.WEEK, "15000.00", True),
    ("ON-HOME-WEEK", "网站首页横幅 每周", Medium.ONLINE, Unit.WEEK, "25000.00", True),
    ("ON-APP-SPLASH", "新闻客户端开屏 每日", Medium.ONLINE, Unit.DAY, "36000.00", True),
    ("ON-WECHAT-TOP", "微信公众号头条推文", Medium.ONLINE, Unit.ITEM, "16000.00", True),
    ("OT-ART-DESIGN", "广告创意设计及制作", Medium.OTHER, Unit.ITEM, "12000.00", True),
)  # fmt: skip
_DESCRIPTIONS = {
    "TV-CCTV1-PT30": ("《新闻联播》后黄金时段", "Prime time after the 7 pm news"),
    "OD-LED-DAY": ("核心商圈大屏，每日120次×15秒", "City-centre screens, 120 × 15 s a day"),
    "OD-METRO-LB": ("站台灯箱，按块·月计", "Platform light boxes, per panel-month"),
    "OD-ELEV-WEEK": ("甲级写字楼电梯框架海报", "Grade-A office tower elevator frames"),
}
_UNIT_WORDS = {
    Unit.SPOT: ("次", "spots"), Unit.INSERTION: ("期", "insertions"), Unit.DAY: ("天", "days"),
    Unit.WEEK: ("周", "weeks"), Unit.MONTH: ("块·月", "panel-months"), Unit.ITEM: ("项", "items"),
}  # fmt: skip

# Media packages: (product code, quantity, discount). The discount is relative to the
# salesperson's authority: None is the list price, -2 two points within it, 0 exactly at
# it (still not major), +3 three points beyond it (a major line).
PACKAGES = {
    "edu": (("OD-ELEV-WEEK", 6, -2), ("ON-WECHAT-TOP", 3, None)),
    "edu_deep": (("OD-ELEV-WEEK", 6, 3), ("ON-WECHAT-TOP", 3, None)),
    "food": (("OD-BUS-WEEK", 4, -2), ("OD-ELEV-WEEK", 2, -1), ("ON-WECHAT-TOP", 1, None)),
    "metro": (("OD-METRO-LB", 10, -1), ("ON-WECHAT-TOP", 2, None)),
    "outdoor": (("OD-ELEV-WEEK", 4, 0), ("OD-BUS-WEEK", 4, -3)),
    "outdoor_deep": (("OD-ELEV-WEEK", 4, 10), ("OD-BUS-WEEK", 4, -3)),
    "launch": (("OD-LED-DAY", 7, -2), ("ON-APP-SPLASH", 3, -2), ("ON-HOME-WEEK", 2, None)),
    "brand": (("OD-LED-DAY", 5, -2), ("OD-METRO-LB", 8, -1), ("ON-HOME-WEEK", 2, None)),
    "radio": (("RD-TRAFFIC-15", 60, -1), ("TV-CITY-NEWS15", 10, -2)),
    "radio_deep": (("RD-TRAFFIC-15", 60, 7), ("TV-CITY-NEWS15", 10, -2)),
    "print": (("PR-EVE-FULL", 2, -2), ("PR-EVE-HALF", 3, -1)),
    "print_deep": (("PR-EVE-FULL", 2, 4), ("PR-EVE-HALF", 3, -1)),
    "property": (("OD-LED-DAY", 10, -1), ("OD-BUS-WEEK", 6, -2), ("PR-EVE-HALF", 1, None)),
    "property_deep": (("OD-LED-DAY", 10, 6), ("OD-BUS-WEEK", 6, -2), ("PR-EVE-HALF", 1, None)),
    "tv_sat": (("TV-SAT-PT15", 6, -2), ("OT-ART-DESIGN", 1, None)),
    "tv_sat_deep": (("TV-SAT-PT15", 6, 5), ("OT-ART-DESIGN", 1, None)),
    "tv_led": (("TV-SAT-PT15", 4, -2), ("OD-LED-DAY", 7, -1), ("OT-ART-DESIGN", 1, None)),
    # National reach: its total is above the company threshold (quantity raised if need be).
    "cctv": (("TV-CCTV1-PT30", 4, 0), ("OT-ART-DESIGN", 1, None)),
}

# --- what people write ------------------------------------------------------------------

# Plan themes: title, the customer's objectives, audience, schedule (Chinese, English).
_THEMES = {
    "launch": (
        ("新品上市推广方案", "新品上市期间快速建立品牌认知，带动首月门店和线上销售。",
         "25-40岁城市白领及年轻家庭", "上市前一周预热，上市后三周集中投放，周末加密。"),
        ("product launch campaign",
         "Build awareness fast around the launch and drive first-month sales in store and online.",
         "Urban professionals and young families aged 25-40",
         "A teaser week before the launch, then three weeks of heavy rotation, more at weekends."),
    ),
    "brand": (
        ("品牌形象推广方案", "提升品牌在核心城市的知名度和好感度，配合年中营销节点。",
         "核心城市25-45岁中高收入人群", "分两波投放，每波两周，间隔一周。"),
        ("brand campaign",
         "Raise awareness and liking in the core cities around the mid-year sales.",
         "Middle and high-income adults aged 25-45 in the core cities",
         "Two flights of two weeks, one week apart."),
    ),
    "promo": (
        ("促销活动推广方案", "配合季度促销活动短期高频投放，提升到店客流和转化。",
         "价格敏感的年轻消费者和家庭", "促销前一周起投，持续三周，早晚高峰重点覆盖。"),
        ("promotion campaign",
         "A short, intense burst around the quarterly promotion to lift footfall and sales.",
         "Price-conscious young shoppers and households",
         "From a week before the promotion for three weeks, weighted to rush hours."),
    ),
    "opening": (
        ("新店开业推广方案", "新店开业前后在门店周边三公里商圈集中曝光，拉动开业客流。",
         "门店周边三公里内的居民和写字楼上班族", "开业前两周上刊，开业后持续两周。"),
        ("store opening campaign",
         "Saturate the three kilometres around the new stores before and after the opening.",
         "Residents and office workers within 3 km of the stores",
         "Two weeks before the opening and two weeks after."),
    ),
    "enrol": (
        ("招生季推广方案", "招生季集中投放，获取校区周边小区家长的报名咨询。",
         "校区周边小区的家长（孩子3-15岁）", "招生开始前两周起投，持续四周。"),
        ("enrolment campaign",
         "A concentrated push in the enrolment season for enquiries from parents nearby.",
         "Parents of children aged 3-15 living near the campuses",
         "From two weeks before enrolment opens, for four weeks."),
    ),
    "property": (
        ("开盘推广方案", "开盘前后集中曝光，提升售楼处到访量和认筹量。",
         "本市及周边城市的改善型购房人群", "开盘前三周预热，开盘当周加密投放。"),
        ("sales launch campaign",
         "Bring visitors to the sales centre and reservations around the launch.",
         "Home buyers trading up, in the city and the cities around it",
         "Three weeks of build-up, heaviest in the launch week."),
    ),
}  # fmt: skip
_THEME_BY_INDUSTRY = (
    (("教育", "Education"), "enrol"),
    (("房地产", "Real estate"), "property"),
    (("餐饮", "茶饮", "食品", "Café", "Food", "Beverage"), "opening"),
)
_GENERAL_THEMES = ("launch", "brand", "promo")
_SEASONS = (("冬季", "Winter"),) * 2 + (("春季", "Spring"),) * 3 + (("夏季", "Summer"),) * 3
_SEASONS += (("秋季", "Autumn"),) * 3 + (("冬季", "Winter"),)
# After a rejected review the plan gets a narrower audience and the budget split.
_AUDIENCE_NOTE = ("（集中覆盖客户的重点区域）", " (concentrating on the customer's key districts)")
_SPLIT = ("预算拆分：", "Budget split: ")

_TEXTS = {  # key: (Chinese, English), chosen by the customer's language
    # the manager's review of a plan
    "rej_budget": ("预算拆分不清楚：请按媒体列出每项的数量和金额，再提交。",
                   "Break the budget down by medium (quantities and amounts) and resubmit."),
    "rej_audience": ("目标人群写得太宽泛，请结合客户的重点区域细化投放范围。",
                     "The audience is too broad: narrow it to the customer's key districts."),
    "rej_schedule": ("缺少排期和预算拆分：请写清每周的投放安排和各媒体金额。",
                     "No schedule yet: add the weekly flighting and the amount per medium."),
    "ok_plan": ("方案清晰，排期合理，可以提交客户。",
                "Clear plan, sensible schedule: send it to the customer."),
    # the customer's feedback on a plan
    "fb_price": ("客户认为报纸整版价格偏高，希望减少整版次数，增加线上投放。",
                 "They find the full pages too expensive: fewer of them, more online."),
    "fb_mix": ("客户希望增加户外大屏，卫视投放次数可以减少。",
               "They want city-centre screens added and fewer satellite TV spots."),
    "fb_reach": ("客户老板希望覆盖全国市场，要求加入央视一套黄金时段。",
                 "Their CEO wants national reach: add CCTV-1 prime time."),
    # why a plan was called off
    "cx_budget": ("客户暂停今年的广告预算，方案作废。",
                  "The customer froze this year's advertising budget."),
    "cx_competitor": ("客户最终选择了其他媒体，方案取消。",
                      "The customer went with another media owner."),
    # approvals of an agreement
    "ok_manager": ("价格在权限内，条款齐全，同意。",
                   "Prices within authority, terms complete: approved."),
    "ok_manager_major": ("同意，折扣较大，请总监审批。",
                         "Approved; the discount is deep, over to the director."),
    "ok_director": ("同意。注意按协议节点回款。", "Approved. Watch the payment dates."),
    "ok_director_total": ("同意。全国投放，请提前锁定央视排期。",
                          "Approved. National campaign: book the CCTV slots early."),
    "ok_delegated": ("代市场总监审批：年度重点客户，同意该折扣。",
                     "Signed for the marketing director: a key account, discount approved."),
    "ar_payment": ("付款条件不符合公司规定：首付款不低于50%，请修改后重新提交。",
                   "The payment terms break company rules (at least 50% up front): fix them."),
    "ar_discount": ("折扣超出常规水平，请与客户重新商谈，折扣控制在业务员权限内。",
                    "The discount is too deep: renegotiate within your own authority."),
    "ac_budget": ("客户总部冻结了本季度市场预算，协议取消，待预算恢复后重新起草。",
                  "Head office froze this quarter's budget: cancelled, to redraft when it is "
                  "released."),
    # the agreement's terms
    "payment": ("协议签订后5个工作日内支付总额的50%，广告上刊后30日内付清余款。",
                "50% within 5 working days of signing; the balance within 30 days of the start."),
    "payment_late": ("广告上刊后60日内一次性付清。", "All within 60 days of the start."),
    "notes": ("乙方在上刊后3个工作日内提供上刊照片及监测报告。",
              "Proof of posting with photos within 3 working days of the start."),
    # change requests after signing
    "art_1": ("客户更换第二波画面（新品主视觉），需重新制作并更换画面。",
              "New key visual for the second flight: replace the artwork."),
    "art_2": ("门店促销信息更新，更换电梯海报画面。",
              "Store promotion changed: replace the elevator posters."),
    "rev_1": ("客户要求将首周投放顺延一周。", "Push the first week back by one week."),
}  # fmt: skip
_CHANGE_KIND = {"art": ChangeRequest.Kind.ARTWORK, "rev": ChangeRequest.Kind.REVISION}
_DELEGATIONS = {
    # key: delegator, delegate, from (working days back), until (working days back; None:
    # a week from today), recorded (working days back, time), reason
    "then": ("manager1", "manager2", 14, 11, (15, "17:30"),
             "年假期间，本组审批由华南销售部经理代签。"),
    "now": ("director", "manager1", 3, None, (4, "18:00"),
            "海外出差期间，重大协议由华东销售部经理代为审批。"),
}  # fmt: skip

# --- the stories ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    days_back: int  # working days before today
    at: str  # local time of day, "HH:MM"
    action: str
    text: str = ""
    by: str = ""  # "" (the owner or the team manager), "director", "delegate_then/_now"


def _e(days_back: int, at: str, action: str, text: str = "", by: str = "") -> _Event:
    return _Event(days_back, at, action, text, by)


@dataclass(frozen=True)
class _Story:
    key: str
    person: str
    classes: tuple[str, ...]  # the customer's class, in order of preference
    package: str
    events: tuple[_Event, ...]
    first_package: str = ""  # what the first version proposed, when the customer wanted more
    starts_in: int = 21  # days from today to the campaign's first day (up to a week more)
    weeks: int = 4
    free_changes: int = 2
    fee: str = "1500.00"


_CLOSE = (C.PROGRESSING, C.KEY)
_LATE = (C.LETTER_OF_INTENT, C.KEY)
# Up to the review passing and the plan going out: shared by most stories.
_OUT = ("draft", "submit", "pass", "send")


def _out(*days: tuple[int, str]) -> tuple[_Event, ...]:
    return tuple(_e(d, at, action) for (d, at), action in zip(days, _OUT, strict=True))


STORIES = (
    # --- plans ---------------------------------------------------------------------
    _Story("plan_draft", "sales3", (C.POTENTIAL, C.PROGRESSING), "edu", (
        _e(1, "10:20", "draft"),
    )),
    _Story("plan_rejected", "sales5", (C.PROGRESSING, C.POTENTIAL), "food", (
        _e(5, "09:40", "draft"), _e(5, "16:10", "submit"), _e(4, "11:00", "reject", "rej_budget"),
    )),
    _Story("plan_declined", "sales2", (C.KEY, C.PROGRESSING), "print", (
        *_out((11, "10:00"), (11, "15:00"), (10, "10:30"), (10, "14:00")),
        _e(3, "16:00", "decline", "fb_price"),
    )),
    _Story("plan_in_review", "sales6", (C.PROGRESSING, C.POTENTIAL), "metro", (
        _e(2, "14:00", "draft"), _e(1, "09:30", "submit"),
    )),
    _Story("plan_in_review_again", "sales1", _CLOSE, "launch", (
        _e(6, "10:00", "draft"), _e(6, "17:00", "submit"), _e(5, "10:00", "reject", "rej_audience"),
        _e(2, "15:00", "revise"), _e(1, "10:10", "submit"),
    )),
    _Story("plan_approved", "sales4", _CLOSE, "property", (
        _e(3, "11:00", "draft"), _e(3, "16:30", "submit"), _e(1, "09:50", "pass", "ok_plan"),
    )),
    _Story("plan_submitted", "sales3", _CLOSE, "radio", (
        *_out((8, "10:00"), (8, "15:00"), (7, "09:30"), (6, "10:00")),
    )),
    _Story("plan_submitted_again", "sales5", (C.KEY, C.PROGRESSING), "tv_led", (
        *_out((14, "10:00"), (14, "16:00"), (13, "10:00"), (13, "15:00")),
        _e(8, "11:00", "decline", "fb_mix"), _e(7, "10:00", "revise"), _e(7, "14:00", "submit"),
        _e(6, "10:00", "pass"), _e(5, "10:30", "send"),
    ), first_package="tv_sat"),
    _Story("plan_cancelled_draft", "sales6", (C.POTENTIAL, C.PROGRESSING), "food", (
        _e(15, "10:00", "draft"), _e(10, "11:00", "cancel", "cx_budget"),
    )),
    _Story("plan_cancelled_out", "sales1", _CLOSE, "metro", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(9, "10:00", "cancel", "cx_competitor"),
    )),
    # --- agreements ----------------------------------------------------------------
    _Story("agreement_draft", "sales4", (C.KEY, C.PROGRESSING), "launch", (
        *_out((9, "10:00"), (9, "15:00"), (8, "10:00"), (8, "14:00")),
        _e(2, "10:00", "accept"), _e(1, "11:00", "terms"),
    )),
    _Story("agreement_returned", "sales2", (C.KEY, C.PROGRESSING), "outdoor", (
        *_out((10, "10:00"), (10, "15:00"), (9, "10:00"), (9, "14:00")),
        _e(6, "10:00", "accept"), _e(6, "15:00", "terms", "payment_late"),
        _e(5, "10:00", "a_submit"), _e(4, "11:00", "a_reject", "ar_payment"),
    )),
    _Story("agreement_with_manager", "sales6", (C.KEY, C.PROGRESSING), "food", (
        *_out((9, "10:00"), (9, "15:30"), (8, "10:00"), (8, "14:00")),
        _e(3, "10:00", "accept"), _e(3, "15:00", "terms"), _e(1, "10:00", "a_submit"),
    )),
    _Story("agreement_major_with_manager", "sales3", (C.KEY, C.PROGRESSING), "edu_deep", (
        *_out((12, "10:00"), (12, "15:00"), (11, "10:00"), (11, "14:00")),
        _e(4, "10:00", "accept"), _e(4, "15:00", "terms"), _e(1, "15:00", "a_submit"),
    )),
    _Story("agreement_with_director", "sales5", (C.KEY, C.PROGRESSING), "radio_deep", (
        *_out((13, "10:00"), (13, "15:00"), (12, "10:00"), (12, "14:00")),
        _e(5, "10:00", "accept"), _e(5, "15:00", "terms"), _e(4, "10:00", "a_submit"),
        _e(2, "11:00", "a_approve", "ok_manager_major"),
    )),
    _Story("agreement_approved", "sales1", (C.KEY, C.PROGRESSING), "metro", (
        *_out((12, "10:00"), (12, "15:00"), (11, "10:00"), (11, "14:00")),
        _e(4, "10:00", "accept"), _e(4, "15:00", "terms"), _e(3, "10:00", "a_submit"),
        _e(2, "10:00", "a_approve", "ok_manager"),
    )),
    _Story("agreement_approved_by_delegate", "sales4", (C.KEY, C.PROGRESSING), "property_deep", (
        *_out((13, "10:00"), (13, "15:00"), (12, "10:00"), (12, "14:00")),
        _e(5, "10:00", "accept"), _e(5, "15:00", "terms"), _e(3, "10:00", "a_submit"),
        _e(3, "16:00", "a_approve", "ok_manager_major"),
        _e(1, "11:00", "a_approve", "ok_delegated", by="delegate_now"),
    )),
    _Story("agreement_sent_with_loi", "sales2", _CLOSE, "launch", (
        *_out((15, "10:00"), (15, "15:00"), (14, "10:00"), (14, "14:00")),
        _e(8, "10:00", "accept"), _e(8, "15:00", "terms"), _e(7, "10:00", "a_submit"),
        _e(7, "16:00", "a_approve"), _e(6, "10:30", "a_send"), _e(1, "16:00", "a_loi"),
    ), starts_in=14),
    _Story("agreement_major_sent", "sales6", _LATE, "tv_sat_deep", (
        *_out((14, "10:00"), (14, "15:00"), (13, "10:00"), (13, "14:00")),
        _e(7, "10:00", "accept"), _e(7, "15:00", "terms"), _e(6, "10:00", "a_submit"),
        _e(6, "15:00", "a_approve", "ok_manager_major"),
        _e(5, "11:00", "a_approve", "ok_director", by="director"), _e(4, "10:00", "a_send"),
    ), starts_in=14),
    _Story("agreement_signed", "sales4", _LATE, "outdoor", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(10, "10:00", "accept"), _e(10, "15:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "15:00", "a_approve"), _e(8, "10:00", "a_send"), _e(4, "14:00", "a_sign"),
        _e(2, "10:30", "a_change", "art_1"),
    ), starts_in=7),
    # Rejected in review, revised, accepted; signed; changes beyond the one free.
    _Story("agreement_signed_changes_charged", "sales1", _LATE, "brand", (
        _e(17, "10:00", "draft"), _e(17, "15:00", "submit"),
        _e(16, "10:00", "reject", "rej_schedule"), _e(16, "16:00", "revise"),
        _e(15, "10:00", "submit"), _e(15, "15:00", "pass"), _e(14, "10:00", "send"),
        _e(10, "11:00", "accept"), _e(10, "16:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "16:00", "a_approve"), _e(8, "11:00", "a_send"), _e(5, "15:00", "a_sign"),
        _e(4, "10:00", "a_change", "art_1"), _e(2, "11:00", "a_change", "rev_1"),
        _e(1, "15:00", "a_change", "art_2"),
    ), starts_in=3, free_changes=1, fee="2000.00"),
    # Declined by the customer, revised to national TV, accepted: major by its total.
    _Story("agreement_signed_major_total", "sales5", _LATE, "cctv", (
        *_out((18, "10:00"), (18, "15:00"), (17, "10:00"), (17, "14:00")),
        _e(14, "10:00", "decline", "fb_reach"), _e(14, "16:00", "revise"),
        _e(13, "10:00", "submit"), _e(13, "15:00", "pass"), _e(12, "10:00", "send"),
        _e(10, "10:00", "accept"), _e(10, "15:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "15:00", "a_approve", "ok_manager_major"),
        _e(8, "10:00", "a_approve", "ok_director_total", by="director"),
        _e(7, "10:00", "a_send"), _e(3, "15:00", "a_sign"),
    ), first_package="tv_sat", starts_in=10, weeks=6, free_changes=0, fee="5000.00"),
    # The manager's approval given by the other manager while the first was on leave.
    _Story("agreement_signed_delegated", "sales2", _LATE, "metro", (
        *_out((17, "10:00"), (17, "15:00"), (16, "10:00"), (16, "14:00")),
        _e(13, "10:00", "accept"), _e(13, "15:00", "terms"), _e(13, "16:30", "a_submit"),
        _e(12, "10:00", "a_approve", "ok_manager", by="delegate_then"),
        _e(12, "15:00", "a_send"), _e(4, "11:00", "a_sign"), _e(1, "10:00", "a_change", "rev_1"),
    ), starts_in=5),
    _Story("agreement_signed_major", "sales6", _LATE, "print_deep", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(11, "10:00", "accept"), _e(11, "15:00", "terms"), _e(10, "10:00", "a_submit"),
        _e(10, "15:00", "a_approve", "ok_manager_major"),
        _e(9, "11:00", "a_approve", "ok_director", by="director"), _e(9, "16:00", "a_send"),
        _e(3, "11:00", "a_sign"), _e(1, "14:00", "a_change", "art_1"),
    ), starts_in=5, free_changes=3),
    # The director turned the discount down; within authority it needs only the manager.
    _Story("agreement_signed_after_rejection", "sales3", _LATE, "outdoor_deep", (
        *_out((15, "10:00"), (15, "15:00"), (14, "10:00"), (14, "14:00")),
        _e(10, "10:00", "accept"), _e(10, "15:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "15:00", "a_approve", "ok_manager_major"),
        _e(8, "10:00", "a_reject", "ar_discount", by="director"),
        _e(7, "10:00", "terms", "within"), _e(7, "11:00", "a_submit"),
        _e(6, "10:00", "a_approve", "ok_manager"), _e(6, "15:00", "a_send"),
        _e(2, "15:00", "a_sign"),
    ), starts_in=10),
    # Sent, cancelled when the budget froze, drafted again once it came back (smaller).
    _Story("agreement_cancelled", "sales5", (C.KEY, C.PROGRESSING), "food", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(12, "10:00", "accept"), _e(12, "15:00", "terms"), _e(11, "10:00", "a_submit"),
        _e(11, "15:00", "a_approve"), _e(10, "10:00", "a_send"),
        _e(6, "11:00", "a_cancel", "ac_budget"), _e(2, "10:00", "a_new"),
        _e(1, "16:00", "terms", "smaller"),
    )),
)  # fmt: skip
_MOVES_CLASS = {"a_sign", "a_loi"}


# --- the plan ---------------------------------------------------------------------------


@dataclass
class _Case:
    """One story being told: who, for which customer, and the documents so far."""

    story: _Story
    person: User
    customer: Customer
    lang: int  # 0: Chinese, 1: English
    theme: str
    start: date  # the campaign's first day
    plan: Plan | None = None
    agreement: Agreement | None = None

    def text(self, key: str) -> str:
        return _TEXTS[key][self.lang]


def seed_contracts(*, now: datetime | None = None, seed: int = SEED) -> dict:
    """Create the demo price list, plans and agreements unless any exist; returns counts."""
    return seed_once(_Seeder, now=now, seed=seed)


class _Seeder(Seeder):
    lock = CONTRACTS_LOCK
    roles = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR)
    nothing = {"plans created": 0}

    def __init__(self, *, now: datetime, rng: random.Random, users: dict[str, User]):
        super().__init__(now=now, rng=rng, users=users)
        self.threshold = selectors.policy().major_agreement_threshold
        self.director = users["director"]
        self.products: dict[str, Product] = {}
        self.delegates: dict[str, User] = {}

    @classmethod
    def seeded(cls) -> bool:
        return Product.objects.exists() or Plan.objects.exists() or Agreement.objects.exists()

    @classmethod
    def ready(cls, *, now: datetime, users: dict[str, User]) -> bool:
        # The stories follow on from the customers' last weeks (their class history comes
        # first): demo customers worked on long ago cannot carry them.
        return ClassChange.objects.filter(
            customer__owner__username__in=list(users),
            changed_at__gte=now - timedelta(days=RECENT_DAYS),
            changed_at__lt=now,
        ).exists()

    # --- time -------------------------------------------------------------------------

    def _day(self, days_back: int) -> date:
        """The working day `days_back` (1 or more) before today."""
        return self.calendar.add_working_days(self.today, -days_back)

    def _moment(self, days_back: int, at: str) -> datetime:
        hour, minute = map(int, at.split(":"))
        moment = datetime.combine(self._day(days_back), time(hour, minute), tzinfo=self.tz)
        if moment >= self.now:
            raise RuntimeError(f"demo step planned in the future: {moment}")
        return moment

    # --- the price list ---------------------------------------------------------------

    def _price_list(self) -> None:
        admin = User.objects.filter(username="admin", role=Role.ADMIN).first()
        with acting_as(admin):
            for code, name, medium, unit, price, active in PRICE_LIST:
                self.products[code] = Product.objects.create(
                    code=code,
                    name=name,
                    medium=medium,
                    unit=unit,
                    list_price=Decimal(price),
                    active=active,
                )

    # --- the stories ------------------------------------------------------------------

    def plan(self) -> None:
        self._price_list()  # made there and then: the stories sell from it
        self._plan_delegations()
        candidates = self._candidates()
        used: set[int] = set()
        # The stories that move a customer's class pick first: they need a quiet history.
        ordered = sorted(STORIES, key=lambda s: not any(e.action in _MOVES_CLASS for e in s.events))
        for story in ordered:
            case = self._cast(story, candidates, used)
            if case is None:
                self.skipped.append(f"{story.key}: no customer fits")
                continue
            used.add(case.customer.pk)
            for event in story.events:
                actor = self._actor(case, event)
                run = partial(getattr(self, f"_{event.action}"), case, event)
                self._step(self._moment(event.days_back, event.at), actor, run)

    def _plan_delegations(self) -> None:
        for key, (giver, taker, start, until, recorded, reason) in _DELEGATIONS.items():
            delegator, delegate = self.users[giver], self.users[taker]
            self.delegates[key] = delegate
            valid_from = self._day(start)
            valid_until = self._day(until) if until is not None else self.today + timedelta(7)
            at = self._moment(*recorded)
            run = partial(self._delegate, delegator, delegate, valid_from, valid_until, reason)
            self._step(at, delegator, run)

    def _candidates(self) -> dict[int, list[Customer]]:
        """The demo salespeople's customers, with when their class last changed."""
        people = [u for u in self.users.values() if u.role == Role.SALESPERSON]
        customers = (
            Customer.objects.filter(owner__in=people)
            .annotate(last_change=Max("class_changes__changed_at"))
            .order_by("pk")
        )
        by_owner: dict[int, list[Customer]] = {}
        for customer in customers:
            by_owner.setdefault(customer.owner_id, []).append(customer)
        return by_owner

    def _cast(self, story: _Story, candidates, used) -> _Case | None:
        """The customer of the story: the person's own (else a teammate's), ready in time."""
        first = self._moment(story.events[0].days_back, story.events[0].at)
        moves = [self._moment(e.days_back, e.at) for e in story.events if e.action in _MOVES_CLASS]
        ladder = [C.POTENTIAL, C.PROGRESSING, C.KEY, C.LETTER_OF_INTENT]
        if any(e.action == "a_loi" for e in story.events):  # the letter moves it forward
            ladder = ladder[:-1]
        person = self.users[story.person]
        teammates = [
            u
            for u in self.users.values()
            if u.role == Role.SALESPERSON
            and self.team_key[u.pk] == self.team_key[person.pk]
            and u != person
        ]
        team = [person, *sorted(teammates, key=lambda u: u.username)]
        for classes in (story.classes, tuple(ladder)):
            for owner in team:
                fits = [
                    c
                    for c in candidates.get(owner.pk, [])
                    if c.pk not in used
                    and c.pipeline_class in classes
                    and (c.assigned_at or c.entered_at) < first - timedelta(days=1)
                    and (
                        not moves
                        or (c.last_change or c.entered_at) < min(moves) - timedelta(minutes=30)
                    )
                ]
                if fits:
                    customer = self.rng.choice(fits)
                    lang = int(customer.name.isascii())
                    start = self.today + timedelta(story.starts_in + self.rng.randrange(8))
                    return _Case(story, owner, customer, lang, self._theme(customer), start)
        return None

    def _theme(self, customer: Customer) -> str:
        for words, theme in _THEME_BY_INDUSTRY:
            if any(word in customer.industry for word in words):
                return theme
        return self.rng.choice(_GENERAL_THEMES)

    def _actor(self, case: _Case, event: _Event) -> User:
        if event.by == "director":
            return self.director
        if event.by.startswith("delegate_"):
            return self.delegates[event.by.removeprefix("delegate_")]
        if event.action in ("pass", "reject", "a_approve", "a_reject"):
            return case.person.team.manager
        return case.person

    # --- what the documents say -------------------------------------------------------

    def _lines(self, case: _Case, package: str, how: str = "") -> list[dict]:
        """The package's lines at the prices the salesperson agreed for this customer."""
        start, end = self._period(case)
        authority = Decimal(case.person.discount_authority)
        lines = []
        for code, quantity, relative in PACKAGES[package]:
            product = self.products[code]
            if how == "within" and relative is not None:
                relative = min(relative, -1)
            if how == "smaller":
                quantity = max(1, quantity // 2)
            off = Decimal(0) if relative is None else max(authority + relative, Decimal(0))
            price = (product.list_price * (100 - off) / 100).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            description = _DESCRIPTIONS.get(code, ("", ""))[case.lang]
            lines.append(
                {
                    "product": product,
                    "description": description,
                    "period_start": start,
                    "period_end": end,
                    "quantity": quantity,
                    "agreed_price": price,
                }
            )
        if package == "cctv":  # national reach: above the threshold, whatever it is now
            while sum(line["agreed_price"] * line["quantity"] for line in lines) <= self.threshold:
                lines[0]["quantity"] += 1
        return lines

    def _period(self, case: _Case) -> tuple[date, date]:
        return case.start, case.start + timedelta(days=7 * case.story.weeks - 1)

    def _content(self, case: _Case, *, revised: bool) -> dict:
        story, lang = case.story, case.lang
        package = story.package if revised or not story.first_package else story.first_package
        lines = self._lines(case, package)
        title, objectives, audience, schedule = _THEMES[case.theme][lang]
        start, end = self._period(case)
        season = _SEASONS[start.month - 1][lang]
        unit_words = {unit: words[lang] for unit, words in _UNIT_WORDS.items()}
        media = [
            f"• {line['product'].name} × {line['quantity']} {unit_words[line['product'].unit]}"
            + (
                (" ({})" if lang else "（{}）").format(line["description"])
                if line["description"]
                else ""
            )
            for line in lines
        ]
        budget = sum((line["agreed_price"] * line["quantity"] for line in lines), Decimal(0))
        if revised and not story.first_package:  # what the review asked for
            audience += _AUDIENCE_NOTE[lang]
            split = ("；" if not lang else "; ").join(
                f"{line['product'].name} {line['agreed_price'] * line['quantity']:,.0f}"
                for line in lines
            )
            schedule += "\n" + _SPLIT[lang] + split
        return {
            "title": f"{season} {start.year} {title}" if lang else f"{start.year}年{season}{title}",
            "objectives": objectives,
            "audience": audience,
            "media_mix": "\n".join(media),
            "schedule": schedule,
            "budget": (budget / 1000).quantize(Decimal(1), rounding=ROUND_CEILING) * 1000,
            "period_start": start,
            "period_end": end,
        }

    def _agreement_terms(self, case: _Case, payment: str) -> dict:
        start, end = self._period(case)
        return {
            "title": case.plan.title,
            "period_start": start,
            "period_end": end,
            "free_changes": case.story.free_changes,
            "fee_per_change": Decimal(case.story.fee),
            "payment_terms": case.text(payment or "payment"),
            "notes": case.text("notes"),
        }

    # --- the steps: each runs at its moment, through the services ---------------------

    def _after_steps(self) -> None:
        self._read_old_news()

    def _delegate(self, delegator, delegate, valid_from, valid_until, reason, at) -> None:
        services.delegation_create(
            delegator=delegator,
            delegate=delegate,
            valid_from=valid_from,
            valid_until=valid_until,
            reason=reason,
            actor=delegator,
            now=at,
        )

    def _draft(self, case: _Case, event: _Event, at: datetime) -> None:
        case.plan = services.plan_create(
            customer=case.customer,
            actor=case.person,
            data=self._content(case, revised=False),
            now=at,
        )

    def _submit(self, case: _Case, event: _Event, at: datetime) -> None:
        case.plan = services.plan_submit(plan=case.plan, actor=case.person, now=at)

    def _pass(self, case: _Case, event: _Event, at: datetime) -> None:
        comment = case.text(event.text) if event.text else ""
        reviewer = self._actor(case, event)
        case.plan = services.plan_review(
            plan=case.plan, actor=reviewer, approve=True, comment=comment, now=at
        )

    def _reject(self, case: _Case, event: _Event, at: datetime) -> None:
        reviewer = self._actor(case, event)
        case.plan = services.plan_review(
            plan=case.plan, actor=reviewer, approve=False, comment=case.text(event.text), now=at
        )

    def _revise(self, case: _Case, event: _Event, at: datetime) -> None:
        # services.plan_update takes no `now`: a draft's edits carry no date of their own.
        data = self._content(case, revised=True)
        case.plan = services.plan_update(plan=case.plan, actor=case.person, data=data)

    def _send(self, case: _Case, event: _Event, at: datetime) -> None:
        case.plan = services.plan_send(plan=case.plan, actor=case.person, now=at)

    def _decline(self, case: _Case, event: _Event, at: datetime) -> None:
        case.plan = services.plan_decline(
            plan=case.plan, actor=case.person, feedback=case.text(event.text), now=at
        )

    def _cancel(self, case: _Case, event: _Event, at: datetime) -> None:
        case.plan = services.plan_cancel(
            plan=case.plan, actor=case.person, reason=case.text(event.text), now=at
        )

    def _accept(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.plan_accept(plan=case.plan, actor=case.person, now=at)

    def _terms(self, case: _Case, event: _Event, at: datetime) -> None:
        how = event.text if event.text in ("within", "smaller") else ""
        payment = event.text if event.text.startswith("payment") else ""
        # services.agreement_update takes no `now`: a draft's edits carry no date of their own.
        case.agreement = services.agreement_update(
            agreement=case.agreement,
            actor=case.person,
            data=self._agreement_terms(case, payment),
            lines=self._lines(case, case.story.package, how),
        )

    def _a_submit(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_submit(
            agreement=case.agreement, actor=case.person, now=at
        )

    def _a_approve(self, case: _Case, event: _Event, at: datetime) -> None:
        comment = case.text(event.text) if event.text else ""
        case.agreement = services.agreement_decide(
            agreement=case.agreement,
            actor=self._actor(case, event),
            approve=True,
            comment=comment,
            now=at,
        )

    def _a_reject(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_decide(
            agreement=case.agreement,
            actor=self._actor(case, event),
            approve=False,
            comment=case.text(event.text),
            now=at,
        )

    def _a_send(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_send(
            agreement=case.agreement, actor=case.person, now=at
        )

    def _a_sign(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_sign(
            agreement=case.agreement,
            actor=case.person,
            signed_on=timezone.localdate(at, self.tz),
            now=at,
        )

    def _a_loi(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_record_loi(
            agreement=case.agreement,
            actor=case.person,
            signed_on=timezone.localdate(at, self.tz),
            now=at,
        )

    def _a_change(self, case: _Case, event: _Event, at: datetime) -> None:
        services.change_request_add(
            agreement=case.agreement,
            actor=case.person,
            kind=_CHANGE_KIND[event.text.split("_")[0]],
            description=case.text(event.text),
            now=at,
        )

    def _a_cancel(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_cancel(
            agreement=case.agreement, actor=case.person, reason=case.text(event.text), now=at
        )

    def _a_new(self, case: _Case, event: _Event, at: datetime) -> None:
        case.agreement = services.agreement_create(plan=case.plan, actor=case.person, now=at)

    def _read_old_news(self) -> None:
        """People have read what is done with: unread stays what still waits for them."""
        recent = self.now - timedelta(days=3)
        still_open = {  # notification kind -> (documents it is still news about)
            "plan_review_requested": Plan.objects.filter(state=P.IN_REVIEW),
            "plan_review_passed": Plan.objects.filter(state=P.APPROVED),
            "plan_review_rejected": Plan.objects.filter(state=P.DRAFT).exclude(return_reason=""),
            "plan_declined": Plan.objects.filter(state=P.DRAFT).exclude(return_reason=""),
            "plan_accepted": Agreement.objects.filter(state=A.DRAFT, revision=0),
            "agreement_submitted": Agreement.objects.filter(state=A.MANAGER_REVIEW),
            "agreement_needs_director": Agreement.objects.filter(state=A.DIRECTOR_REVIEW),
            "agreement_manager_approved": Agreement.objects.filter(state=A.DIRECTOR_REVIEW),
            "agreement_approved": Agreement.objects.filter(state=A.APPROVED),
            "agreement_rejected": Agreement.objects.filter(state=A.DRAFT).exclude(return_reason=""),
            "agreement_signed": Agreement.objects.filter(signed_recorded_at__gte=recent),
            "change_charged": Agreement.objects.filter(
                change_requests__free=False, change_requests__requested_at__gte=recent
            ),
        }
        for kind, documents in still_open.items():
            url = services.plan_url if documents.model is Plan else services.agreement_url
            urls = [url(document) for document in documents]
            Notification.objects.filter(kind=kind, read_at__isnull=True).exclude(
                url__in=urls
            ).update(read_at=self.now)

    # --- the result -------------------------------------------------------------------

    def counts(self) -> dict:
        agreements = Agreement.objects.all()
        counts = {
            "price list products created": Product.objects.count(),
            "plans created": Plan.objects.count(),
            "agreements created": agreements.count(),
        }
        if self.skipped:
            counts["demo contract steps skipped"] = len(self.skipped)
        return counts
