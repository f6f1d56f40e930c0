"""The report as CSV or XLSX: the same rows and numbers as the screen."""

from __future__ import annotations

import tablib

from reports.selectors import COLUMNS, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def safe(value):
    """A text cell a spreadsheet will not run as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def dataset(rows: list[Row], *, first_heading: str) -> tablib.Dataset:
    data = tablib.Dataset(headers=[first_heading, *[str(heading) for _key, heading in COLUMNS]])
    for row in rows:
        data.append([safe(row.label), *row.values()])
    return data


def render(data: tablib.Dataset, file_format: str) -> bytes | str:
    if file_format == "csv":
        # The byte-order mark tells Excel the CSV is UTF-8 (Chinese names stay readable).
        return "\ufeff" + data.csv
    return data.xlsx
