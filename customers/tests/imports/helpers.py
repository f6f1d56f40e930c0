"""Lead lists to import, and small helpers shared by the import tests (not a test module)."""

import csv
import io

import openpyxl
from django.utils import timezone

from customers import imports

ENGLISH_HEADERS = ["Company name", "Source channel", "Date collected", "Phone", "Contact name"]
CHINESE_HEADERS = ["公司名称", "来源渠道", "收集日期", "电话", "联系人"]


def csv_bytes(rows, *, encoding="utf-8", bom=False) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)  # as Excel writes it
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_of(rows, name="leads.csv", **kwargs):
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return imports.read_table(content, name, **kwargs)


def values_of(table) -> list[dict]:
    return [row.values for row in table.rows]


def check(rows, actor, *, to_pool=False, default_source="", name="leads.csv"):
    table = table_of(rows, name)
    return imports.preview(table.rows, actor=actor, to_pool=to_pool, default_source=default_source)


def today() -> str:
    return timezone.localdate().isoformat()


LEADS = [
    ["公司名称", "来源渠道", "收集日期", "电话", "联系人", "职务", "手机", "邮箱"],
    [
        "上海远航贸易有限公司",
        "展会",
        "",
        "021-62345678",
        "张伟",
        "市场总监",
        "13800138000",
        "zw@yuanhang.cn",
    ],
    ["北京星河广告有限公司", "", "", "", "", "", "", ""],
    ["上海远航贸易", "展会", "", "", "", "", "", ""],
    ["", "展会", "", "", "", "", "", ""],
    ["Existing Co", "展会", "", "", "", "", "", ""],
]


def upload(
    actor, rows=LEADS, *, name="leads.csv", to_pool=False, default_source="trade_show", **kwargs
):
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows, encoding="gbk")
    return imports.import_upload(
        actor=actor,
        file_name=name,
        content=content,
        to_pool=to_pool,
        default_source=default_source,
        **kwargs,
    )
