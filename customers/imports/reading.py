"""Reading a lead list: decoding the file, finding its headers, its rows and their dates.

CSV (UTF-8 with or without a byte-order mark, UTF-16, else GB18030, the superset of the
GBK that Chinese Excel writes) and XLSX (the first sheet).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from xml.etree import ElementTree

import openpyxl
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from openpyxl.utils.datetime import from_excel

from customers.imports.columns import _fold, column_label, header_aliases
from salescrm.errors import DomainError

HEADER_SEARCH_ROWS = 10  # a title line or two above the headers is common in lead lists

# An XLSX is a zip of XML: a few hundred KB can unpack to gigabytes (one huge cell, or
# millions of empty rows), which would take a web worker's memory and time. Before
# openpyxl sees a workbook, its directory is checked: the sizes each member declares
# (Python's zipfile stops at the declared size and fails the CRC beyond it, so a lie is
# an unreadable file, not a bigger one) and how much each one is compressed; then the
# first sheet's declared dimension. Rows (empty ones included) are also counted as read.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # the whole workbook, unpacked
MAX_MEMBER_BYTES = 30 * 1024 * 1024  # any one part of it (a sheet, the shared strings)
MAX_RATIO = 100  # unpacked / packed, for a part over RATIO_FLOOR (XML packs about 10:1)
RATIO_FLOOR = 1024 * 1024
MAX_LINES = 20_000  # rows or lines of a file from the web, empty ones included
MAX_COLUMNS = 200  # columns of the first sheet
DIMENSION_PREFIX = 64 * 1024  # a sheet declares its dimension at its top

# The file formats, by extension (django-import-export's own format classes).
FORMATS = {fmt().get_extension(): fmt for fmt in (base_formats.CSV, base_formats.XLSX)}


class ImportFileError(DomainError):
    """The file cannot be read as a lead list; nothing was stored."""


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


def read_table(
    content: bytes,
    file_name: str,
    *,
    max_rows: int | None = None,
    max_lines: int | None = None,
) -> Table:
    """The lead list in `content`; raises ImportFileError with a clear message if unreadable.

    `max_rows`: data rows (not empty); `max_lines`: rows or lines of the file, empty ones
    included. An XLSX is checked against the unpacked-size limits before it is parsed.
    The rows are read as they are iterated; the row limits and "no rows" errors come
    from that iteration.
    """
    extension = PurePath(file_name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ImportFileError(
            _("Only CSV and Excel (.xlsx) files can be imported. Save the list as one of those.")
        )
    if not content:
        raise ImportFileError(_("The file is empty."))
    if extension == "xlsx":
        check_workbook(content, max_lines=max_lines)
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
        rows=_data_rows(
            raw, columns, first_number=number + 1, max_rows=max_rows, max_lines=max_lines
        ),
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


def _data_rows(raw, columns, *, first_number, max_rows, max_lines) -> Iterator[SourceRow]:
    count = 0
    for number, cells in enumerate(raw, start=first_number):
        if max_lines is not None and number > max_lines:
            raise _too_many_lines(max_lines)
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


def _too_many_lines(max_lines: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(max)d rows, empty ones included. Delete the empty rows "
            "under the list, or split it into smaller files."
        ),
        max=max_lines,
    )


def _too_big() -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook unpacks to more than %(size)d MB, far more than a lead list needs. "
            "Copy the list into a new workbook, or save it as CSV."
        ),
        size=MAX_UNZIPPED_BYTES // (1024 * 1024),
    )


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?\"")


def check_workbook(content: bytes, *, max_lines: int | None = None) -> None:
    """Refuse a workbook that would unpack too big, or whose first sheet declares more rows
    than `max_lines` or more than MAX_COLUMNS columns; reads only its directory, its small
    workbook parts and the top of the first sheet. A damaged zip is left to openpyxl."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        return
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
            raise _too_big()
        for member in members:
            if member.file_size > MAX_MEMBER_BYTES:
                raise _too_big()
            if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            ):
                raise _too_big()
        sheet = _first_sheet(archive)
        if sheet is None:
            return
        try:
            with archive.open(sheet) as stream:
                top = stream.read(DIMENSION_PREFIX)
        except (zipfile.BadZipFile, OSError, NotImplementedError):
            return  # openpyxl says it cannot be read
    match = _DIMENSION.search(top)
    if match is None:
        return  # the rows are counted as they are read
    last_column = (match.group(3) or match.group(1)).decode()
    last_row = (match.group(4) or match.group(2)).decode()
    if last_column and _column_number(last_column) > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "The first sheet spans more than %(max)d columns. Delete the empty columns "
                "right of the list, or copy the list into a new workbook."
            ),
            max=MAX_COLUMNS,
        )
    if max_lines is not None and last_row and int(last_row) > max_lines:
        raise _too_many_lines(max_lines)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first sheet (the one openpyxl reads), if found."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return None
    sheet = book.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get(f"{_REL_NS}id")
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


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
