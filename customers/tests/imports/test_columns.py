"""Headers read as fields; source channels read by code, label or Chinese name (columns)."""

import pytest
from django.utils import translation

from customers import imports
from customers.models import SourceChannel
from customers.tests.imports.helpers import ENGLISH_HEADERS, table_of, values_of

# --- headers ---------------------------------------------------------------------------------


def test_english_headers_are_mapped_to_the_fields():
    table = table_of([ENGLISH_HEADERS, ["Acme", "Trade show", "2024-05-03", "021-1234567", "Li"]])

    assert [field for _header, field in table.columns] == [
        "name", "source", "collected_on", "phone", "contact_name",
    ]  # fmt: skip
    assert values_of(table)[0]["name"] == "Acme"


def test_chinese_headers_are_mapped_to_the_fields():
    headers = [
        "公司名称", "统一社会信用代码", "来源渠道", "来源说明", "收集日期", "电话", "行业", "城市",
        "地址", "网址", "需求", "备注", "联系人", "职务", "手机", "邮箱",
    ]  # fmt: skip

    table = table_of([headers, ["上海远航贸易有限公司", *[""] * 15]])

    assert [field for _header, field in table.columns] == list(imports.COLUMNS)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        (" COMPANY  NAME ", "name"),
        ("客户名称", "name"),
        ("name", "name"),
        ("Ｅ－mail", "contact_email"),
        ("联系电话", "contact_phone"),
        ("source_detail", "source_detail"),
        ("unified social credit code", "credit_code"),
        ("Needs and problems (as the customer sees them)", "needs"),
    ],
)
def test_headers_are_matched_ignoring_case_width_spaces_and_punctuation(header, field):
    headers = [header] if field == "name" else ["Company name", header]

    table = table_of([headers, ["Acme", "x"][: len(headers)]])

    assert table.columns[-1] == (header.strip(), field)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_template_headers_of_every_language_are_read_back(language):
    with translation.override(language):
        headers = [imports.column_label(column) for column in imports.COLUMNS]

    table = table_of([headers, ["Acme", *[""] * (len(headers) - 1)]])

    assert [field for _header, field in table.columns] == list(imports.COLUMNS)


def test_columns_that_are_not_read_are_listed():
    table = table_of([["Company name", "Booth number", ""], ["Acme", "A12", ""]])

    assert table.ignored == ["Booth number"]


def test_a_title_line_above_the_headers_is_skipped():
    table = table_of([["2024 上海零售展 客户名单"], ["公司名称", "电话"], ["Acme", "021-1234567"]])

    rows = list(table.rows)
    assert [(row.number, row.values["name"]) for row in rows] == [(3, "Acme")]


def test_a_file_without_a_company_name_column_is_refused():
    with pytest.raises(imports.ImportFileError, match="No column for the company name"):
        table_of([["Phone", "City"], ["021-1234567", "Shanghai"]])


def test_two_columns_read_as_the_same_field_are_refused():
    with pytest.raises(imports.ImportFileError, match="are both read as"):
        table_of([["Company name", "公司名称"], ["Acme", "Acme"]])


# --- source channels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("trade_show", SourceChannel.TRADE_SHOW),
        ("Trade show / exhibition", SourceChannel.TRADE_SHOW),
        ("trade show", SourceChannel.TRADE_SHOW),
        ("展会", SourceChannel.TRADE_SHOW),
        ("公司营销活动", SourceChannel.MARKETING_EVENT),
        ("Company marketing event", SourceChannel.MARKETING_EVENT),
        ("行业协会", SourceChannel.INDUSTRY_ASSOCIATION),
        ("其他", SourceChannel.OTHER),
        ("carrier pigeon", None),
    ],
)
def test_source_channels_are_read_as_code_label_or_chinese_name(value, expected):
    assert imports.parse_source(value) == expected


def test_every_source_channel_has_a_chinese_name():
    assert set(imports.SOURCE_CHANNEL_CHINESE) == set(SourceChannel)
