"""What the demo contracts are made of, and the stories the seeder tells with them.

The price list and the media packages sold from it, what the salespeople, managers,
the director and the customers write, the delegations, and the stories: one for each
state a plan or an agreement can be in, as events on working days before today. The
seeder (demo.contracts) casts a customer for each story and plays its events.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

from dataclasses import dataclass

from contracts.models import ChangeRequest, Medium, Unit
from customers.models import PipelineClass

C = PipelineClass

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
DESCRIPTIONS = {
    "TV-CCTV1-PT30": ("《新闻联播》后黄金时段", "Prime time after the 7 pm news"),
    "OD-LED-DAY": ("核心商圈大屏，每日120次×15秒", "City-centre screens, 120 × 15 s a day"),
    "OD-METRO-LB": ("站台灯箱，按块·月计", "Platform light boxes, per panel-month"),
    "OD-ELEV-WEEK": ("甲级写字楼电梯框架海报", "Grade-A office tower elevator frames"),
}
UNIT_WORDS = {
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
THEMES = {
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
THEME_BY_INDUSTRY = (
    (("教育", "Education"), "enrol"),
    (("房地产", "Real estate"), "property"),
    (("餐饮", "茶饮", "食品", "Café", "Food", "Beverage"), "opening"),
)
GENERAL_THEMES = ("launch", "brand", "promo")
SEASONS = (("冬季", "Winter"),) * 2 + (("春季", "Spring"),) * 3 + (("夏季", "Summer"),) * 3
SEASONS += (("秋季", "Autumn"),) * 3 + (("冬季", "Winter"),)
# After a rejected review the plan gets a narrower audience and the budget split.
AUDIENCE_NOTE = ("（集中覆盖客户的重点区域）", " (concentrating on the customer's key districts)")
SPLIT = ("预算拆分：", "Budget split: ")

TEXTS = {  # key: (Chinese, English), chosen by the customer's language
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
CHANGE_KIND = {"art": ChangeRequest.Kind.ARTWORK, "rev": ChangeRequest.Kind.REVISION}
DELEGATIONS = {
    # key: delegator, delegate, from (working days back), until (working days back; None:
    # a week from today), recorded (working days back, time), reason
    "then": ("manager1", "manager2", 14, 11, (15, "17:30"),
             "年假期间，本组审批由华南销售部经理代签。"),
    "now": ("director", "manager1", 3, None, (4, "18:00"),
            "海外出差期间，重大协议由华东销售部经理代为审批。"),
}  # fmt: skip

# --- the stories ------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    days_back: int  # working days before today
    at: str  # local time of day, "HH:MM"
    action: str
    text: str = ""
    by: str = ""  # "" (the owner or the team manager), "director", "delegate_then/_now"


def _e(days_back: int, at: str, action: str, text: str = "", by: str = "") -> Event:
    return Event(days_back, at, action, text, by)


@dataclass(frozen=True)
class Story:
    key: str
    person: str
    classes: tuple[str, ...]  # the customer's class, in order of preference
    package: str
    events: tuple[Event, ...]
    first_package: str = ""  # what the first version proposed, when the customer wanted more
    starts_in: int = 21  # days from today to the campaign's first day (up to a week more)
    weeks: int = 4
    free_changes: int = 2
    fee: str = "1500.00"


_CLOSE = (C.PROGRESSING, C.KEY)
_LATE = (C.LETTER_OF_INTENT, C.KEY)
# Up to the review passing and the plan going out: shared by most stories.
_OUT = ("draft", "submit", "pass", "send")


def _out(*days: tuple[int, str]) -> tuple[Event, ...]:
    return tuple(_e(d, at, action) for (d, at), action in zip(days, _OUT, strict=True))


STORIES = (
    # --- plans ---------------------------------------------------------------------
    Story("plan_draft", "sales3", (C.POTENTIAL, C.PROGRESSING), "edu", (
        _e(1, "10:20", "draft"),
    )),
    Story("plan_rejected", "sales5", (C.PROGRESSING, C.POTENTIAL), "food", (
        _e(5, "09:40", "draft"), _e(5, "16:10", "submit"), _e(4, "11:00", "reject", "rej_budget"),
    )),
    Story("plan_declined", "sales2", (C.KEY, C.PROGRESSING), "print", (
        *_out((11, "10:00"), (11, "15:00"), (10, "10:30"), (10, "14:00")),
        _e(3, "16:00", "decline", "fb_price"),
    )),
    Story("plan_in_review", "sales6", (C.PROGRESSING, C.POTENTIAL), "metro", (
        _e(2, "14:00", "draft"), _e(1, "09:30", "submit"),
    )),
    Story("plan_in_review_again", "sales1", _CLOSE, "launch", (
        _e(6, "10:00", "draft"), _e(6, "17:00", "submit"), _e(5, "10:00", "reject", "rej_audience"),
        _e(2, "15:00", "revise"), _e(1, "10:10", "submit"),
    )),
    Story("plan_approved", "sales4", _CLOSE, "property", (
        _e(3, "11:00", "draft"), _e(3, "16:30", "submit"), _e(1, "09:50", "pass", "ok_plan"),
    )),
    Story("plan_submitted", "sales3", _CLOSE, "radio", (
        *_out((8, "10:00"), (8, "15:00"), (7, "09:30"), (6, "10:00")),
    )),
    Story("plan_submitted_again", "sales5", (C.KEY, C.PROGRESSING), "tv_led", (
        *_out((14, "10:00"), (14, "16:00"), (13, "10:00"), (13, "15:00")),
        _e(8, "11:00", "decline", "fb_mix"), _e(7, "10:00", "revise"), _e(7, "14:00", "submit"),
        _e(6, "10:00", "pass"), _e(5, "10:30", "send"),
    ), first_package="tv_sat"),
    Story("plan_cancelled_draft", "sales6", (C.POTENTIAL, C.PROGRESSING), "food", (
        _e(15, "10:00", "draft"), _e(10, "11:00", "cancel", "cx_budget"),
    )),
    Story("plan_cancelled_out", "sales1", _CLOSE, "metro", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(9, "10:00", "cancel", "cx_competitor"),
    )),
    # --- agreements ----------------------------------------------------------------
    Story("agreement_draft", "sales4", (C.KEY, C.PROGRESSING), "launch", (
        *_out((9, "10:00"), (9, "15:00"), (8, "10:00"), (8, "14:00")),
        _e(2, "10:00", "accept"), _e(1, "11:00", "terms"),
    )),
    Story("agreement_returned", "sales2", (C.KEY, C.PROGRESSING), "outdoor", (
        *_out((10, "10:00"), (10, "15:00"), (9, "10:00"), (9, "14:00")),
        _e(6, "10:00", "accept"), _e(6, "15:00", "terms", "payment_late"),
        _e(5, "10:00", "a_submit"), _e(4, "11:00", "a_reject", "ar_payment"),
    )),
    Story("agreement_with_manager", "sales6", (C.KEY, C.PROGRESSING), "food", (
        *_out((9, "10:00"), (9, "15:30"), (8, "10:00"), (8, "14:00")),
        _e(3, "10:00", "accept"), _e(3, "15:00", "terms"), _e(1, "10:00", "a_submit"),
    )),
    Story("agreement_major_with_manager", "sales3", (C.KEY, C.PROGRESSING), "edu_deep", (
        *_out((12, "10:00"), (12, "15:00"), (11, "10:00"), (11, "14:00")),
        _e(4, "10:00", "accept"), _e(4, "15:00", "terms"), _e(1, "15:00", "a_submit"),
    )),
    Story("agreement_with_director", "sales5", (C.KEY, C.PROGRESSING), "radio_deep", (
        *_out((13, "10:00"), (13, "15:00"), (12, "10:00"), (12, "14:00")),
        _e(5, "10:00", "accept"), _e(5, "15:00", "terms"), _e(4, "10:00", "a_submit"),
        _e(2, "11:00", "a_approve", "ok_manager_major"),
    )),
    Story("agreement_approved", "sales1", (C.KEY, C.PROGRESSING), "metro", (
        *_out((12, "10:00"), (12, "15:00"), (11, "10:00"), (11, "14:00")),
        _e(4, "10:00", "accept"), _e(4, "15:00", "terms"), _e(3, "10:00", "a_submit"),
        _e(2, "10:00", "a_approve", "ok_manager"),
    )),
    Story("agreement_approved_by_delegate", "sales4", (C.KEY, C.PROGRESSING), "property_deep", (
        *_out((13, "10:00"), (13, "15:00"), (12, "10:00"), (12, "14:00")),
        _e(5, "10:00", "accept"), _e(5, "15:00", "terms"), _e(3, "10:00", "a_submit"),
        _e(3, "16:00", "a_approve", "ok_manager_major"),
        _e(1, "11:00", "a_approve", "ok_delegated", by="delegate_now"),
    )),
    Story("agreement_sent_with_loi", "sales2", _CLOSE, "launch", (
        *_out((15, "10:00"), (15, "15:00"), (14, "10:00"), (14, "14:00")),
        _e(8, "10:00", "accept"), _e(8, "15:00", "terms"), _e(7, "10:00", "a_submit"),
        _e(7, "16:00", "a_approve"), _e(6, "10:30", "a_send"), _e(1, "16:00", "a_loi"),
    ), starts_in=14),
    Story("agreement_major_sent", "sales6", _LATE, "tv_sat_deep", (
        *_out((14, "10:00"), (14, "15:00"), (13, "10:00"), (13, "14:00")),
        _e(7, "10:00", "accept"), _e(7, "15:00", "terms"), _e(6, "10:00", "a_submit"),
        _e(6, "15:00", "a_approve", "ok_manager_major"),
        _e(5, "11:00", "a_approve", "ok_director", by="director"), _e(4, "10:00", "a_send"),
    ), starts_in=14),
    Story("agreement_signed", "sales4", _LATE, "outdoor", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(10, "10:00", "accept"), _e(10, "15:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "15:00", "a_approve"), _e(8, "10:00", "a_send"), _e(4, "14:00", "a_sign"),
        _e(2, "10:30", "a_change", "art_1"),
    ), starts_in=7),
    # Rejected in review, revised, accepted; signed; changes beyond the one free.
    Story("agreement_signed_changes_charged", "sales1", _LATE, "brand", (
        _e(17, "10:00", "draft"), _e(17, "15:00", "submit"),
        _e(16, "10:00", "reject", "rej_schedule"), _e(16, "16:00", "revise"),
        _e(15, "10:00", "submit"), _e(15, "15:00", "pass"), _e(14, "10:00", "send"),
        _e(10, "11:00", "accept"), _e(10, "16:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "16:00", "a_approve"), _e(8, "11:00", "a_send"), _e(5, "15:00", "a_sign"),
        _e(4, "10:00", "a_change", "art_1"), _e(2, "11:00", "a_change", "rev_1"),
        _e(1, "15:00", "a_change", "art_2"),
    ), starts_in=3, free_changes=1, fee="2000.00"),
    # Declined by the customer, revised to national TV, accepted: major by its total.
    Story("agreement_signed_major_total", "sales5", _LATE, "cctv", (
        *_out((18, "10:00"), (18, "15:00"), (17, "10:00"), (17, "14:00")),
        _e(14, "10:00", "decline", "fb_reach"), _e(14, "16:00", "revise"),
        _e(13, "10:00", "submit"), _e(13, "15:00", "pass"), _e(12, "10:00", "send"),
        _e(10, "10:00", "accept"), _e(10, "15:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "15:00", "a_approve", "ok_manager_major"),
        _e(8, "10:00", "a_approve", "ok_director_total", by="director"),
        _e(7, "10:00", "a_send"), _e(3, "15:00", "a_sign"),
    ), first_package="tv_sat", starts_in=10, weeks=6, free_changes=0, fee="5000.00"),
    # The manager's approval given by the other manager while the first was on leave.
    Story("agreement_signed_delegated", "sales2", _LATE, "metro", (
        *_out((17, "10:00"), (17, "15:00"), (16, "10:00"), (16, "14:00")),
        _e(13, "10:00", "accept"), _e(13, "15:00", "terms"), _e(13, "16:30", "a_submit"),
        _e(12, "10:00", "a_approve", "ok_manager", by="delegate_then"),
        _e(12, "15:00", "a_send"), _e(4, "11:00", "a_sign"), _e(1, "10:00", "a_change", "rev_1"),
    ), starts_in=5),
    Story("agreement_signed_major", "sales6", _LATE, "print_deep", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(11, "10:00", "accept"), _e(11, "15:00", "terms"), _e(10, "10:00", "a_submit"),
        _e(10, "15:00", "a_approve", "ok_manager_major"),
        _e(9, "11:00", "a_approve", "ok_director", by="director"), _e(9, "16:00", "a_send"),
        _e(3, "11:00", "a_sign"), _e(1, "14:00", "a_change", "art_1"),
    ), starts_in=5, free_changes=3),
    # The director turned the discount down; within authority it needs only the manager.
    Story("agreement_signed_after_rejection", "sales3", _LATE, "outdoor_deep", (
        *_out((15, "10:00"), (15, "15:00"), (14, "10:00"), (14, "14:00")),
        _e(10, "10:00", "accept"), _e(10, "15:00", "terms"), _e(9, "10:00", "a_submit"),
        _e(9, "15:00", "a_approve", "ok_manager_major"),
        _e(8, "10:00", "a_reject", "ar_discount", by="director"),
        _e(7, "10:00", "terms", "within"), _e(7, "11:00", "a_submit"),
        _e(6, "10:00", "a_approve", "ok_manager"), _e(6, "15:00", "a_send"),
        _e(2, "15:00", "a_sign"),
    ), starts_in=10),
    # Sent, cancelled when the budget froze, drafted again once it came back (smaller).
    Story("agreement_cancelled", "sales5", (C.KEY, C.PROGRESSING), "food", (
        *_out((16, "10:00"), (16, "15:00"), (15, "10:00"), (15, "14:00")),
        _e(12, "10:00", "accept"), _e(12, "15:00", "terms"), _e(11, "10:00", "a_submit"),
        _e(11, "15:00", "a_approve"), _e(10, "10:00", "a_send"),
        _e(6, "11:00", "a_cancel", "ac_budget"), _e(2, "10:00", "a_new"),
        _e(1, "16:00", "terms", "smaller"),
    )),
)  # fmt: skip
MOVES_CLASS = {"a_sign", "a_loi"}
