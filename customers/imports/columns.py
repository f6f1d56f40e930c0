"""The columns of a lead list: the header each field is read from, and the source channels.

Headers may be the field names, the English labels or the Chinese ones (COLUMNS); case,
width, spaces and punctuation do not matter.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from customers.models import ContactPerson, Customer, SourceChannel

CONTACT_PERSON_FIELDS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_phone": "phone",
    "contact_email": "email",
}

# Every column the importer reads: the header the template uses, then other headers
# accepted. The field name, the model's label and the template header in every language
# are accepted as well; case, width, spaces and punctuation do not matter.
COLUMNS = {
    "name": (
        _("Company name"),
        ("company", "customer", "customer name", "公司名称", "客户名称", "企业名称", "单位名称",
         "名称", "公司", "客户", "公司名", "企业"),
    ),
    "credit_code": (
        _("Unified social credit code"),
        ("credit code", "uscc", "统一社会信用代码", "社会信用代码", "信用代码"),
    ),
    "source": (_("Source channel"), ("channel", "来源渠道", "来源", "渠道", "客户来源")),
    "source_detail": (_("Source detail"), ("来源说明", "来源详情", "来源备注")),
    "collected_on": (
        _("Date collected"),
        ("date", "collected", "收集日期", "采集日期", "登记日期", "日期"),
    ),
    "phone": (
        _("Phone"),
        ("telephone", "tel", "company phone", "电话", "公司电话", "座机", "固定电话", "总机"),
    ),
    "industry": (_("Industry"), ("行业", "所属行业")),
    "city": (_("City"), ("城市", "所在城市")),
    "address": (_("Address"), ("地址", "公司地址", "详细地址")),
    "website": (_("Website"), ("web", "url", "homepage", "网址", "网站", "官网", "公司网址")),
    "needs": (_("Needs"), ("needs and problems", "需求", "需求与问题", "客户需求")),
    "notes": (_("Notes"), ("remarks", "comments", "备注", "说明")),
    "contact_name": (
        _("Contact name"),
        ("contact", "contact person", "联系人", "联系人姓名", "姓名"),
    ),
    "contact_title": (_("Contact title"), ("title", "job title", "position", "职务", "职位")),
    "contact_phone": (
        _("Contact phone"),
        ("mobile", "mobile phone", "cell phone", "手机", "手机号", "手机号码", "联系电话",
         "联系人电话", "联系人手机"),
    ),
    "contact_email": (
        _("Contact e-mail"),
        ("e-mail", "email", "mail", "邮箱", "电子邮箱", "电子邮件", "邮件", "联系人邮箱"),
    ),
}  # fmt: skip

# The source channels in Chinese (the sales rules' own words first), accepted on import
# beside the code and the label in every language.
SOURCE_CHANNEL_CHINESE = {
    SourceChannel.TRADE_SHOW: ("行业展览会", "展会", "展览会", "展销会"),
    SourceChannel.INDUSTRY_PRESS: ("行业报刊", "行业媒体", "报刊"),
    SourceChannel.INTERNET: ("互联网", "网络"),
    SourceChannel.INDUSTRY_ASSOCIATION: ("行业协会", "协会"),
    SourceChannel.LEADING_COMPANY: ("龙头企业", "行业龙头企业"),
    SourceChannel.MALL_BRAND_LIST: ("商场品牌", "商场品牌名录"),
    SourceChannel.PARTNER_REFERRAL: ("合作伙伴介绍", "合作伙伴推荐", "合作伙伴"),
    SourceChannel.COMPANY_DATA: ("企业已有数据", "公司已有数据", "公司资料", "公司数据"),
    SourceChannel.COMPETING_MEDIA: ("竞争媒体", "同行媒体"),
    SourceChannel.MARKETING_EVENT: ("企业营销活动", "公司营销活动", "营销活动", "市场活动"),
    SourceChannel.OTHER: ("其他", "其它"),
}


def _fold(text: str) -> str:
    """Comparison form of a header or a channel: NFKC, casefold, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] not in "PSZC")


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _model_field(column: str):
    if column in CONTACT_PERSON_FIELDS:
        return ContactPerson._meta.get_field(CONTACT_PERSON_FIELDS[column])
    return Customer._meta.get_field(column)


@cache
def header_aliases() -> dict[str, str]:
    """{folded header: field}. The explicit aliases come first, so they win a clash."""
    aliases: dict[str, str] = {}
    for column, (_label, extra) in COLUMNS.items():
        for alias in (column, *extra):
            aliases.setdefault(_fold(alias), column)
    for language in _languages():
        with translation.override(language):
            for column, (label, _extra) in COLUMNS.items():
                aliases.setdefault(_fold(label), column)
                if column not in CONTACT_PERSON_FIELDS:  # a contact's "name" is not the company's
                    aliases.setdefault(_fold(_model_field(column).verbose_name), column)
    return aliases


@cache
def source_aliases() -> dict[str, str]:
    """{folded channel name: channel code}."""
    aliases = {}
    for channel in SourceChannel:
        for alias in (channel.value, *SOURCE_CHANNEL_CHINESE.get(channel, ())):
            aliases.setdefault(_fold(alias), channel.value)
    for language in _languages():
        with translation.override(language):
            for channel in SourceChannel:
                aliases.setdefault(_fold(channel.label), channel.value)
    return aliases


def parse_source(value: str) -> str | None:
    """The channel code for a code, label or Chinese name; None if it is none of them."""
    return source_aliases().get(_fold(value)) if value.strip() else None


def column_label(column: str) -> str:
    return str(COLUMNS[column][0])
