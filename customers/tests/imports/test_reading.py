"""Files, encodings and dates (imports.reading)."""

from datetime import date, datetime

import pytest

from customers import imports
from customers.imports import reading
from customers.tests.imports.helpers import (
    CHINESE_HEADERS,
    csv_bytes,
    table_of,
    values_of,
    xlsx_bytes,
)

# --- files and encodings -----------------------------------------------------------------------

CHINESE_ROWS = [
    CHINESE_HEADERS,
    ["上海远航贸易有限公司", "展会", "2024/5/3", "021-62345678", "张伟"],
]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)]
)
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_is_read(encoding, bom):
    content = csv_bytes(CHINESE_ROWS, encoding=encoding, bom=bom)

    rows = values_of(imports.read_table(content, "展会名单.csv"))

    assert rows == [
        {
            "name": "上海远航贸易有限公司",
            "source": "展会",
            "collected_on": "2024/5/3",
            "phone": "021-62345678",
            "contact_name": "张伟",
        }
    ]


def test_gbk_bytes_are_really_not_utf8():
    with pytest.raises(UnicodeDecodeError):
        csv_bytes(CHINESE_ROWS, encoding="gbk").decode("utf-8")


def test_utf16_csv_from_excel_unicode_text_is_read():
    text = "公司名称\t电话\n北京星河广告有限公司\t010-87654321\n"
    rows = values_of(imports.read_table(text.encode("utf-16"), "list.csv"))

    assert rows == [{"name": "北京星河广告有限公司", "phone": "010-87654321"}]


def test_semicolon_separated_csv_under_a_title_line_is_read():
    content = b"Trade show 2024\nCompany name;Phone\nAcme;021-1234567\n"

    rows = values_of(imports.read_table(content, "a.csv"))

    assert rows == [{"name": "Acme", "phone": "021-1234567"}]


def test_semicolon_separated_csv_is_read():
    rows = values_of(imports.read_table(b"Company name;Phone\nAcme;021-1234567\n", "a.csv"))

    assert rows == [{"name": "Acme", "phone": "021-1234567"}]


def test_xlsx_with_chinese_numbers_and_dates_is_read():
    content = xlsx_bytes(
        [
            CHINESE_HEADERS,
            ["深圳海岸城购物中心", "公司营销活动", date(2024, 5, 3), 13800138000, None],
        ]
    )

    (row,) = imports.read_table(content, "活动名单.XLSX").rows

    assert row.number == 2
    assert row.values["name"] == "深圳海岸城购物中心"
    assert imports.parse_date(row.values["collected_on"]) == date(2024, 5, 3)
    assert reading._text(row.values["phone"]) == "13800138000"


def test_blank_lines_are_skipped_but_rows_keep_their_numbers():
    rows = list(table_of([["Company name"], ["A"], [""], ["B"]]).rows)

    assert [(row.number, row.values["name"]) for row in rows] == [(2, "A"), (4, "B")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leads.xls", b"\xd0\xcf\x11\xe0", "Only CSV and Excel"),
        ("leads.txt", b"Company name\nAcme\n", "Only CSV and Excel"),
        ("leads.csv", b"", "The file is empty."),
        ("leads.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an Excel"),
        ("leads.xlsx", b"", "The file is empty."),
        ("leads.csv", b"Company name,Phone\n", "no rows under its headers"),
        ("leads.csv", b"\x00\x01\x02\x00binary", "not a readable CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(imports.ImportFileError, match=message):
        list(imports.read_table(content, name).rows)


def test_more_rows_than_the_limit_are_refused():
    rows = [["Company name"], *([f"Company {n}"] for n in range(4))]

    with pytest.raises(imports.ImportFileError, match="more than 3 rows"):
        list(table_of(rows, max_rows=3).rows)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-03", date(2024, 5, 3)),
        ("2024/5/3", date(2024, 5, 3)),
        ("2024.05.03", date(2024, 5, 3)),
        ("2024年5月3日", date(2024, 5, 3)),
        ("20240503", date(2024, 5, 3)),
        ("2024-05-03 00:00:00", date(2024, 5, 3)),
        ("45415", date(2024, 5, 3)),  # an Excel date written to CSV as its serial number
        (45415, date(2024, 5, 3)),
        (datetime(2024, 5, 3, 9, 30), date(2024, 5, 3)),  # noqa: DTZ001 (Excel cells are naive)
        (date(2024, 5, 3), date(2024, 5, 3)),
        ("03/05/2024", None),  # day or month first? refused rather than guessed
        ("2024-02-30", None),
        ("yesterday", None),
        ("3", None),  # not 3 January 1900
    ],
)
def test_dates_are_read_in_the_formats_lead_lists_use(value, expected):
    assert imports.parse_date(value) == expected
