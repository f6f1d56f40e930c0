"""Lead lists from trade shows and marketing events: read, check, preview, confirm.

Reading: CSV (UTF-8 with or without a byte-order mark, UTF-16, else GB18030, the
superset of the GBK that Chinese Excel writes) and XLSX (the first sheet). Headers may
be the field names, the English labels or the Chinese ones (COLUMNS).

Checking: every row is new, a duplicate (of a customer on file, or of an earlier new row
of the same file: the first row wins) or invalid (with its reasons), by the identity keys
the services use. Checking writes nothing.

Confirming: one transaction locks the import, re-reads the stored file, re-checks every
row and creates the new ones through services.customer_create. If any row is no longer
what the preview said, or any create is refused, nothing is written and the import is
marked failed, naming the row, with a fresh preview to confirm again.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, partial
from pathlib import PurePath

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from openpyxl.utils.datetime import from_excel

from customers import identity, services
from customers.models import Contact, Customer, CustomerImport, IdentityKey, SourceChannel
from salescrm.errors import DomainError
from salescrm.history import acting_as
from salescrm.roles import Role

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the web form's limit; the command has none
MAX_WEB_ROWS = 5000
HEADER_SEARCH_ROWS = 10  # a title line or two above the headers is common in lead lists

# The file formats, by extension (django-import-export's own format classes).
FORMATS = {fmt().get_extension(): fmt for fmt in (base_formats.CSV, base_formats.XLSX)}


class ImportFileError(DomainError):
    """The file cannot be read as a lead list; nothing was stored."""


# --- columns ---------------------------------------------------------------------------------

CONTACT_FIELDS = {
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
    if column in CONTACT_FIELDS:
        return Contact._meta.get_field(CONTACT_FIELDS[column])
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
                if column not in CONTACT_FIELDS:  # a contact's "name" is not the company's
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


# --- reading files ---------------------------------------------------------------------------


@dataclass
class SourceRow:
    """One data row: its number in the file (as a spreadsheet shows it) and its cells by field."""

    number: int
    values: dict[str, object]


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (header as written in the file, field)
    ignored: list[str]  # headers not read
    rows: Iterator[SourceRow]  # lazily: a large file is never held as rows


def read_table(content: bytes, file_name: str, *, max_rows: int | None = None) -> Table:
    """The lead list in `content`; raises ImportFileError with a clear message if unreadable.

    The rows are read as they are iterated; the row limit and "no rows" errors come
    from that iteration.
    """
    extension = PurePath(file_name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ImportFileError(
            _("Only CSV and Excel (.xlsx) files can be imported. Save the list as one of those.")
        )
    if not content:
        raise ImportFileError(_("The file is empty."))
    raw = _csv_rows(content) if extension == "csv" else _xlsx_rows(content)
    number = 0
    columns: dict[int, str] = {}
    headers: list[str] = []
    for number, cells in enumerate(raw, start=1):
        headers = [_text(cell) for cell in cells]
        columns = _map_headers(headers)
        if "name" in columns.values() or number >= HEADER_SEARCH_ROWS:
            break
    if number == 0:
        raise ImportFileError(_("The file is empty."))
    if "name" not in columns.values():
        raise ImportFileError(
            _(
                "No column for the company name was found. Use the headers of the template "
                "(for example “Company name” or “公司名称”)."
            )
        )
    return Table(
        columns=[(headers[index], column) for index, column in sorted(columns.items())],
        ignored=[h for index, h in enumerate(headers) if h and index not in columns],
        rows=_data_rows(raw, columns, first_number=number + 1, max_rows=max_rows),
    )


def _map_headers(headers: list[str]) -> dict[int, str]:
    aliases = header_aliases()
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        column = aliases.get(_fold(header)) if header else None
        if column is None:
            continue
        if column in columns.values():
            first = next(headers[i] for i, c in columns.items() if c == column)
            raise ImportFileError(
                _("Two columns, “%(first)s” and “%(second)s”, are both read as %(column)s."),
                first=first,
                second=header,
                column=column_label(column),
            )
        columns[index] = column
    return columns


def _data_rows(raw, columns, *, first_number, max_rows) -> Iterator[SourceRow]:
    count = 0
    for number, cells in enumerate(raw, start=first_number):
        if all(_text(cell) == "" for cell in cells):
            continue  # blank lines and formatted-but-empty spreadsheet rows
        count += 1
        if max_rows is not None and count > max_rows:
            raise ImportFileError(
                _(
                    "The file has more than %(max)d rows. Split it into smaller files, or ask "
                    "an administrator to import it with the import_customers command."
                ),
                max=max_rows,
            )
        values = {column: cells[index] for index, column in columns.items() if index < len(cells)}
        yield SourceRow(number=number, values=values)
    if count == 0:
        raise ImportFileError(_("The file has no rows under its headers."))


def decode_csv(content: bytes) -> str:
    """UTF-16 if marked, else UTF-8 (with or without BOM), else GB18030 (GBK's superset)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportFileError(
        _("The file is not a readable CSV text file (UTF-8 or GBK). Save it as CSV again.")
    )


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = decode_csv(content)
    sample = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    delimiter = max(",;\t", key=sample.count)  # a comma unless another one dominates
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ImportFileError(_("The CSV file is damaged: %(error)s"), error=str(error)) from None


def _xlsx_rows(content: bytes) -> Iterator[list]:
    """The first sheet's rows, read as a stream (read-only mode)."""
    unreadable = _("The file could not be read as an Excel workbook (.xlsx).")
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged or disguised file fails in many ways inside openpyxl
        raise ImportFileError(unreadable) from None
    try:
        if not book.worksheets:
            raise ImportFileError(unreadable)
        try:
            for cells in book.worksheets[0].iter_rows(values_only=True):
                yield list(cells)
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(unreadable) from None
    finally:
        book.close()


def _text(value) -> str:
    """A cell as text: numbers without a spurious ".0" (phone numbers), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_SERIAL = re.compile(r"\d{1,5}(?:\.\d+)?")


def parse_date(value) -> date | None:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日, YYYYMMDD or an Excel date; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_excel(value)
    text = unicodedata.normalize("NFKC", _text(value))
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    if _EXCEL_SERIAL.fullmatch(text):  # an Excel date saved to CSV as its serial number
        return _from_excel(float(text))
    parsed = parse_datetime(text)
    return parsed.date() if parsed else None


# Excel serial numbers of plausible collection dates (1982 to 2173): a stray "3" in a
# date column is refused, not read as 3 January 1900.
_EXCEL_SERIALS = range(30_000, 100_000)


def _from_excel(serial: float) -> date | None:
    if int(serial) not in _EXCEL_SERIALS:
        return None
    try:
        return from_excel(serial).date()
    except (ValueError, OverflowError, AttributeError):
        return None


# --- checking rows ---------------------------------------------------------------------------


class RowStatus:
    NEW = "new"
    DUPLICATE = "duplicate"
    INVALID = "invalid"

    labels = {NEW: _("New"), DUPLICATE: _("Duplicate"), INVALID: _("Invalid")}


PROBLEMS = {
    "missing_name": _("The company name is missing."),
    "too_long": _("%(column)s is longer than %(max)d characters."),
    "credit_code": _("“%(value)s” is not a valid unified social credit code."),
    "missing_source": _("The source channel is missing, and no default was chosen for the import."),
    "unknown_source": _("“%(value)s” is not a source channel."),
    "bad_date": _("“%(value)s” is not a date. Write dates as YYYY-MM-DD."),
    "future_date": _("The date collected (%(value)s) is in the future."),
    "bad_email": _("“%(value)s” is not an e-mail address."),
    "contact_without_name": _("The contact's title, phone or e-mail is given without a name."),
}


@dataclass
class RowResult:
    """What one row of the file becomes."""

    row: int
    status: str
    name: str
    problems: list[dict] = field(default_factory=list)  # [{"code": ..., "params": {...}}]
    # The customer on file ({"customer_id", "name", "owner", "entered_at", "kind"}) or the
    # earlier row of the file ({"row", "kind"}) this row duplicates.
    duplicate_of: dict | None = None
    customer_id: int | None = None  # the customer created from the row, once imported
    data: dict = field(default_factory=dict, repr=False)
    contacts: list = field(default_factory=list, repr=False)
    keys: set = field(default_factory=set, repr=False)

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "status": self.status,
            "name": self.name,
            "problems": self.problems,
            "duplicate_of": self.duplicate_of,
            "customer_id": self.customer_id,
        }

    @property
    def message(self) -> str:
        return describe(self.as_json())


def describe(row: dict) -> str:
    """Why a reported row is what it is, in the reader's language."""
    if row["status"] == RowStatus.INVALID:
        return " ".join(_problem_message(problem) for problem in row["problems"])
    duplicate = row.get("duplicate_of")
    if row["status"] != RowStatus.DUPLICATE or not duplicate:
        return ""
    kind = IdentityKey.Kind(duplicate["kind"]).label
    if "row" in duplicate:
        return str(_("Same %(kind)s as row %(row)d, which is the one imported.")) % {
            "kind": kind,
            "row": duplicate["row"],
        }
    entered = date_format(
        timezone.localtime(datetime.fromisoformat(duplicate["entered_at"])), "SHORT_DATE_FORMAT"
    )
    params = {"kind": kind, "name": duplicate["name"], "owner": duplicate["owner"]}
    params["entered"] = entered
    if duplicate["owner"]:
        message = _(
            "Already on file (same %(kind)s): %(name)s, owned by %(owner)s since %(entered)s."
        )
    else:
        message = _(
            "Already on file (same %(kind)s): %(name)s, in the unowned pool since %(entered)s."
        )
    return str(message) % params


def _problem_message(problem: dict) -> str:
    params = dict(problem.get("params", {}))
    if "column" in params:
        params["column"] = column_label(params["column"])
    if problem["code"] == "refused":
        return params["message"]
    return str(PROBLEMS[problem["code"]]) % params


def check_importer(actor, *, to_pool: bool) -> None:
    """The rules of customer_create, checked before any row: who records, who fills the pool."""
    if actor.role not in (Role.SALESPERSON, Role.MANAGER):
        raise DomainError(_("Only salespeople and managers import customers."))
    if to_pool and actor.role != Role.MANAGER:
        raise DomainError(_("Only a sales manager imports customers into the unowned pool."))


def default_source_for(*, to_pool: bool, default_source: str = "") -> str:
    """The channel of rows without one: the chosen default; for the pool, marketing events."""
    if default_source and default_source not in SourceChannel.values:
        raise DomainError(_("Unknown source channel."))
    if not default_source and to_pool:
        return SourceChannel.MARKETING_EVENT
    return default_source


def default_source_label(customer_import: CustomerImport) -> str:
    """The channel given to the import's rows without one ("" when they must give it)."""
    source = default_source_for(
        to_pool=customer_import.to_pool, default_source=customer_import.default_source
    )
    return str(SourceChannel(source).label) if source else ""


def check_rows(
    rows: Iterable[SourceRow], *, actor, to_pool: bool, default_source: str = "", now=None
) -> Iterator[RowResult]:
    """Each row's result, in file order. Writes nothing.

    Every row is read and parsed first, so that the customers on file sharing a key with
    any row are looked up at once (services.keys_on_file), not with a query per row.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    check_importer(actor, to_pool=to_pool)
    default_source = default_source_for(to_pool=to_pool, default_source=default_source)
    parsed = [_parse(row, default_source=default_source, today=today) for row in rows]
    on_file = services.keys_on_file(set().union(*(result.keys for result in parsed)))
    first_rows: dict[tuple[str, str], int] = {}  # identity key -> the new row holding it
    for result in parsed:
        if result.status == RowStatus.NEW:
            result.duplicate_of = _earlier_row(result.keys, first_rows) or _on_file(
                result.keys, on_file
            )
            if result.duplicate_of:
                result.status = RowStatus.DUPLICATE
            else:
                for key in result.keys:
                    first_rows.setdefault(key, result.row)
        yield result


def preview(
    rows: Iterable[SourceRow], *, actor, to_pool: bool, default_source: str = "", now=None
) -> list[RowResult]:
    """Every row's result (new / duplicate of whom / invalid and why). Writes nothing."""
    return list(
        check_rows(rows, actor=actor, to_pool=to_pool, default_source=default_source, now=now)
    )


def _earlier_row(keys, first_rows) -> dict | None:
    """The earlier new row of the file sharing a key (the name first, as find_duplicate)."""
    matches = [
        (kind != IdentityKey.Kind.NAME, first_rows[(kind, value)], kind)
        for kind, value in keys
        if (kind, value) in first_rows
    ]
    if not matches:
        return None
    _not_name, row, kind = min(matches)
    return {"row": row, "kind": kind}


def _on_file(keys, on_file: dict[tuple[str, str], IdentityKey]) -> dict | None:
    """The customer on file sharing a key, by the rule of services.find_duplicate."""
    found = services.pick_duplicate(on_file[key] for key in keys if key in on_file)
    if found is None:
        return None
    customer, kind = found
    return {
        "customer_id": customer.pk,
        "name": customer.name,
        "owner": str(customer.owner) if customer.owner_id else "",
        "entered_at": customer.entered_at.isoformat(),
        "kind": kind,
    }


def _parse(source_row: SourceRow, *, default_source: str, today: date) -> RowResult:
    values = source_row.values
    text = {column: _text(values.get(column)) for column in COLUMNS if column != "collected_on"}
    result = RowResult(row=source_row.number, status=RowStatus.NEW, name=text["name"])

    def problem(code, **params):
        result.problems.append({"code": code, "params": params})

    if not identity.normalize_company_name(text["name"]):
        problem("missing_name")
    for column, value in text.items():
        max_length = _model_field(column).max_length
        if column not in ("credit_code", "source") and max_length and len(value) > max_length:
            problem("too_long", column=column, max=max_length)
    if text["credit_code"]:
        code = identity.normalize_credit_code(text["credit_code"])
        if identity.is_valid_credit_code(code):
            text["credit_code"] = code
        else:
            problem("credit_code", value=text["credit_code"])
    if text["source"]:
        source = parse_source(text["source"])
        if source is None:
            problem("unknown_source", value=text["source"])
    else:
        source = default_source or None
        if source is None:
            problem("missing_source")
    raw_date = values.get("collected_on")
    collected_on = today
    if _text(raw_date):
        collected_on = parse_date(raw_date)
        if collected_on is None:
            problem("bad_date", value=_text(raw_date))
        elif collected_on > today:
            problem("future_date", value=collected_on.isoformat())
    contact = {field: text[column] for column, field in CONTACT_FIELDS.items()}
    if contact["email"]:
        try:
            validate_email(contact["email"])
        except ValidationError:
            problem("bad_email", value=contact["email"])
    if (contact["phone"] or contact["email"] or contact["title"]) and not contact["name"]:
        problem("contact_without_name")

    if result.problems:
        result.status = RowStatus.INVALID
        return result
    result.data = {column: text[column] for column in services.CUSTOMER_FIELDS if column in text}
    result.data.update(source=source, collected_on=collected_on)
    if contact["name"]:
        result.contacts = [services.ContactData(**contact)]
    result.keys = services.keys_for_new(result.data, result.contacts)
    return result


def totals(results: Iterable[RowResult | dict]) -> dict[str, int]:
    counts = Counter(r["status"] if isinstance(r, dict) else r.status for r in results)
    return {status: counts.get(status, 0) for status in RowStatus.labels}


# --- the kept import: upload, confirm --------------------------------------------------------


def import_upload(
    *,
    actor,
    file_name: str,
    content: bytes,
    to_pool: bool = False,
    default_source: str = "",
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    max_rows: int | None = MAX_WEB_ROWS,
    now=None,
    on_row: Callable[[RowResult], None] | None = None,
) -> CustomerImport:
    """Keep the file with its preview; no customer is written. Bad files raise ImportFileError.

    `on_row` sees each row's result as it is checked (the command prints them).
    """
    now = now or timezone.now()
    check_importer(actor, to_pool=to_pool)
    default_source_for(to_pool=to_pool, default_source=default_source)
    if max_bytes is not None and len(content) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(size)d MB."), size=max_bytes // (1024 * 1024)
        )
    file_name = _short_name(file_name)
    table = read_table(content, file_name, max_rows=max_rows)
    # With a row limit, read every row first: a file over it is refused before any check.
    rows = list(table.rows) if max_rows is not None else table.rows
    results = []
    for result in check_rows(
        rows, actor=actor, to_pool=to_pool, default_source=default_source, now=now
    ):
        results.append(result)
        if on_row is not None:
            on_row(result)
    counts = totals(results)
    return CustomerImport.objects.create(
        uploaded_by=actor,
        created_at=now,
        file_name=file_name,
        content=content,
        to_pool=to_pool,
        default_source=default_source,
        report=_report(table, results),
        new_count=counts[RowStatus.NEW],
        duplicate_count=counts[RowStatus.DUPLICATE],
        invalid_count=counts[RowStatus.INVALID],
    )


def _short_name(file_name: str, limit: int = 255) -> str:
    """The file's own name (no folders), shortened to `limit` keeping its extension."""
    path = PurePath(file_name.replace("\\", "/"))
    if len(path.name) <= limit:
        return path.name
    return path.stem[: limit - len(path.suffix)] + path.suffix


def _report(table: Table, results: list[RowResult]) -> dict:
    return {
        "columns": [list(pair) for pair in table.columns],
        "ignored": table.ignored,
        "rows": [result.as_json() for result in results],
    }


class _Stop(Exception):
    """Ends the confirming transaction: nothing is written; `failure` says why."""

    def __init__(self, failure: dict):
        self.failure = failure
        super().__init__(failure)


# Statuses from which the uploader may confirm (again, after a failure).
CONFIRMABLE = {CustomerImport.Status.PREVIEWED, CustomerImport.Status.FAILED}
# A queued import whose run has not ended after this long was lost (broker down, worker
# gone for good): the uploader may confirm it again. Longer than any run may take.
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _check_uploader(locked: CustomerImport, actor) -> None:
    if locked.uploaded_by_id != actor.pk:
        raise DomainError(_("Only the person who uploaded the file confirms its import."))
    if locked.status == CustomerImport.Status.IMPORTED:
        raise DomainError(_("This file was already imported."))


def can_confirm(customer_import: CustomerImport, *, now=None) -> bool:
    """Previewed or failed; or queued so long ago that its run must have been lost."""
    if customer_import.status in CONFIRMABLE:
        return True
    now = now or timezone.now()
    return (
        customer_import.status == CustomerImport.Status.IMPORTING
        and customer_import.confirmed_at is not None
        and customer_import.confirmed_at < now - STALE_AFTER
    )


def import_request(*, customer_import: CustomerImport, actor, now=None) -> CustomerImport:
    """The uploader confirms: the import is queued and a worker runs it (import_confirm).

    A second click while it is queued or running is refused, as is one after it is done.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CustomerImport.objects.select_for_update()
            .defer("content", "report")
            .get(pk=customer_import.pk)
        )
        _check_uploader(locked, actor)
        if not can_confirm(locked, now=now):
            raise DomainError(_("This file is being imported already."))
        locked.status = CustomerImport.Status.IMPORTING
        locked.confirmed_at = now
        locked.failure = {}
        locked.save(update_fields=["status", "confirmed_at", "failure"])
        transaction.on_commit(partial(_enqueue, locked.pk))
    return locked


def _enqueue(import_id: int) -> None:
    from customers import tasks  # the task module imports this one

    tasks.import_confirm.delay(import_id)


def import_confirm(
    *, customer_import: CustomerImport, actor, queued: bool = False, now=None
) -> CustomerImport:
    """Create the new rows of a confirmed import, all or nothing.

    In place (the command) from previewed or failed; `queued` (the worker) only from
    importing, so a task delivered twice runs once. Returns the import: status imported,
    or failed (with `failure` naming the row and a fresh report) when a row changed since
    the preview or a create was refused. The row lock orders concurrent confirmations.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = CustomerImport.objects.select_for_update().get(pk=customer_import.pk)
        if queued and locked.status != CustomerImport.Status.IMPORTING:
            return locked  # already run (a redelivered task)
        _check_uploader(locked, actor)
        if not queued and locked.status not in CONFIRMABLE:
            raise DomainError(_("This file is being imported already."))
        expected = {row["row"]: row["status"] for row in locked.report.get("rows", [])}
        table = read_table(bytes(locked.content), locked.file_name)
        try:
            # In a task or the command there is no request: name the uploader in history.
            with transaction.atomic(), acting_as(actor):
                results = _create_rows(locked, table, actor=actor, expected=expected, now=now)
        except _Stop as stop:
            # Nothing was written; keep why, and what the file would do now.
            table = read_table(bytes(locked.content), locked.file_name)
            results = list(_check_table(locked, table, actor=actor, now=now))
            locked.status = CustomerImport.Status.FAILED
            locked.failure = stop.failure
        else:
            locked.status = CustomerImport.Status.IMPORTED
            locked.imported_at = now
            locked.failure = {}
        counts = totals(results)
        locked.report = _report(table, results)
        locked.new_count = counts[RowStatus.NEW]
        locked.duplicate_count = counts[RowStatus.DUPLICATE]
        locked.invalid_count = counts[RowStatus.INVALID]
        locked.imported_count = sum(1 for result in results if result.customer_id)
        locked.confirmed_at = locked.confirmed_at or now
        locked.save(
            update_fields=[
                "status", "confirmed_at", "imported_at", "failure", "report", "new_count",
                "duplicate_count", "invalid_count", "imported_count",
            ]
        )  # fmt: skip
    return locked


def import_abandon(*, import_id: int, message: str = "") -> None:
    """A queued run ended in an error: nothing was written; say so (and why, if known)."""
    with transaction.atomic():
        locked = CustomerImport.objects.select_for_update().filter(pk=import_id).first()
        if locked is None or locked.status != CustomerImport.Status.IMPORTING:
            return
        locked.status = CustomerImport.Status.FAILED
        locked.failure = {"code": "error", "message": message}
        locked.save(update_fields=["status", "failure"])


def _check_table(customer_import: CustomerImport, table: Table, *, actor, now):
    return check_rows(
        table.rows,
        actor=actor,
        to_pool=customer_import.to_pool,
        default_source=customer_import.default_source,
        now=now,
    )


def _create_rows(customer_import, table, *, actor, expected: dict, now) -> list[RowResult]:
    results = []
    for result in _check_table(customer_import, table, actor=actor, now=now):
        if expected.get(result.row) != result.status:
            raise _Stop({"code": "changed", "row": result.row, "status": result.status})
        if result.status == RowStatus.NEW:
            try:
                customer = services.customer_create(
                    actor=actor,
                    data=result.data,
                    contacts=result.contacts,
                    to_pool=customer_import.to_pool,
                    now=now,
                )
            except DomainError as error:
                raise _Stop({"code": "refused", "row": result.row, "message": str(error)}) from None
            except DatabaseError as error:  # e.g. a value the database refuses
                raise _Stop({"code": "refused", "row": result.row, "message": str(error)}) from None
            result.customer_id = customer.pk
        results.append(result)
    return results


def failure_message(customer_import: CustomerImport) -> str:
    """Why the last confirmation wrote nothing, in the reader's language."""
    failure = customer_import.failure or {}
    if failure.get("code") == "changed":
        return str(
            _(
                "Row %(row)d is now %(status)s, not what the preview showed. Nothing was "
                "imported: check the updated preview and confirm again."
            )
        ) % {"row": failure["row"], "status": str(RowStatus.labels[failure["status"]]).lower()}
    if failure.get("code") == "error":
        if failure.get("message"):
            return str(_("%(message)s Nothing was imported.")) % {"message": failure["message"]}
        return str(
            _(
                "The import stopped with an error. Nothing was imported: confirm again, or "
                "tell an administrator if it happens again."
            )
        )
    if failure.get("code") == "refused":
        return str(_("Row %(row)d was refused: %(message)s Nothing was imported.")) % {
            "row": failure["row"],
            "message": failure["message"],
        }
    return ""


# --- the template ----------------------------------------------------------------------------


def template_file(extension: str) -> bytes:
    """An empty lead list with the headers in the active language (any language imports)."""
    headers = [column_label(column) for column in COLUMNS]
    sheet = tablib.Dataset(headers=headers, title=str(_("Customers")))
    if extension == "csv":
        # The byte-order mark tells Excel the file is UTF-8 (Chinese stays readable).
        return ("\ufeff" + FORMATS["csv"]().export_data(sheet)).encode("utf-8")
    if extension != "xlsx":
        raise ValueError(extension)
    channels = tablib.Dataset(
        headers=[str(_("Source channel")), str(_("Also accepted"))],
        title=str(_("Source channels")),
    )
    for channel in SourceChannel:
        channels.append(
            [str(channel.label), ", ".join([channel.value, *SOURCE_CHANNEL_CHINESE[channel]])]
        )
    return tablib.Databook([sheet, channels]).export("xlsx")
