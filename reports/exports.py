"""The report as CSV or XLSX: the same rows and numbers as the screen, written by the one
spreadsheet writer (salescrm.exports), which makes formula-like cells plain text."""

from __future__ import annotations

import tablib

from reports import collections
from reports.selectors import COLUMNS, Row
from salescrm.exports import CONTENT_TYPES as FORMATS
from salescrm.exports import download, render, safe_cell

__all__ = ["FORMATS", "collections_dataset", "dataset", "download", "render"]


def dataset(rows: list[Row], *, first_heading: str) -> tablib.Dataset:
    data = tablib.Dataset(headers=[first_heading, *[str(heading) for _key, heading in COLUMNS]])
    for row in rows:
        data.append([safe_cell(row.label), *row.values()])
    return data


def collections_dataset(rows: list[collections.Row], *, first_heading: str) -> tablib.Dataset:
    """The collections report: target, collected and ageing per row (same as the screen)."""
    headings = [str(heading) for _key, heading in collections.COLUMNS]
    data = tablib.Dataset(headers=[first_heading, *headings])
    for row in rows:
        data.append([safe_cell(row.label), *row.values()])
    return data
