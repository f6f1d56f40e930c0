"""The one way spreadsheets are written: cells a spreadsheet would run are plain text."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import tablib

from salescrm import exports


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+86 21 1234", "-5", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1+1", "\uff20SUM(A1)"],
)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert exports.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Acme", "a=b", " =1", "", None, 5, -5, Decimal("-1.5"),
                                   date(2026, 3, 2)])  # fmt: skip
def test_other_values_stay_as_they_are(value):
    assert exports.safe_cell(value) == value


def test_headers_and_every_sheet_of_a_workbook_are_made_safe():
    first = tablib.Dataset(["=A", "ok"], headers=["=H", "name"], title="One")
    second = tablib.Dataset(["@B"], headers=["x"], title="Two")

    book = openpyxl.load_workbook(io.BytesIO(exports.render([first, second], "xlsx")))

    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.value for c in cells] == ["'=H", "name", "'=A", "ok", "x", "'@B"]
    assert all(c.data_type != "f" for c in cells)


def test_a_csv_starts_with_a_byte_order_mark_and_is_safe():
    body = exports.render(tablib.Dataset(["-1+1"], headers=["a"]), "csv")

    assert body.decode("utf-8") == "\ufeffa\r\n'-1+1\r\n"


def test_the_download_is_an_attachment_of_the_right_type():
    response = exports.download(tablib.Dataset(["x"], headers=["a"]), file_format="xlsx",
                                filename="list")  # fmt: skip

    assert response["Content-Disposition"] == 'attachment; filename="list.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
