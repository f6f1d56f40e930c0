"""The demo customer files and the companies they are about.

The companies are invented in the teams' regions, in Chinese or English, with the
details a salesperson would collect (landline or mobile, website, a unified social
credit code now and then, needs, notes, a contact person), and so that no two of them
share an identity key: a duplicate appears only where a claim types one in on purpose.
A `File` is the plan of one customer file: who entered it when, and what happens to it.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from customers import identity, services
from customers.models import PipelineClass
from demo.names import EN_FIRST, EN_TITLES, GIVEN, MOBILE_PREFIXES, SURNAMES, ZH_TITLES
from salescrm.models import User

ContactPersonData = services.ContactPersonData

# --- places -----------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    zh: str
    en: str
    area_code: str
    local_digits: int
    districts: tuple[tuple[str, str, str], ...]  # Chinese, English, administrative division code


_EAST = (
    City("上海", "Shanghai", "021", 8, (
        ("静安区", "Jing'an", "310106"), ("徐汇区", "Xuhui", "310104"),
        ("浦东新区", "Pudong", "310115"), ("长宁区", "Changning", "310105"),
        ("黄浦区", "Huangpu", "310101"),
    )),
    City("杭州", "Hangzhou", "0571", 8, (
        ("西湖区", "Xihu", "330106"), ("上城区", "Shangcheng", "330102"),
        ("滨江区", "Binjiang", "330108"), ("余杭区", "Yuhang", "330110"),
    )),
    City("苏州", "Suzhou", "0512", 8, (
        ("姑苏区", "Gusu", "320508"), ("吴中区", "Wuzhong", "320506"),
        ("虎丘区", "Huqiu", "320505"),
    )),
    City("南京", "Nanjing", "025", 8, (
        ("鼓楼区", "Gulou", "320106"), ("建邺区", "Jianye", "320105"),
        ("玄武区", "Xuanwu", "320102"), ("江宁区", "Jiangning", "320115"),
    )),
    City("宁波", "Ningbo", "0574", 8, (
        ("鄞州区", "Yinzhou", "330212"), ("海曙区", "Haishu", "330203"),
    )),
    City("无锡", "Wuxi", "0510", 8, (
        ("梁溪区", "Liangxi", "320213"), ("滨湖区", "Binhu", "320211"),
    )),
)  # fmt: skip
_SOUTH = (
    City("深圳", "Shenzhen", "0755", 8, (
        ("南山区", "Nanshan", "440305"), ("福田区", "Futian", "440304"),
        ("罗湖区", "Luohu", "440303"), ("宝安区", "Bao'an", "440306"),
        ("龙岗区", "Longgang", "440307"),
    )),
    City("广州", "Guangzhou", "020", 8, (
        ("天河区", "Tianhe", "440106"), ("越秀区", "Yuexiu", "440104"),
        ("海珠区", "Haizhu", "440105"), ("番禺区", "Panyu", "440113"),
    )),
    City("厦门", "Xiamen", "0592", 7, (
        ("思明区", "Siming", "350203"), ("湖里区", "Huli", "350206"),
    )),
    City("东莞", "Dongguan", "0769", 8, (("南城街道", "Nancheng", "441900"),)),
    City("佛山", "Foshan", "0757", 8, (
        ("禅城区", "Chancheng", "440604"), ("顺德区", "Shunde", "440606"),
    )),
    City("珠海", "Zhuhai", "0756", 7, (("香洲区", "Xiangzhou", "440402"),)),
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


@dataclass
class Company:
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
    contact: ContactPersonData


@dataclass
class File:
    """One planned customer file and what happens to it."""

    company: Company
    owner: User | None  # None: entered into the unowned pool
    entered_by: User
    entered_at: datetime
    collected_on: date
    source: str
    source_detail: str
    completion: str  # at_entry, on_time, late, never, pool
    quick_phone: bool = False
    quick_contact: bool = False
    target: str = PipelineClass.UNCLASSIFIED
    busy: bool = False  # taken by a claim, escalation or return
    pk: int | None = None


class Companies:
    """Invents companies whose identity keys (and name stems) no company before held."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_keys: set[tuple[str, str]] = set()
        self.used_stems: set[tuple] = set()

    def _mobile(self) -> str:
        digits = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        return self.rng.choice(
            (
                digits,
                digits,
                f"{digits[:3]} {digits[3:7]} {digits[7:]}",
                f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
                f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            )
        )

    def _landline(self, city: City) -> str:
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

    def _contact(self, lang: str, domain: str) -> ContactPersonData:
        surname, surname_py = self.rng.choice(SURNAMES)
        given, given_py = self.rng.choice(GIVEN)
        if lang == "en" and self.rng.random() < 0.7:
            first = self.rng.choice(EN_FIRST)
            name, local = f"{first} {surname_py.title()}", f"{first.lower()}.{surname_py}"
            title, power = self.rng.choice(EN_TITLES)
        else:
            name = surname + given
            local = self.rng.choice((f"{surname_py}{given_py}", f"{given_py}.{surname_py}"))
            title, power = self.rng.choice(ZH_TITLES if lang == "zh" else EN_TITLES)
        with_email = self.rng.random() < 0.55
        phone = self._mobile() if not with_email or self.rng.random() < 0.85 else ""
        email = f"{local}@{domain}" if with_email else ""
        return ContactPersonData(
            name=name, title=title, phone=phone, email=email, decision_power=power
        )

    def _new_company(self, cities: tuple[City, ...]) -> Company:
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
        return Company(
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

    def new(self, cities: tuple[City, ...]) -> Company:
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
