"""The import_customers command, and the template it writes (imports.template)."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from customers import imports, services
from customers.models import Customer, CustomerImport, SourceChannel
from customers.tests.imports.helpers import LEADS, csv_bytes
from salescrm.errors import DomainError


@pytest.fixture
def leads_file(tmp_path):
    path = tmp_path / "展会名单.csv"
    path.write_bytes(csv_bytes(LEADS, encoding="gbk"))
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_customers", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_each_row_and_the_totals_and_imports(salesperson, existing, leads_file):
    output = run(str(leads_file), "--as", "salesperson", "--source", "trade_show")

    lines = output.splitlines()
    assert lines[0].split() == ["2", "New", "上海远航贸易有限公司"]
    assert lines[2].split()[:3] == ["4", "Duplicate", "上海远航贸易"]
    assert "Same company name as row 2" in lines[2]
    assert lines[3].split()[:3] == ["5", "Invalid", "-"]
    assert f"owned by {existing.owner}" in lines[4]
    assert "New: 2, duplicate: 2, invalid: 1" in output
    assert "2 customers imported (import #" in output
    assert Customer.objects.filter(owner=salesperson).count() == 2
    assert CustomerImport.objects.get().status == CustomerImport.Status.IMPORTED


def test_the_command_dry_run_writes_nothing(salesperson, leads_file):
    output = run(str(leads_file), "--as", "salesperson", "--dry-run")

    assert "New: 2, duplicate: 1, invalid: 2" in output  # no default source: row 3 is invalid
    assert "Dry run: nothing was written." in output
    assert not Customer.objects.exists()
    assert not CustomerImport.objects.exists()


def test_the_command_imports_into_the_pool_for_a_manager(manager, leads_file):
    run(str(leads_file), "--as", "manager", "--pool")

    assert Customer.objects.filter(owner=None, entered_by=manager).count() == 3
    assert Customer.objects.get(name="北京星河广告有限公司").source == SourceChannel.MARKETING_EVENT


def test_the_command_imports_into_the_managers_teams_pool(manager, team, leads_file):
    run(str(leads_file), "--as", "manager", "--pool", "--team-pool")

    imported = Customer.objects.filter(owner=None, entered_by=manager)
    assert imported.count() == 3
    assert {(c.pool_team, c.source_import) for c in imported} == {
        (team, CustomerImport.objects.get())
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "salesperson", "--pool"], "Only a sales manager imports customers into the"),
        (["--as", "nobody"], "No active user nobody."),
        (["--as", "salesperson", "--source", "pigeon"], "Unknown source channel pigeon."),
        (["--as", "director"], "Only salespeople and managers import customers."),
        ([], "Give the FILE to import and --as USERNAME"),
    ],
)
def test_the_command_refuses_bad_arguments(salesperson, director, leads_file, args, message):
    with pytest.raises(CommandError, match=message):
        run(str(leads_file), *args)

    assert not CustomerImport.objects.exists()


def test_the_command_fails_with_a_non_zero_exit_when_the_import_fails(
    salesperson, leads_file, monkeypatch
):
    def refuse(**kwargs):
        raise DomainError("The database said no.")

    monkeypatch.setattr(services, "customer_create", refuse)

    with pytest.raises(CommandError, match=r"Row 2 was refused: The database said no\.") as error:
        run(str(leads_file), "--as", "salesperson")

    assert error.value.returncode == 1  # what manage.py exits with

    assert not Customer.objects.exists()
    assert CustomerImport.objects.get().status == CustomerImport.Status.FAILED


def test_the_command_refuses_a_file_it_cannot_read(salesperson, tmp_path):
    path = tmp_path / "leads.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    with pytest.raises(CommandError, match="Only CSV and Excel"):
        run(str(path), "--as", "salesperson")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_written_by_the_command_is_read_back(tmp_path, db, extension):
    out = tmp_path / f"template.{extension}"

    assert "Template written to" in run("--template", str(out))

    content = out.read_bytes()
    if extension == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
        content += b"Acme\n"
    else:
        book = openpyxl.load_workbook(io.BytesIO(content))
        book.worksheets[0].append(["Acme"])
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    table = imports.read_table(content, out.name)
    assert [field for _header, field in table.columns] == list(imports.COLUMNS)
    assert [row.values["name"] for row in table.rows] == ["Acme"]


def test_the_template_in_chinese_is_read_back(tmp_path):
    with translation.override("zh-hans"):
        content = imports.template_file("csv")

    table = imports.read_table(content + b"Acme\n", "t.csv")

    assert [field for _header, field in table.columns] == list(imports.COLUMNS)
