"""Spreadsheets people download (CSV and XLSX): one way to write them, safe to open.

A cell that starts with =, +, - or @ (or a tab or carriage return, or the full-width
forms of the four that a Chinese input method types) is a formula to Excel and LibreOffice: a
customer named "=HYPERLINK(...)" would become a live link or command in the reader's
spreadsheet. Every such text cell is written with a leading apostrophe, which the
spreadsheet shows as plain text (OWASP's "CSV injection" advice). Numbers and dates stay
as they are. Every export and download view writes through `download`.
"""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.http import HttpResponse

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
