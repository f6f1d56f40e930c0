"""Workbooks that are small on disk and huge unpacked are refused before openpyxl parses them.

The bombs are generated here with zipfile: a real workbook from openpyxl whose parts are
replaced, so they are a few hundred KB at most and quick to build.
"""

import io
import zipfile

import pytest

from customers import imports
from customers.imports import reading
from customers.models import Customer, CustomerImport
from customers.tests.imports.helpers import csv_bytes, xlsx_bytes
from salescrm.testing.http import html

UPLOAD = "/customers/import/"
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LIST = [["Company name", "Source channel"], ["Acme Trading", "展会"]]


def rebuilt(replace: dict) -> bytes:
    """A real workbook of LIST with some parts replaced: name -> bytes, or a function that
    writes the part to a stream (to unpack to far more than it takes to build)."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes(LIST)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in original.infolist():
            part = replace.get(member.filename, original.read(member.filename))
            if callable(part):
                with bomb.open(member.filename, "w", force_zip64=True) as stream:
                    part(stream)
            else:
                bomb.writestr(member.filename, part)
    return out.getvalue()


def sheet(rows: str, dimension: str | None = None) -> bytes:
    top = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{top}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


HEAD = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Company name</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Acme Trading</t></is></c></row>'
)


def huge_cell(megabytes: int) -> bytes:
    """A cell of `megabytes` MB of "A" under the headers: a few hundred KB packed."""

    def write(stream):
        start, end = sheet(HEAD + '<row r="3"><c r="A3" t="inlineStr"><is><t>|').split(b"|")
        stream.write(start)
        chunk = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            stream.write(chunk)
        stream.write(b"</t></is></c></row>" + end)

    return rebuilt({SHEET: write})


def blank_rows(count: int, *, dimension: str | None = None) -> bytes:
    rows = "".join(f'<row r="{n}"/>' for n in range(3, count + 3))
    return rebuilt({SHEET: sheet(HEAD + rows, dimension)})


def test_the_bombs_are_small_on_disk():
    assert len(huge_cell(300)) < 400 * 1024
    assert len(blank_rows(3, dimension="A1:A3000000")) < 10 * 1024


@pytest.mark.parametrize("megabytes", [20, 40, 300])
def test_a_workbook_with_one_huge_cell_is_refused_before_it_is_parsed(monkeypatch, megabytes):
    content = huge_cell(megabytes)
    # openpyxl is never asked to open it.
    monkeypatch.setattr(reading.openpyxl, "load_workbook", pytest.fail)

    with pytest.raises(imports.ImportFileError, match="unpacks to more than 50 MB"):
        imports.read_table(content, "leads.xlsx")


def test_a_workbook_declaring_three_million_rows_is_refused_before_it_is_parsed(monkeypatch):
    content = blank_rows(3, dimension="A1:B3000000")
    monkeypatch.setattr(reading.openpyxl, "load_workbook", pytest.fail)

    with pytest.raises(imports.ImportFileError, match="more than 20000 rows, empty ones"):
        imports.read_table(content, "leads.xlsx", max_lines=reading.MAX_LINES)


def test_a_workbook_declaring_thousands_of_columns_is_refused(monkeypatch):
    content = blank_rows(3, dimension="A1:XFD3")
    monkeypatch.setattr(reading.openpyxl, "load_workbook", pytest.fail)

    with pytest.raises(imports.ImportFileError, match="more than 200 columns"):
        imports.read_table(content, "leads.xlsx")


def test_blank_rows_without_a_declared_dimension_are_counted_as_read():
    content = blank_rows(25_000)

    with pytest.raises(imports.ImportFileError, match="more than 20000 rows, empty ones"):
        list(imports.read_table(content, "leads.xlsx", max_lines=reading.MAX_LINES).rows)


def test_a_csv_of_blank_lines_is_refused():
    content = csv_bytes(LIST) + b"\r\n" * 30_000

    with pytest.raises(imports.ImportFileError, match="more than 20000 rows, empty ones"):
        list(imports.read_table(content, "leads.csv", max_lines=reading.MAX_LINES).rows)


def test_an_ordinary_workbook_and_its_declared_dimension_pass():
    content = blank_rows(3, dimension="A1:B5")

    rows = list(imports.read_table(content, "leads.xlsx", max_lines=reading.MAX_LINES).rows)

    assert [row.values["name"] for row in rows] == ["Acme Trading"]
    reading.check_workbook(xlsx_bytes(LIST), max_lines=reading.MAX_LINES)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: huge_cell(300), "The workbook unpacks to more than 50 MB"),
        (lambda: blank_rows(3, dimension="A1:B3000000"), "more than 20000 rows, empty ones"),
    ],
    ids=["one-huge-cell", "three-million-rows-declared"],
)
def test_an_uploaded_bomb_gets_a_clear_message_and_stores_nothing(
    client_for, salesperson, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("leads.xlsx", content())

    response = client_for(salesperson).post(UPLOAD, {"file": upload})

    assert response.status_code == 200
    assert message in html(response)
    assert not CustomerImport.objects.exists()
    assert not Customer.objects.exists()


def test_an_uploaded_bomb_is_refused_in_chinese(client_for, salesperson):
    from django.core.files.uploadedfile import SimpleUploadedFile

    salesperson.language = "zh-hans"
    salesperson.save(update_fields=["language"])

    response = client_for(salesperson).post(
        UPLOAD, {"file": SimpleUploadedFile("leads.xlsx", huge_cell(300))}
    )

    assert "50 MB" in html(response)
    assert "The workbook unpacks" not in html(response)
    assert not CustomerImport.objects.exists()


def test_blank_rows_without_a_dimension_are_refused_by_the_worker_on_the_preview(
    client_for, salesperson, eager_tasks, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("leads.xlsx", blank_rows(25_000))
    client = client_for(salesperson)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": upload})
    response = client.get(response.url)

    assert "more than 20000 rows, empty ones" in html(response)
    assert CustomerImport.objects.get().status == CustomerImport.Status.REFUSED
    assert not Customer.objects.exists()
