"""Demo customers for `make run` (SPEC "Running it"): about 300 files in every state.

Every file is made and moved through customers.services, in time order, with
explicit `now=` moments spread over the last six weeks, so identity keys,
deadlines, class changes, assignments, claims, history and inbox notifications
are what six weeks of real use would have left. Deterministic for a given
`now` and seed. Runs only while there are no customers at all.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db import connection
from django.utils import timezone

from customers import identity, services
from customers.models import (
    CheckState,
    Contact,
    Customer,
    IdentityKey,
    OwnershipClaim,
    PipelineClass,
    SourceChannel,
)
from demo.base import CUSTOMERS_LOCK, TEAM_OF, Seeder, seed_once
from salescrm.errors import DomainError
from salescrm.history import acting_as
from salescrm.models import User
from salescrm.roles import Role

SEED = 20250601
WINDOW_DAYS = 42  # six weeks of history
# Files each demo salesperson collected in the window (ability shows); the pool adds 40.
COLLECTED = {"sales1": 52, "sales2": 44, "sales3": 32, "sales4": 48, "sales5": 36, "sales6": 44}

C = PipelineClass
ContactData = services.ContactData

# --- places -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    zh: str
    en: str
    area_code: str
    local_digits: int
    districts: tuple[tuple[str, str, str], ...]  # Chinese, English, administrative division code


_EAST = (
    _City("上海", "Shanghai", "021", 8, (
        ("静安区", "Jing'an", "310106"), ("徐汇区", "Xuhui", "310104"),
        ("浦东新区", "Pudong", "310115"), ("长宁区", "Changning", "310105"),
        ("黄浦区", "Huangpu", "310101"),
    )),
    _City("杭州", "Hangzhou", "0571", 8, (
        ("西湖区", "Xihu", "330106"), ("上城区", "Shangcheng", "330102"),
        ("滨江区", "Binjiang", "330108"), ("余杭区", "Yuhang", "330110"),
    )),
    _City("苏州", "Suzhou", "0512", 8, (
        ("姑苏区", "Gusu", "320508"), ("吴中区", "Wuzhong", "320506"),
        ("虎丘区", "Huqiu", "320505"),
    )),
    _City("南京", "Nanjing", "025", 8, (
        ("鼓楼区", "Gulou", "320106"), ("建邺区", "Jianye", "320105"),
        ("玄武区", "Xuanwu", "320102"), ("江宁区", "Jiangning", "320115"),
    )),
    _City("宁波", "Ningbo", "0574", 8, (
        ("鄞州区", "Yinzhou", "330212"), ("海曙区", "Haishu", "330203"),
    )),
    _City("无锡", "Wuxi", "0510", 8, (
        ("梁溪区", "Liangxi", "320213"), ("滨湖区", "Binhu", "320211"),
    )),
)  # fmt: skip
_SOUTH = (
    _City("深圳", "Shenzhen", "0755", 8, (
        ("南山区", "Nanshan", "440305"), ("福田区", "Futian", "440304"),
        ("罗湖区", "Luohu", "440303"), ("宝安区", "Bao'an", "440306"),
        ("龙岗区", "Longgang", "440307"),
    )),
    _City("广州", "Guangzhou", "020", 8, (
        ("天河区", "Tianhe", "440106"), ("越秀区", "Yuexiu", "440104"),
        ("海珠区", "Haizhu", "440105"), ("番禺区", "Panyu", "440113"),
    )),
    _City("厦门", "Xiamen", "0592", 7, (
        ("思明区", "Siming", "350203"), ("湖里区", "Huli", "350206"),
    )),
    _City("东莞", "Dongguan", "0769", 8, (("南城街道", "Nancheng", "441900"),)),
    _City("佛山", "Foshan", "0757", 8, (
        ("禅城区", "Chancheng", "440604"), ("顺德区", "Shunde", "440606"),
    )),
    _City("珠海", "Zhuhai", "0756", 7, (("香洲区", "Xiangzhou", "440402"),)),
)  # fmt: skip
REGIONS = {"east": _EAST, "south": _SOUTH}  # team keys of demo.people.PEOPLE
_ROADS = (
    ("中山路", "Zhongshan Road"), ("人民路", "Renmin Road"), ("解放路", "Jiefang Road"),
    ("建设路", "Jianshe Road"), ("长江路", "Changjiang Road"), ("新华路", "Xinhua Road"),
    ("科技园路", "Science Park Road"), ("滨江大道", "Binjiang Avenue"), ("文化路", "Wenhua Road"),
    ("和平路", "Heping Road"), ("世纪大道", "Century Avenue"), ("湖滨路", "Hubin Road"),
)  # fmt: skip

# --- companies --------------------------------------------------------------------------

_ZH_WORDS = (
    ("远航", "yuanhang"), ("云帆", "yunfan"), ("海岸", "haian"), ("星河", "xinghe"),
    ("锦程", "jincheng"), ("华联", "hualian"), ("金桥", "jinqiao"), ("鼎盛", "dingsheng"),
    ("恒通", "hengtong"), ("嘉禾", "jiahe"), ("瑞丰", "ruifeng"), ("新锐", "xinrui"),
    ("蓝鲸", "lanjing"), ("绿源", "lvyuan"), ("美佳", "meijia"), ("悦享", "yuexiang"),
    ("乐活", "lehuo"), ("优品", "youpin"), ("天合", "tianhe"), ("宏图", "hongtu"),
    ("明德", "mingde"), ("博雅", "boya"), ("百川", "baichuan"), ("汇智", "huizhi"),
    ("光华", "guanghua"), ("盛世", "shengshi"), ("同心", "tongxin"), ("万家", "wanjia"),
    ("安泰", "antai"), ("富康", "fukang"), ("聚力", "juli"), ("启航", "qihang"),
    ("青柠", "qingning"), ("橙果", "chengguo"), ("麦田", "maitian"), ("朗月", "langyue"),
    ("晨光", "chenguang"), ("初心", "chuxin"), ("品上", "pinshang"), ("九和", "jiuhe"),
    ("尚品", "shangpin"), ("知味", "zhiwei"), ("好邻居", "haolinju"), ("鲜丰", "xianfeng"),
    ("禾木", "hemu"), ("悦动", "yuedong"), ("智远", "zhiyuan"), ("华美", "huamei"),
    ("隆鑫", "longxin"), ("春晓", "chunxiao"), ("若水", "ruoshui"), ("凯旋", "kaixuan"),
)  # fmt: skip
# Word in the name, industry as filed, domain word, kind of needs.
_ZH_INDUSTRIES = (
    ("贸易", "贸易", "trade", "general"), ("文化传媒", "文化传媒", "media", "general"),
    ("餐饮管理", "餐饮", "food", "food"), ("食品", "食品饮料", "foods", "retail"),
    ("服饰", "服装零售", "fashion", "retail"), ("化妆品", "美妆个护", "beauty", "retail"),
    ("房地产开发", "房地产", "land", "property"), ("汽车销售服务", "汽车", "auto", "auto"),
    ("教育科技", "教育培训", "edu", "edu"), ("家居", "家居建材", "home", "retail"),
    ("健身管理", "健身运动", "fit", "general"), ("珠宝", "珠宝首饰", "jewelry", "retail"),
    ("电子科技", "消费电子", "tech", "retail"), ("医疗美容门诊部", "医疗美容", "clinic", "general"),
    ("酒店管理", "酒店", "hotel", "general"), ("母婴用品", "母婴", "baby", "retail"),
    ("商业管理", "商业地产", "mall", "property"), ("国际旅行社", "旅游", "travel", "general"),
    ("连锁超市", "零售商超", "mart", "retail"), ("茶饮管理", "新茶饮", "tea", "food"),
)  # fmt: skip
_ZH_FORMS = ("有限公司",) * 7 + ("股份有限公司", "有限责任公司", "集团有限公司")
_EN_WORDS = (
    "Blue Harbor", "Golden Lotus", "Silver Pine", "Red Lantern", "Northwind", "Jade River",
    "Eastern Pearl", "Bright Star", "Green Valley", "Sunrise", "Summit", "Crystal Bay",
    "Maple Leaf", "Orchid", "Harbor Light", "Lighthouse", "Evergreen", "Pacific Crest",
    "Dragonfly", "Silk Road", "Bamboo Grove", "Cloud Nine", "Sterling", "Riverstone",
    "Swan Lake", "Copper Kettle", "True North", "Lotus Garden", "Peak View", "Oak Tree",
)  # fmt: skip
_EN_INDUSTRIES = (
    ("Foods", "Food & beverage", "foods", "retail"),
    ("Cosmetics", "Beauty & personal care", "beauty", "retail"),
    ("Fashion", "Apparel retail", "fashion", "retail"),
    ("Home Furnishing", "Home & living", "home", "retail"),
    ("Education", "Education & training", "edu", "edu"),
    ("Fitness", "Fitness", "fitness", "general"),
    ("Coffee", "Café chain", "coffee", "food"),
    ("Electronics", "Consumer electronics", "tech", "retail"),
    ("Hotels", "Hospitality", "hotels", "general"),
    ("Trading", "Trade", "trading", "general"),
    ("Media", "Media", "media", "general"),
    ("Motors", "Automotive retail", "motors", "auto"),
    ("Jewellery", "Jewelry", "jewels", "retail"),
    ("Baby Care", "Mother & baby", "baby", "retail"),
    ("Wines", "Beverages", "wines", "retail"),
    ("Pet Supplies", "Pet care", "pets", "retail"),
    ("Properties", "Real estate", "properties", "property"),
)
_EN_FORMS = ("Co., Ltd.", "Co., Ltd.", "Co., Ltd.", "Ltd.", "Limited", "Inc.")

# --- people -----------------------------------------------------------------------------

_SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("高", "gao"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("沈", "shen"),
)  # fmt: skip
_GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("艳", "yan"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("霞", "xia"), ("晓东", "xiaodong"),
    ("志强", "zhiqiang"), ("海燕", "haiyan"), ("雪梅", "xuemei"), ("俊杰", "junjie"),
    ("思远", "siyuan"), ("雨萱", "yuxuan"), ("子涵", "zihan"), ("浩然", "haoran"),
    ("佳怡", "jiayi"), ("建华", "jianhua"), ("丽娟", "lijuan"), ("文博", "wenbo"),
    ("欣怡", "xinyi"),
)  # fmt: skip
_EN_FIRST = (
    "Linda", "Kevin", "Emily", "Jason", "Grace", "Michael", "Sophie", "David", "Cathy", "Tony",
    "Vivian", "Eric", "Helen", "Frank", "Iris", "Leo", "Nancy", "Peter", "Sandy", "Vincent",
)  # fmt: skip
# Title, decision power.
_ZH_TITLES = (
    ("总经理", "yes"), ("市场总监", "yes"), ("品牌经理", "no"), ("市场部经理", "unknown"),
    ("推广主管", "no"), ("采购经理", "unknown"), ("副总经理", "yes"), ("董事长助理", "no"),
    ("营销中心负责人", "unknown"), ("行政经理", "no"), ("店长", "no"),
)  # fmt: skip
_EN_TITLES = (
    ("General Manager", "yes"), ("Marketing Director", "yes"), ("Brand Manager", "no"),
    ("Head of Marketing", "unknown"), ("Marketing Manager", "unknown"),
    ("Purchasing Manager", "no"), ("CEO", "yes"), ("Trade Marketing Lead", "no"),
)  # fmt: skip
_MOBILE_PREFIXES = (
    "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
    "176", "177", "180", "181", "186", "187", "188", "189", "199",
)  # fmt: skip

# --- what the salespeople write ---------------------------------------------------------

_NEEDS = {
    ("zh", "general"): (
        "品牌知名度不高，想在地铁和写字楼电梯广告上做一轮投放。",
        "去年线上投放效果下滑，想尝试户外大牌，但担心看不到数据。",
        "预算有限（20万以内），希望看到按效果付费的方案。",
        "对之前合作的广告公司不满意：排期经常延误，数据报告不透明。",
        "竞争对手在机场做了广告，老板希望也有类似的曝光。",
        "总部统一采购广告，本地没有决定权，需要对接总部市场部。",
        "关注年轻客群，想做线上之外的线下触点。",
    ),
    ("zh", "food"): (
        "新店下月开业，希望在周边三公里商圈做集中曝光。",
        "节假日促销需要短期高频投放，对价格敏感。",
        "外卖订单增长放缓，想在写字楼电梯里做午餐时段广告。",
    ),
    ("zh", "retail"): (
        "正在筹备新品发布，需要活动策划加媒体资源打包。",
        "希望在春节前完成投放，时间紧。",
        "商场店客流下降，想在商场内外做导流广告。",
    ),
    ("zh", "property"): (
        "楼盘即将开盘，需要售楼处周边道路和公交站台广告。",
        "商场招商期，想在城市主干道做形象广告。",
    ),
    ("zh", "edu"): (
        "招生季（3-4月、7-8月）需要集中投放，目标是周边小区的家长。",
        "新校区开业，需要社区电梯广告和地推活动。",
    ),
    ("zh", "auto"): (
        "新车型上市，需要城市大屏和车展期间的户外广告。",
        "4S店周末试驾活动需要引流。",
    ),
    ("en", "general"): (
        "Wants to raise awareness in tier-1 cities; budget around RMB 300k for the year.",
        "Unhappy with the current agency: late schedules and no proof of posting.",
        "Wants measurable results: asks for footfall data and QR-code tracking.",
        "Head office in Hong Kong approves all spending; the local team prepares the proposal.",
    ),
    ("en", "food"): (
        "Opening three new outlets in Q3; wants awareness in the surrounding office towers.",
        "Seasonal campaign before Chinese New Year, short lead time.",
    ),
    ("en", "retail"): (
        "Launching a new product line; needs an event plus outdoor package.",
        "Mall footfall is down; wants in-mall screens and metro ads nearby.",
    ),
    ("en", "property"): (
        "New residential project launches next month; needs roadside billboards.",
    ),
    ("en", "edu"): (
        "Enrolment campaign for the autumn term, targeting parents in nearby compounds.",
    ),
    ("en", "auto"): ("New model launch; wants city-centre screens during the auto show.",),
}
_NOTES = (
    "已加微信，客户更习惯微信沟通。",
    "老板姓陈，周三下午一般在店里。",
    "展会上拿了我们的媒体资料册和价目表。",
    "客户去年和竞争媒体合作过，合同年底到期。",
    "Prefers WeChat to phone calls.",
    "Took our media kit at the show; asked for case studies in retail.",
    "Decision is made by the regional office, not the store.",
)
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


@dataclass
class _Company:
    lang: str
    name: str
    variant: str  # another spelling with the same name key
    short: str  # how someone else might write it down (another name key)
    stem: tuple  # what a person would call the same company, whatever the spelling
    industry: str
    kind: str
    city: str
    address: str
    website: str
    phone: str
    credit_code: str
    needs: str
    notes: str
    contact: ContactData


@dataclass
class _File:
    """One planned customer file and what happens to it."""

    company: _Company
    owner: User | None  # None: entered into the unowned pool
    entered_by: User
    entered_at: datetime
    collected_on: date
    source: str
    source_detail: str
    completion: str  # at_entry, on_time, late, never, pool
    quick_phone: bool = False
    quick_contact: bool = False
    target: str = C.UNCLASSIFIED
    busy: bool = False  # taken by a claim, escalation or return
    pk: int | None = None


def seed_customers(*, now: datetime | None = None, seed: int = SEED) -> dict:
    """Create the demo customers unless any customer exists; returns counts for the log."""
    return seed_once(_Seeder, now=now, seed=seed)


class _Seeder(Seeder):
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
        self.files: list[_File] = []
        self.used_keys: set[tuple[str, str]] = set()
        self.used_stems: set[tuple] = set()
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

    # --- companies --------------------------------------------------------------------

    def _mobile(self) -> str:
        digits = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        return self.rng.choice(
            (
                digits,
                digits,
                f"{digits[:3]} {digits[3:7]} {digits[7:]}",
                f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
                f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            )
        )

    def _landline(self, city: _City) -> str:
        local = self.rng.choice("3568") + "".join(
            self.rng.choice("0123456789") for _ in range(city.local_digits - 1)
        )
        return self.rng.choice(
            (
                f"{city.area_code}-{local}",
                f"{city.area_code}-{local}",
                f"({city.area_code}) {local[:-4]} {local[-4:]}",
                f"{city.area_code}-{local} 转 {self.rng.randrange(800, 8999)}",
            )
        )

    def _credit_code(self, division: str) -> str:
        if self.rng.random() < 0.6:  # recent registrations: MA + 7
            body = "MA" + "".join(
                self.rng.choice(identity.CREDIT_CODE_CHARS[:10] * 3 + identity.CREDIT_CODE_CHARS)
                for _ in range(7)
            )
        else:  # older ones carry the 9-digit organisation code
            body = f"{self.rng.randrange(10**9):09d}"
        first17 = "91" + division + body
        return first17 + identity.credit_code_check_char(first17)

    def _contact(self, lang: str, domain: str) -> ContactData:
        surname, surname_py = self.rng.choice(_SURNAMES)
        given, given_py = self.rng.choice(_GIVEN)
        if lang == "en" and self.rng.random() < 0.7:
            first = self.rng.choice(_EN_FIRST)
            name, local = f"{first} {surname_py.title()}", f"{first.lower()}.{surname_py}"
            title, power = self.rng.choice(_EN_TITLES)
        else:
            name = surname + given
            local = self.rng.choice((f"{surname_py}{given_py}", f"{given_py}.{surname_py}"))
            title, power = self.rng.choice(_ZH_TITLES if lang == "zh" else _EN_TITLES)
        with_email = self.rng.random() < 0.55
        phone = self._mobile() if not with_email or self.rng.random() < 0.85 else ""
        email = f"{local}@{domain}" if with_email else ""
        return ContactData(name=name, title=title, phone=phone, email=email, decision_power=power)

    def _new_company(self, cities: tuple[_City, ...]) -> _Company:
        rng = self.rng
        city = rng.choice(cities)
        district, district_en, division = rng.choice(city.districts)
        road, road_en = rng.choice(_ROADS)
        if rng.random() < 0.72:
            lang = "zh"
            word, word_py = rng.choice(_ZH_WORDS)
            part, industry, slug, kind = rng.choice(_ZH_INDUSTRIES)
            form = rng.choice(_ZH_FORMS)
            shape = rng.random()
            if shape < 0.45:
                base = f"{city.zh}{word}{part}"
            elif shape < 0.65:
                base = f"{city.zh}市{word}{part}"
            elif shape < 0.85 and district.endswith("区"):
                base = f"{city.zh}市{district}{word}{part}"
            else:
                base = f"{word}{part}（{city.zh}）"
            name = base + form
            variant = base + rng.choice(("公司", " 有限公司", "(有限公司)"))
            short = f"{word}{part}"
            stem = (city.zh, word, part)
            domain_words = (word_py + slug, f"{word_py}-{slug}", city.en.lower()[:2] + word_py)
            address = f"{city.zh}市{district}{road}{rng.randrange(1, 1800)}号"
            if rng.random() < 0.5:
                address += f"{rng.randrange(2, 40)}楼"
        else:
            lang = "en"
            word = rng.choice(_EN_WORDS)
            part, industry, slug, kind = rng.choice(_EN_INDUSTRIES)
            region = f" ({city.en})" if rng.random() < 0.4 else ""
            base = f"{word} {part}{region}"
            name = f"{base} {rng.choice(_EN_FORMS)}"
            variant = f"{base} Company Limited".upper()
            short = f"{word} {part} Group"
            stem = (word, part)
            compact = word.replace(" ", "").lower()
            domain_words = (compact + slug, compact, f"{compact}-{city.en.lower()}")
            address = (
                f"Room {rng.randrange(2, 30)}{rng.randrange(1, 20):02d}, "
                f"No. {rng.randrange(1, 1800)} {road_en}, {district_en}, {city.en}"
            )
        domain = next(
            (
                f"{words}{tld}"
                for words in domain_words
                for tld in (".com", ".com.cn", ".cn")
                if ("domain", f"{words}{tld}") not in self.used_keys
            ),
            f"{domain_words[0]}{rng.randrange(100, 999)}.com",
        )
        website = rng.choice((f"www.{domain}", f"https://www.{domain}", f"http://{domain}/"))
        needs_kind = kind if (lang, kind) in _NEEDS and rng.random() < 0.6 else "general"
        return _Company(
            lang=lang,
            name=name,
            variant=variant,
            short=short,
            stem=stem,
            industry=industry,
            kind=kind,
            city=city.zh,
            address=address,
            website=website if rng.random() < 0.6 else "",
            phone=self._landline(city) if rng.random() < 0.7 else self._mobile(),
            credit_code=self._credit_code(division) if rng.random() < 0.34 else "",
            needs=rng.choice(_NEEDS[lang, needs_kind]),
            notes=rng.choice(_NOTES) if rng.random() < 0.35 else "",
            contact=self._contact(lang, domain),
        )

    def _company(self, cities: tuple[_City, ...]) -> _Company:
        """A company whose identity keys (and its variant's name key) no other file holds."""
        for _attempt in range(100):
            company = self._new_company(cities)
            keys = identity.identity_keys(
                name=company.name,
                credit_code=company.credit_code,
                phones=[company.phone, company.contact.phone],
                emails=[company.contact.email],
                website=company.website,
            )
            same = identity.normalize_company_name(company.variant)
            if same != identity.normalize_company_name(company.name):
                company.variant = company.name.upper()
            # 上海X贸易, 上海市X贸易, X贸易(上海): three name keys, one company to a reader.
            if not keys & self.used_keys and company.stem not in self.used_stems:
                self.used_keys |= keys
                self.used_stems.add(company.stem)
                return company
        raise RuntimeError("could not invent a unique demo company")

    # --- the plan ---------------------------------------------------------------------

    def _full_data(self, f: _File) -> dict:
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
            company = self._company(cities)
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
                _File(
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

    def _plan_file(self, f: _File) -> None:
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
                f = _File(
                    company=self._company(self.region[manager.pk]),
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

    def _pick(self, owner: User, *, before: datetime, where=lambda f: True) -> _File:
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
                if ("name", identity.normalize_company_name(short)) not in self.used_keys:
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

    def _plan_path(self, f: _File, path: list[str], start: datetime) -> None:
        """Class changes spread between `start` and now, by whoever owns the file then."""
        lo, hi = start + timedelta(hours=3), self.now - timedelta(minutes=30)
        width = (hi - lo) / len(path)
        for n, cls in enumerate(path):
            at = self._between(lo + width * n, lo + width * (n + 1) - timedelta(minutes=5))
            demoted = n > 0 and _RANK[cls] < _RANK[path[n - 1]]
            reason = _DEMOTION_REASON if demoted else self.rng.choice(_CLASS_REASONS[cls])
            self._step(at, f.owner or f.entered_by, partial(self._reclass, f, cls, reason))

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

    def _pick_target(self, person: User, classes) -> _File:
        candidates = [
            f for f in self.files if f.owner == person and f.target in classes and not f.busy
        ]
        f = self.rng.choice(candidates)
        f.busy = True
        return f

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
        tables = [model._meta.db_table for model in (Customer, IdentityKey, Contact)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))

    def _customer(self, f: _File) -> Customer | None:
        if f.pk is None:
            return None
        return Customer.objects.select_related("owner__team__manager").get(pk=f.pk)

    def _create(self, f: _File, at: datetime) -> None:
        c = f.company
        if f.completion == "at_entry":
            data, contacts = self._full_data(f), [c.contact]
        elif f.completion == "pool":  # sign-in sheet and questionnaire of the event
            data = self._full_data(f) | {"website": "", "address": "", "credit_code": ""}
            contacts = [c.contact]
        else:  # quick capture
            data = {
                "name": c.name,
                "source": f.source,
                "source_detail": f.source_detail,
                "collected_on": f.collected_on,
                "phone": c.phone if f.quick_phone else "",
            }
            contacts = [c.contact] if f.quick_contact else []
            if f.owner is None:  # an event lead without the questionnaire
                data |= {"industry": c.industry, "city": c.city}
        try:
            customer = services.customer_create(
                actor=f.entered_by, data=data, contacts=contacts, to_pool=f.owner is None, now=at
            )
        except services.DuplicateCustomer:
            self.skipped.append(f"duplicate {c.name}")
            return
        f.pk = customer.pk

    def _complete(self, f: _File, at: datetime) -> None:
        """The owner completes the file: a reachable contact person and the missing fields."""
        customer = self._customer(f)
        if customer is None or customer.owner is None:
            return
        owner = customer.owner
        with acting_as(owner):
            if not any(c.phone or c.email for c in customer.contacts.all()):
                contact = f.company.contact
                services.contact_save(customer=customer, actor=owner, data=contact, now=at)
            later = at + timedelta(minutes=self.rng.randrange(2, 9))
            services.customer_update(
                customer=customer, actor=owner, data=self._full_data(f), now=later
            )

    def _partial(self, f: _File, at: datetime) -> None:
        """Some work on a file that still leaves it incomplete."""
        customer = self._customer(f)
        if customer is None or customer.owner is None:
            return
        owner = customer.owner
        if self.rng.random() < 0.5:
            data = {"industry": f.company.industry, "city": f.company.city}
            services.customer_update(customer=customer, actor=owner, data=data, now=at)
        elif not customer.contacts.exists():  # only got as far as the front desk
            desk = ContactData(name=f"{self.rng.choice(_SURNAMES)[0]}小姐", title="前台")
            services.contact_save(customer=customer, actor=owner, data=desk, now=at)

    def _assign(self, files: list[_File], at: datetime) -> None:
        customers = [c for c in map(self._customer, files) if c is not None]
        manager = self.managers[self.team_key[files[0].entered_by.pk]]
        services.customers_assign(customers=customers, actor=manager, now=at)

    def _reclass(self, f: _File, to_class: str, reason: str, at: datetime) -> None:
        customer = self._customer(f)
        if customer is None or customer.owner is None:
            return
        with acting_as(customer.owner):
            services.customer_change_class(
                customer=customer, actor=customer.owner, to_class=to_class, reason=reason, now=at
            )

    def _claim(self, key, claimant: User, f: _File, typed: dict, reason: str, at) -> None:
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

    def _check(self, manager: User, monday: date, returned: list[_File], at: datetime) -> None:
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
        contacts = list(customer.contacts.all())
        missing = [
            label
            for name, label in _MISSING.items()
            if name != "contact" and not getattr(customer, name)
        ]
        if not any(c.phone or c.email for c in contacts):
            if contacts and not missing:
                return _DESK_ONLY
            missing.append(_MISSING["contact"])
        return _RETURN_REASON.format(missing="、".join(missing))

    def _resubmit(self, f: _File, at: datetime) -> None:
        customer = self._customer(f)
        if customer is not None:
            with acting_as(customer.owner):
                services.file_resubmit(customer=customer, actor=customer.owner, now=at)

    def _recheck(self, manager: User, f: _File, at: datetime) -> None:
        customer = self._customer(f)
        if customer is not None:
            services.files_mark_checked(
                customers=[customer], actor=manager, comment=_RECHECK_COMMENT, now=at
            )

    def _note(self, f: _File, kind: str, body: str, at: datetime) -> None:
        customer = self._customer(f)
        if customer is None:
            return
        actor = customer.owner.team.manager if kind == "guidance" else customer.owner
        with acting_as(actor):
            services.note_add(customer=customer, actor=actor, kind=kind, body=body, now=at)

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
