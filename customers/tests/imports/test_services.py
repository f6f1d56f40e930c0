"""Upload, confirm, the web's queued confirmation (imports.services)."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from customers import imports, selectors, services, tasks
from customers.imports import services as import_services
from customers.models import Assignment, Customer, CustomerImport, IdentityKey, SourceChannel
from customers.tests.factories import make_customer
from customers.tests.imports.helpers import LEADS, csv_bytes, upload
from salescrm.errors import DomainError
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory

# --- upload and confirm ------------------------------------------------------------------------


def test_an_upload_keeps_the_file_and_its_report_but_writes_no_customer(salesperson, existing):
    customer_import = upload(salesperson)

    assert Customer.objects.count() == 1
    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.PREVIEWED
    assert bytes(customer_import.content) == csv_bytes(LEADS, encoding="gbk")
    assert (customer_import.new_count, customer_import.duplicate_count) == (2, 2)
    assert customer_import.invalid_count == 1
    assert [row["status"] for row in customer_import.report["rows"]] == [
        "new", "new", "duplicate", "invalid", "duplicate",
    ]  # fmt: skip


def test_an_upload_keeps_only_the_files_own_name_with_its_extension(salesperson):
    rows = [["Company name", "Source"], ["Acme", "other"]]
    long_name = "C:\\Users\\li\\Desktop\\" + "展" * 300 + ".csv"

    customer_import = imports.import_upload(
        actor=salesperson, file_name=long_name, content=csv_bytes(rows)
    )

    assert len(customer_import.file_name) == 255
    assert customer_import.file_name.startswith("展展")
    assert customer_import.file_name.endswith(".csv")


def test_an_upload_that_cannot_be_read_stores_nothing(salesperson):
    with pytest.raises(imports.ImportFileError):
        imports.import_upload(actor=salesperson, file_name="x.csv", content=b"Phone\n1\n")

    assert not CustomerImport.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(salesperson):
    with pytest.raises(imports.ImportFileError, match="larger than 1 MB"):
        imports.import_upload(
            actor=salesperson,
            file_name="x.csv",
            content=b"x" * (1024 * 1024 + 1),
            max_bytes=1024 * 1024,
        )


def test_confirm_creates_exactly_the_new_rows_owned_by_the_importer(salesperson, existing):
    customer_import = upload(salesperson)

    imported = imports.import_confirm(customer_import=customer_import, actor=salesperson)

    assert imported.status == CustomerImport.Status.IMPORTED
    assert imported.imported_count == 2
    created = Customer.objects.exclude(pk=existing.pk).order_by("name")
    assert [c.name for c in created] == ["上海远航贸易有限公司", "北京星河广告有限公司"]
    assert all(c.owner == salesperson and c.entered_by == salesperson for c in created)
    assert all(c.first_contact_due_at and c.completion_due_at for c in created)
    assert Assignment.objects.filter(customer__in=created, assignee=salesperson).count() == 2
    yuanhang = created.get(name="上海远航贸易有限公司")
    assert yuanhang.source == SourceChannel.TRADE_SHOW
    assert set(yuanhang.keys.values_list("kind", "value")) == {
        ("name", "上海远航贸易"),
        ("phone", "02162345678"),
        ("phone", "13800138000"),
        ("email", "zw@yuanhang.cn"),
    }
    contact = yuanhang.contact_people.get()
    assert (contact.name, contact.title, contact.email) == ("张伟", "市场总监", "zw@yuanhang.cn")
    reported = {row["row"]: row["customer_id"] for row in imported.report["rows"]}
    assert reported == {
        2: yuanhang.pk,
        3: created.get(name="北京星河广告有限公司").pk,
        4: None,
        5: None,
        6: None,
    }


def test_a_manager_imports_into_the_pool_as_marketing_event_leads(manager):
    customer_import = upload(
        manager, [["Company name"], ["Acme"], ["Beta"]], to_pool=True, default_source=""
    )

    imports.import_confirm(customer_import=customer_import, actor=manager)

    created = Customer.objects.all()
    assert created.count() == 2
    assert all(c.owner is None and c.entered_by == manager for c in created)
    assert {c.source for c in created} == {SourceChannel.MARKETING_EVENT}
    assert all(c.first_contact_due_at is None for c in created)


def test_imported_customers_name_their_batch_and_may_stay_in_the_teams_pool(manager, team):
    customer_import = upload(
        manager, [["Company name"], ["Acme"], ["Beta"]], to_pool=True, team_pool=True
    )
    assert customer_import.pool_team == team

    imports.import_confirm(customer_import=customer_import, actor=manager)

    created = Customer.objects.all()
    assert {(c.source_import, c.pool_team, c.owner) for c in created} == {
        (customer_import, team, None)
    }


def test_only_the_manager_of_a_team_imports_into_a_teams_pool(db):
    teamless = UserFactory(role=Role.MANAGER, team=None)

    with pytest.raises(DomainError):
        upload(teamless, [["Company name"], ["Acme"]], to_pool=True, team_pool=True)
    assert not CustomerImport.objects.exists()


def test_an_xlsx_import_with_chinese_is_confirmed(salesperson):
    rows = [
        ["公司名称", "来源渠道", "收集日期", "手机", "联系人"],
        ["深圳海岸城购物中心", "公司营销活动", date(2024, 5, 3), 13800138000, "王芳"],
    ]
    customer_import = upload(salesperson, rows, name="活动.xlsx")

    imports.import_confirm(customer_import=customer_import, actor=salesperson)

    customer = Customer.objects.get()
    assert (customer.name, customer.source, customer.collected_on) == (
        "深圳海岸城购物中心", SourceChannel.MARKETING_EVENT, date(2024, 5, 3),
    )  # fmt: skip
    assert customer.contact_people.get().phone == "13800138000"


def test_a_customer_entered_between_preview_and_confirm_makes_the_confirm_write_nothing(
    salesperson, teammate, existing
):
    customer_import = upload(salesperson)
    make_customer(teammate, name="北京星河广告有限公司")  # row 3, new in the preview
    before = Customer.objects.count()

    failed = imports.import_confirm(customer_import=customer_import, actor=salesperson)

    assert Customer.objects.count() == before
    assert not Customer.objects.filter(name="上海远航贸易有限公司").exists()  # row 2 neither
    assert failed.status == CustomerImport.Status.FAILED
    assert failed.failure == {"code": "changed", "row": 3, "status": "duplicate"}
    assert "Row 3 is now duplicate" in imports.failure_message(failed)
    # The report is the file as it stands now: confirming again imports the rest.
    assert [row["status"] for row in failed.report["rows"]][:2] == ["new", "duplicate"]
    again = imports.import_confirm(customer_import=failed, actor=salesperson)
    assert again.status == CustomerImport.Status.IMPORTED
    assert again.imported_count == 1
    assert Customer.objects.filter(name="上海远航贸易有限公司", owner=salesperson).exists()


def test_a_create_refused_part_way_rolls_back_the_rows_before_it(salesperson, monkeypatch):
    customer_import = upload(salesperson)
    real_create = services.customer_create
    calls = []

    def create_then_refuse(**kwargs):
        # As if someone else entered the second company just before this create.
        calls.append(kwargs["data"]["name"])
        if len(calls) == 2:
            elsewhere = Customer(name="北京星河广告", entered_at=timezone.now())
            raise services.DuplicateCustomer(elsewhere, "name")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "customer_create", create_then_refuse)

    failed = imports.import_confirm(customer_import=customer_import, actor=salesperson)

    assert calls == ["上海远航贸易有限公司", "北京星河广告有限公司"]
    assert not Customer.objects.exists()
    assert not IdentityKey.objects.exists()
    assert failed.status == CustomerImport.Status.FAILED
    assert failed.failure["row"] == 3
    assert "Row 3 was refused: 北京星河广告 is already on file" in imports.failure_message(failed)


def test_confirming_twice_imports_once(salesperson):
    customer_import = upload(salesperson)
    imports.import_confirm(customer_import=customer_import, actor=salesperson)

    imported = Customer.objects.count()

    with pytest.raises(DomainError, match="already imported"):
        imports.import_confirm(customer_import=customer_import, actor=salesperson)

    assert imported == 3
    assert Customer.objects.count() == imported


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_import_once(salesperson, monkeypatch):
    customer_import = upload(salesperson)
    importing = threading.Event()
    real_create = services.customer_create

    def create_signalling(**kwargs):
        importing.set()  # the first confirmation holds the lock on the import now
        return real_create(**kwargs)

    monkeypatch.setattr(services, "customer_create", create_signalling)

    def confirm(wait=False):
        try:
            if wait:
                assert importing.wait(timeout=10)
            return imports.import_confirm(customer_import=customer_import, actor=salesperson)
        except Exception as error:  # collected for the assertions
            return error
        finally:
            connection.close()

    results = [None, None]
    threads = [
        threading.Thread(target=lambda i=i: results.__setitem__(i, confirm(wait=i == 1)))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert isinstance(results[0], CustomerImport), results
    assert isinstance(results[1], DomainError), results
    assert "already imported" in str(results[1])
    assert Customer.objects.count() == 3


def test_customers_imported_outside_a_request_name_the_uploader_in_history(salesperson):
    from customers.models import Customer

    content = "公司名称,来源渠道\r\n历史记录测试有限公司,展会\r\n".encode()
    customer_import = imports.import_upload(
        content=content, file_name="leads.csv", actor=salesperson, to_pool=False
    )

    imports.import_confirm(customer_import=customer_import, actor=salesperson)

    customer = Customer.objects.get(name="历史记录测试有限公司")
    assert customer.history.earliest().history_user == salesperson


# --- the web's queued confirmation ----------------------------------------------------------


def test_a_request_queues_the_import_once_the_transaction_commits(
    salesperson, monkeypatch, django_capture_on_commit_callbacks
):
    customer_import = upload(salesperson)
    queued = []
    monkeypatch.setattr(tasks.import_confirm, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        imports.import_request(customer_import=customer_import, actor=salesperson)
        assert queued == []  # not before the commit

    assert (len(callbacks), queued) == (1, [customer_import.pk])
    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.IMPORTING
    assert not Customer.objects.exists()


def test_the_task_imports_a_queued_import(salesperson):
    customer_import = upload(salesperson)
    imports.import_request(customer_import=customer_import, actor=salesperson)

    assert tasks.import_confirm(customer_import.pk) == {"status": "imported", "imported": 3}

    assert Customer.objects.filter(owner=salesperson).count() == 3


def test_a_task_delivered_twice_imports_once(salesperson):
    customer_import = upload(salesperson)
    imports.import_request(customer_import=customer_import, actor=salesperson)
    tasks.import_confirm(customer_import.pk)

    tasks.import_confirm(customer_import.pk)

    assert Customer.objects.count() == 3


def test_the_task_does_nothing_for_an_import_nobody_confirmed(salesperson):
    customer_import = upload(salesperson)

    tasks.import_confirm(customer_import.pk)

    assert not Customer.objects.exists()
    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.PREVIEWED


def test_a_second_request_while_queued_is_refused(salesperson):
    customer_import = upload(salesperson)
    imports.import_request(customer_import=customer_import, actor=salesperson)

    with pytest.raises(DomainError, match="being imported already"):
        imports.import_request(customer_import=customer_import, actor=salesperson)


def test_a_request_lost_for_longer_than_any_run_may_be_confirmed_again(salesperson):
    customer_import = upload(salesperson)
    then = timezone.now()
    imports.import_request(customer_import=customer_import, actor=salesperson, now=then)

    later = then + imports.STALE_AFTER + timedelta(seconds=1)
    again = imports.import_request(customer_import=customer_import, actor=salesperson, now=later)

    assert (again.status, again.confirmed_at) == (CustomerImport.Status.IMPORTING, later)


def test_a_task_refused_by_a_rule_fails_the_import_with_the_reason(salesperson):
    customer_import = upload(salesperson)
    imports.import_request(customer_import=customer_import, actor=salesperson)
    salesperson.role = "frontdesk"
    salesperson.save(update_fields=["role"])

    tasks.import_confirm(customer_import.pk)

    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.FAILED
    assert imports.failure_message(customer_import) == (
        "Only salespeople and managers import customers. Nothing was imported."
    )
    assert not Customer.objects.exists()


def test_a_task_that_crashes_fails_the_import_instead_of_leaving_it_queued(
    salesperson, monkeypatch
):
    customer_import = upload(salesperson)
    imports.import_request(customer_import=customer_import, actor=salesperson)

    def crash(*args, **kwargs):
        raise RuntimeError("worker bug")

    monkeypatch.setattr(import_services, "_create_rows", crash)

    with pytest.raises(RuntimeError):
        tasks.import_confirm(customer_import.pk)

    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.FAILED
    assert "The import stopped with an error." in imports.failure_message(customer_import)
    assert imports.can_confirm(customer_import)


def test_only_the_uploader_confirms(salesperson, teammate):
    customer_import = upload(salesperson)

    with pytest.raises(DomainError, match="Only the person who uploaded"):
        imports.import_confirm(customer_import=customer_import, actor=teammate)

    assert not Customer.objects.exists()


def test_the_report_is_rendered_in_the_readers_language(salesperson, existing):
    customer_import = upload(salesperson)

    with translation.override("en"):
        rows = selectors.report_rows(customer_import, status="invalid")

    assert [(row["row"], str(row["label"]), row["message"]) for row in rows] == [
        (5, "Invalid", "The company name is missing.")
    ]
