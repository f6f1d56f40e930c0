import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from customers.models import SourceChannel
from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, queries_for

EXPORT = reverse("customers:export")
BOM = "\ufeff".encode()


def content(response) -> bytes:
    """The file's bytes (the CSV is streamed, row by row)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    text = content(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def csv_names_of(data: bytes) -> set[str]:
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    column = header.index("Company name")
    return {row[column] for row in rows}


def csv_names(response) -> set[str]:
    header, *rows = csv_rows(response)
    column = header.index("Company name")
    return {row[column] for row in rows}


@pytest.fixture
def customers(manager, salesperson, teammate, other_salesperson):
    make_customer(salesperson, name="上海远航贸易有限公司", source=SourceChannel.INTERNET)
    make_customer(salesperson, name="Own Show Company")
    make_customer(teammate, name="Teammate Company")
    make_customer(other_salesperson, name="Foreign Company")
    make_customer(actor=manager, to_pool=True, name="Pool Company")


def test_the_csv_starts_with_a_byte_order_mark_for_excel(client_for, salesperson, customers):
    response = client_for(salesperson).get(EXPORT, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert content(response).startswith(BOM)
    assert "attachment;" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.csv"')


def test_the_csv_is_streamed_row_by_row_not_built_in_memory(client_for, director, customers):
    response = client_for(director).get(EXPORT, {"format": "csv"})

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 6  # the header, then one chunk per customer as it is read
    assert len(csv_names_of(b"".join(chunks))) == 5


def test_csv_is_the_default_format(client_for, salesperson, customers):
    response = client_for(salesperson).get(EXPORT)

    assert content(response).startswith(BOM)


def test_the_csv_holds_only_the_salespersons_own_customers(client_for, salesperson, customers):
    response = client_for(salesperson).get(EXPORT, {"format": "csv"})

    assert csv_names(response) == {"上海远航贸易有限公司", "Own Show Company"}


def test_the_csv_holds_the_managers_team_and_the_pool(client_for, manager, customers):
    response = client_for(manager).get(EXPORT, {"format": "csv"})

    assert csv_names(response) == {
        "上海远航贸易有限公司",
        "Own Show Company",
        "Teammate Company",
        "Pool Company",
    }


def test_the_director_exports_every_customer(client_for, director, customers):
    response = client_for(director).get(EXPORT, {"format": "csv"})

    assert len(csv_names(response)) == 5


def test_the_export_honours_the_filters(client_for, manager, customers, teammate):
    client = client_for(manager)

    by_source = client.get(EXPORT, {"format": "csv", "source": SourceChannel.INTERNET})
    by_name = client.get(EXPORT, {"format": "csv", "q": "远航"})
    by_owner = client.get(EXPORT, {"format": "csv", "owner": teammate.pk})

    assert csv_names(by_source) == {"上海远航贸易有限公司"}
    assert csv_names(by_name) == {"上海远航贸易有限公司"}
    assert csv_names(by_owner) == {"Teammate Company"}


def test_an_owner_parameter_does_not_widen_a_salespersons_export(
    client_for, salesperson, other_salesperson, customers
):
    response = client_for(salesperson).get(EXPORT, {"format": "csv", "owner": other_salesperson.pk})

    assert "Foreign Company" not in csv_names(response)


def test_the_csv_names_the_owner(client_for, manager, salesperson, customers):
    header, *rows = csv_rows(client_for(manager).get(EXPORT, {"format": "csv", "q": "Own Show"}))

    assert rows[0][header.index("Owner")] == str(salesperson)


def test_the_xlsx_opens_with_a_header_row_and_chinese_names_intact(
    client_for, salesperson, customers
):
    response = client_for(salesperson).get(EXPORT, {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Company name", "Unified social credit code", "Source channel"]
    assert "Owner" in header
    names = {row[0] for row in rows}
    assert names == {"上海远航贸易有限公司", "Own Show Company"}


def test_an_unknown_format_is_404(client_for, salesperson, customers):
    assert client_for(salesperson).get(EXPORT, {"format": "pdf"}).status_code == 404


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_the_export_is_404_for_front_desk_and_administrator(
    request, client_for, persona, customers
):
    response = client_for(request.getfixturevalue(persona)).get(EXPORT, {"format": "csv"})

    assert response.status_code == 404
    assert b"Foreign Company" not in response.content


def test_the_export_sends_anonymous_visitors_to_login(client, customers):
    response = client.get(EXPORT, {"format": "csv"})

    assert_sent_to_login(response)
    assert b"Company" not in response.content


def test_the_export_refuses_post(client_for, salesperson):
    assert client_for(salesperson).post(EXPORT, {"format": "csv"}).status_code == 405


def test_the_list_links_to_the_export_with_its_filters(client_for, salesperson, customers):
    page = client_for(salesperson).get(reverse("customers:list"), {"q": "Own"}).content.decode()

    assert f"{EXPORT}?q=Own&amp;format=csv" in page
    assert f"{EXPORT}?q=Own&amp;format=xlsx" in page


def _many(owner, numbers):
    for number in numbers:
        make_customer(owner, name=f"Export Company {number}")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_runs_the_same_queries_for_5_and_60_customers(
    client_for, manager, salesperson, teammate, file_format
):
    client = client_for(manager)
    url = f"{EXPORT}?format={file_format}"
    _many(salesperson, range(5))
    client.get(url)
    few = queries_for(client, url)

    _many(teammate, range(5, 60))
    many = queries_for(client, url)

    assert few == many


DANGEROUS = {
    "name": '=HYPERLINK("http://evil.example/","Click")',
    "city": "+1+cmd|' /C calc'!A0",
    "address": "-2+3",
    "industry": "@SUM(A1:A9)",
    "source_detail": "\t=1+1",
}


@pytest.fixture
def dangerous(salesperson):
    return make_customer(salesperson, **DANGEROUS)


def test_the_csv_writes_formula_like_cells_as_plain_text(client_for, salesperson, dangerous):
    response = client_for(salesperson).get(EXPORT, {"format": "csv"})

    header, row = csv_rows(response)
    cells = dict(zip(header, row, strict=True))
    assert cells["Company name"] == "'" + DANGEROUS["name"]
    assert cells["City"] == "'" + DANGEROUS["city"]
    assert cells["Address"] == "'-2+3"
    assert cells["Industry"] == "'@SUM(A1:A9)"
    assert cells["Source detail"] == "'\t=1+1"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in row)


def test_the_xlsx_holds_no_formula(client_for, salesperson, dangerous):
    response = client_for(salesperson).get(EXPORT, {"format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = [cell.value for cell in cells]
    assert "'" + DANGEROUS["name"] in values
    assert "'@SUM(A1:A9)" in values
