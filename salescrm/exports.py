"""Spreadsheets people download (CSV and XLSX): one way to write them, safe to open.

A cell that starts with =, +, - or @ (or a tab or carriage return, or the full-width
forms of the four that a Chinese input method types) is a formula to Excel and LibreOffice: a
customer named "=HYPERLINK(...)" would become a live link or command in the reader's
spreadsheet. Every such text cell is written with a leading apostrophe, which the
spreadsheet shows as plain text (OWASP's "CSV injection" advice). Numbers and dates stay
as they are. Every export and download view writes through `download`, or `stream_csv`
for a list that may be long (rows written as they are read: a web worker's memory stays
bounded whatever the size of the list).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

import tablib
from django.http import HttpResponse, StreamingHttpResponse

# With the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), written as escapes.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value: object) -> object:
    """The value, with a text that a spreadsheet would run as a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of `dataset` with every header and cell made safe (safe_cell)."""
    safe = tablib.Dataset(
        headers=[safe_cell(h) for h in dataset.headers] if dataset.headers else None,
        title=dataset.title,
    )
    for row in dataset:
        safe.append([safe_cell(cell) for cell in row])
    return safe


def render(sheets: tablib.Dataset | Iterable[tablib.Dataset], file_format: str) -> bytes:
    """The file's bytes: CSV (the first sheet, UTF-8 with a byte-order mark so that Excel
    reads Chinese) or XLSX (every sheet), each cell made safe."""
    if isinstance(sheets, tablib.Dataset):
        sheets = [sheets]
    sheets = [safe_dataset(sheet) for sheet in sheets]
    if file_format == "csv":
        return ("\ufeff" + sheets[0].export("csv")).encode("utf-8")
    if file_format == "xlsx":
        return tablib.Databook(sheets).export("xlsx")
    raise ValueError(file_format)


def download(
    sheets: tablib.Dataset | Iterable[tablib.Dataset], *, file_format: str, filename: str
) -> HttpResponse:
    """An attachment `filename`.<file_format> with the sheets (see `render`).

    Like every response to a signed-in person it is sent `Cache-Control: no-store`
    (salescrm.middleware.PrivateResponsesMiddleware).
    """
    response = HttpResponse(render(sheets, file_format), content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


class _Echo:
    """A file that hands back what the csv writer writes."""

    def write(self, value: str) -> str:
        return value


def stream_csv(headers: list, rows: Iterable[list], *, filename: str) -> StreamingHttpResponse:
    """A CSV attachment (UTF-8 with a byte-order mark, each cell made safe) written row by row
    from `rows`, an iterator over the database (QuerySet.iterator): never held in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[bytes]:
        yield ("\ufeff" + writer.writerow([safe_cell(h) for h in headers])).encode("utf-8")
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row]).encode("utf-8")

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
