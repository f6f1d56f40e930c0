import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from customers import imports, tasks
from customers.models import Customer, CustomerImport, SourceChannel
from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html, messages_of, shown

UPLOAD = reverse("customers:import")
LIST = reverse("customers:list")
LEADS = [
    ["公司名称", "来源渠道", "联系人", "手机"],
    ["上海远航贸易有限公司", "展会", "张伟", "13800138000"],
    ["北京星河广告有限公司", "", "", ""],
    ["上海远航贸易", "展会", "", ""],
    ["Existing Co", "其他", "", ""],
    ["", "展会", "", ""],
]
OTHER_ROLES = ["director", "front_desk", "admin_user"]


def csv_file(rows=LEADS, *, name="展会名单.csv", encoding="gbk") -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def preview_url(customer_import) -> str:
    return reverse("customers:import_preview", kwargs={"pk": customer_import.pk})


def confirm_url(customer_import) -> str:
    return reverse("customers:import_confirm", kwargs={"pk": customer_import.pk})


def template_url(fmt) -> str:
    return reverse("customers:import_template", kwargs={"fmt": fmt})


@pytest.fixture
def confirm(django_capture_on_commit_callbacks, eager_tasks):
    """confirm(client, import): POST the confirmation; the queued task runs once it commits."""

    def post(client, customer_import):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(confirm_url(customer_import))

    return post


@pytest.fixture
def upload_file(django_capture_on_commit_callbacks, eager_tasks):
    """upload_file(client, data, **kwargs): POST the upload form; the worker's check of the
    file (queued once the upload commits) runs inline."""

    def post(client, data, *, follow=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(UPLOAD, data)
        if follow and response.status_code == 302:  # once the check has run
            return client.get(response.url)
        return response

    return post


@pytest.fixture
def existing(teammate):
    return make_customer(teammate, name="Existing Co")


@pytest.fixture
def uploaded(salesperson, existing):
    """A previewed import of LEADS by the salesperson (rows 2 and 3 new)."""
    upload = csv_file()
    return imports.import_upload(
        actor=salesperson,
        file_name=upload.name,
        content=upload.read(),
        default_source=SourceChannel.TRADE_SHOW,
    )


# --- the upload form ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_salespeople_and_managers_open_the_import_form(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(UPLOAD)

    assert response.status_code == 200
    page = html(response)
    assert 'type="file"' in page
    assert template_url("xlsx") in page
    assert template_url("csv") in page


def test_only_a_manager_is_offered_the_pool(client_for, manager, salesperson):
    assert 'name="to_pool"' in html(client_for(manager).get(UPLOAD))
    assert 'name="to_pool"' not in html(client_for(salesperson).get(UPLOAD))


def test_the_customer_list_offers_import_to_salespeople_and_managers_only(
    client_for, salesperson, manager, director
):
    assert UPLOAD in html(client_for(salesperson).get(LIST))
    assert UPLOAD in html(client_for(manager).get(LIST))
    assert UPLOAD not in html(client_for(director).get(LIST))


def test_an_upload_shows_the_preview_and_writes_no_customer(
    client_for, salesperson, existing, upload_file
):
    response = upload_file(
        client_for(salesperson), {"file": csv_file(), "default_source": SourceChannel.TRADE_SHOW}
    )

    customer_import = CustomerImport.objects.get()
    assert customer_import.status == CustomerImport.Status.PREVIEWED
    assert response.status_code == 302
    assert response.url == preview_url(customer_import)
    assert Customer.objects.count() == 1
    assert (customer_import.uploaded_by, customer_import.file_name) == (salesperson, "展会名单.csv")
    assert (customer_import.new_count, customer_import.duplicate_count) == (2, 2)
    assert customer_import.invalid_count == 1


def test_the_preview_shows_each_row_with_its_status_and_reason(client_for, salesperson, uploaded):
    response = client_for(salesperson).get(preview_url(uploaded))

    assert response.status_code == 200
    page = html(response)
    assert 'data-row="2" data-status="new"' in page
    assert 'data-row="4" data-status="duplicate"' in page
    assert shown("Same company name as row 2, which is the one imported.") in page
    assert shown(f"owned by {uploaded.report['rows'][3]['duplicate_of']['owner']}") in page
    assert 'data-row="6" data-status="invalid"' in page
    assert shown("The company name is missing.") in page
    assert confirm_url(uploaded) in page
    assert "Import 2 new customers" in page


def test_the_preview_filters_rows_by_status(client_for, salesperson, uploaded):
    response = client_for(salesperson).get(preview_url(uploaded), {"show": "invalid"})

    assert [row["row"] for row in response.context["rows"]] == [6]


def test_a_preview_without_new_rows_offers_no_confirmation(
    client_for, salesperson, existing, upload_file
):
    client = client_for(salesperson)
    upload_file(client, {"file": csv_file([["公司名称"], ["Existing Co"]])})

    response = client.get(preview_url(CustomerImport.objects.get()))

    assert 'data-testid="confirm-form"' not in html(response)
    assert "there is nothing to import" in html(response)


def test_a_manager_uploads_into_the_pool(client_for, manager, confirm, upload_file):
    client = client_for(manager)
    upload_file(client, {"file": csv_file(), "to_pool": "on", "default_source": ""})
    customer_import = CustomerImport.objects.get()

    confirm(client, customer_import)

    assert customer_import.to_pool
    assert Customer.objects.filter(owner=None, entered_by=manager).count() == 3
    pooled = Customer.objects.get(name="北京星河广告有限公司")
    assert pooled.source == SourceChannel.MARKETING_EVENT


def test_a_manager_uploads_into_the_teams_pool_and_the_pool_filters_by_the_batch(
    client_for, manager, team, other_manager, confirm, upload_file
):
    client = client_for(manager)
    preview = upload_file(
        client, {"file": csv_file(), "to_pool": "on", "team_pool": "on", "default_source": ""}
    )
    customer_import = CustomerImport.objects.get()
    assert "New customers go to your team's pool." in html(client.get(preview.url))

    confirm(client, customer_import)

    assert customer_import.pool_team == team
    pool = client.get(reverse("customers:pool"), {"batch": customer_import.pk})
    assert len(pool.context["page"].object_list) == 3
    assert {c.pool_team for c in pool.context["page"].object_list} == {team}
    others = client_for(other_manager).get(reverse("customers:pool"))
    assert list(others.context["page"].object_list) == []


def test_a_salesperson_posting_to_pool_still_imports_as_themselves(client_for, salesperson):
    # The form has no pool field for salespeople: the value is ignored, not obeyed.
    client = client_for(salesperson)
    client.post(UPLOAD, {"file": csv_file(), "to_pool": "on", "default_source": "other"})

    assert not CustomerImport.objects.get().to_pool


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("leads.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("leads.xls", b"\xd0\xcf\x11\xe0 old excel"), "Only CSV and Excel"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_stores_nothing(
    client_for, salesperson, upload, message
):
    response = client_for(salesperson).post(UPLOAD, {"file": upload})

    assert response.status_code == 200
    assert message in html(response)
    assert not CustomerImport.objects.exists()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("leads.xlsx", b"not a workbook"), "could not be read as an Excel"),
        (SimpleUploadedFile("leads.csv", "电话\n123\n".encode()), "No column for the company"),
        (SimpleUploadedFile("leads.csv", "公司名称\n".encode()), "no rows under its headers"),
    ],
)
def test_a_file_the_worker_cannot_read_is_refused_with_a_clear_message_on_its_preview(
    client_for, salesperson, upload, message, upload_file
):
    response = upload_file(client_for(salesperson), {"file": upload}, follow=True)

    assert response.status_code == 200
    assert message in html(response)
    assert 'data-testid="confirm-form"' not in html(response)
    assert CustomerImport.objects.get().status == CustomerImport.Status.REFUSED
    assert not Customer.objects.exists()


def test_the_rows_are_read_in_the_worker_not_in_the_web_request(
    client_for, salesperson, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("customers.imports.services.read_table", pytest.fail)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(salesperson).post(UPLOAD, {"file": csv_file()})

    customer_import = CustomerImport.objects.get()
    assert response.url == preview_url(customer_import)
    assert customer_import.status == CustomerImport.Status.CHECKING
    assert len(queued) == 1  # the check, queued for the worker
    page = html(client_for(salesperson).get(preview_url(customer_import)))
    assert 'data-testid="import-checking"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="confirm-form"' not in page


def test_a_check_past_the_soft_time_limit_is_refused_with_a_clear_message(
    client_for, salesperson, monkeypatch, upload_file
):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr("customers.imports.services.check_rows", too_slow)

    response = upload_file(client_for(salesperson), {"file": csv_file()}, follow=True)

    assert "Checking the file took too long" in html(response)
    assert CustomerImport.objects.get().status == CustomerImport.Status.REFUSED


def test_a_refusal_is_read_in_the_readers_language(client_for, salesperson, upload_file):
    upload = SimpleUploadedFile("leads.csv", "公司名称\n".encode())
    upload_file(client_for(salesperson), {"file": upload})
    salesperson.language = "zh-hans"
    salesperson.save(update_fields=["language"])

    page = html(client_for(salesperson).get(preview_url(CustomerImport.objects.get())))

    assert "no rows under its headers" not in page
    assert "导入" in page or "文件" in page


def test_a_file_over_5_mb_is_refused(client_for, salesperson):
    big = SimpleUploadedFile("leads.csv", b"Company name\n" + b"x" * (5 * 1024 * 1024))

    response = client_for(salesperson).post(UPLOAD, {"file": big})

    assert "larger than 5 MB" in html(response)
    assert not CustomerImport.objects.exists()


def test_a_file_over_5000_rows_is_refused(client_for, salesperson, upload_file):
    rows = [["Company name"], *([f"Company {n}"] for n in range(5001))]

    response = upload_file(
        client_for(salesperson), {"file": csv_file(rows, encoding="utf-8")}, follow=True
    )

    assert "more than 5000 rows" in html(response)
    assert CustomerImport.objects.get().status == CustomerImport.Status.REFUSED
    assert not Customer.objects.exists()


def test_an_xlsx_upload_with_chinese_is_previewed(client_for, salesperson, upload_file):
    book = openpyxl.Workbook()
    for row in LEADS:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("活动名单.xlsx", content.getvalue())

    upload_file(client_for(salesperson), {"file": upload, "default_source": "marketing_event"})

    customer_import = CustomerImport.objects.get()
    assert [row["status"] for row in customer_import.report["rows"]] == [
        "new", "new", "duplicate", "new", "invalid",
    ]  # fmt: skip


# --- confirming --------------------------------------------------------------------------------


def test_the_uploader_confirms_and_the_new_rows_are_imported(
    client_for, salesperson, uploaded, confirm
):
    response = confirm(client_for(salesperson), uploaded)

    assert response.status_code == 302
    assert response.url == preview_url(uploaded)
    assert "Importing. This page shows the result when it is done." in messages_of(response)
    owned = Customer.objects.filter(owner=salesperson)
    assert sorted(owned.values_list("name", flat=True)) == [
        "上海远航贸易有限公司",
        "北京星河广告有限公司",
    ]
    uploaded.refresh_from_db()
    assert uploaded.status == CustomerImport.Status.IMPORTED


@pytest.mark.django_db(transaction=True)
def test_with_tasks_inline_the_confirmation_reports_the_result_at_once(
    client_for, salesperson, uploaded, eager_tasks
):
    response = client_for(salesperson).post(confirm_url(uploaded))

    assert messages_of(response) == ["2 customers imported."]


def test_while_it_imports_the_preview_polls_and_offers_no_confirmation(
    client_for, salesperson, uploaded, monkeypatch
):
    monkeypatch.setattr(tasks.import_confirm, "delay", lambda import_id: None)  # no worker yet
    client = client_for(salesperson)
    client.post(confirm_url(uploaded))

    page = html(client.get(preview_url(uploaded)))

    assert 'data-testid="import-running"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="confirm-form"' not in page
    assert 'data-testid="import-rows"' not in page


def test_the_imported_preview_links_the_new_customers(client_for, salesperson, uploaded, confirm):
    client = client_for(salesperson)
    confirm(client, uploaded)

    page = html(client.get(preview_url(uploaded)))

    created = Customer.objects.get(name="上海远航贸易有限公司")
    assert reverse("customers:detail", kwargs={"pk": created.pk}) in page
    assert "2 customers were imported." in page
    assert 'data-testid="confirm-form"' not in page
    assert "hx-trigger" not in page


def test_a_double_click_imports_once(client_for, salesperson, uploaded, confirm):
    client = client_for(salesperson)
    confirm(client, uploaded)

    response = confirm(client, uploaded)

    assert "This file was already imported." in messages_of(response)
    assert Customer.objects.filter(owner=salesperson).count() == 2


def test_a_second_click_while_it_is_queued_is_refused(client_for, salesperson, uploaded):
    client = client_for(salesperson)
    client.post(confirm_url(uploaded))  # queued; the task waits for the commit

    response = client.post(confirm_url(uploaded))

    assert "This file is being imported already." in messages_of(response)


def test_a_confirm_that_fails_writes_nothing_and_says_which_row(
    client_for, salesperson, teammate, uploaded, confirm
):
    make_customer(teammate, name="北京星河广告")  # row 3 became a duplicate since the preview
    client = client_for(salesperson)

    confirm(client, uploaded)

    assert not Customer.objects.filter(owner=salesperson).exists()
    uploaded.refresh_from_db()
    assert uploaded.status == CustomerImport.Status.FAILED
    page = html(client.get(preview_url(uploaded)))
    assert "Row 3 is now duplicate, not what the preview showed." in page
    assert "Import 1 new customer" in page  # the updated preview may be confirmed again


@pytest.mark.parametrize("outsider", ["teammate", "other_salesperson", "manager"])
def test_someone_elses_import_is_404(request, client_for, uploaded, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(preview_url(uploaded)).status_code == 404
    assert client.post(confirm_url(uploaded)).status_code == 404
    assert not Customer.objects.filter(name="北京星河广告有限公司").exists()


def test_an_unknown_import_is_404(client_for, salesperson, db):
    assert client_for(salesperson).get("/customers/import/999999/").status_code == 404


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_other_roles_get_404_everywhere(request, client_for, uploaded, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(UPLOAD).status_code == 404
    assert client.post(UPLOAD, {"file": csv_file()}).status_code == 404
    assert client.get(preview_url(uploaded)).status_code == 404
    assert client.post(confirm_url(uploaded)).status_code == 404
    assert client.get(template_url("csv")).status_code == 404
    assert CustomerImport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client, uploaded):
    assert_sent_to_login(client.get(UPLOAD))
    assert_sent_to_login(client.post(UPLOAD, {"file": csv_file()}))
    assert_sent_to_login(client.get(preview_url(uploaded)))
    assert_sent_to_login(client.post(confirm_url(uploaded)))
    assert_sent_to_login(client.get(template_url("xlsx")))
    assert Customer.objects.count() == 1


def test_confirm_refuses_get(client_for, salesperson, uploaded):
    assert client_for(salesperson).get(confirm_url(uploaded)).status_code == 405
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_upload_and_preview_refuse_other_methods(client_for, salesperson, uploaded, method):
    client = client_for(salesperson)

    assert getattr(client, method)(UPLOAD).status_code == 405
    assert getattr(client, method)(preview_url(uploaded)).status_code == 405


# --- the template ------------------------------------------------------------------------------


def test_the_csv_template_has_the_headers_in_the_users_language(client_for, salesperson):
    salesperson.language = "en"
    salesperson.save(update_fields=["language"])

    response = client_for(salesperson).get(template_url("csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Company name,Unified social credit code,Source channel")


def test_the_xlsx_template_is_a_workbook_the_import_reads_back(client_for, manager):
    response = client_for(manager).get(template_url("xlsx"))

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.worksheets[0].append(["Acme"])
    filled = io.BytesIO()
    book.save(filled)
    table = imports.read_table(filled.getvalue(), "template.xlsx")
    assert [field for _header, field in table.columns] == list(imports.COLUMNS)
    assert len(book.worksheets) == 2  # the second lists the source channels


def test_an_unknown_template_format_is_404(client_for, salesperson):
    assert client_for(salesperson).get(template_url("xls")).status_code == 404


def test_a_file_whose_check_kills_the_worker_is_refused_after_two_attempts(
    client_for, salesperson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        client_for(salesperson).post(UPLOAD, {"file": csv_file()})
    customer_import = CustomerImport.objects.get()

    def killed(*args, **kwargs):
        raise SystemExit  # stands for the worker process dying mid-check

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("customers.imports.services.read_table", killed)
        for _delivery in range(2):  # the broker delivers the task again after each loss
            with pytest.raises(SystemExit):
                tasks.import_check(customer_import.pk)
    # Third delivery: refused without reading the file again.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("customers.imports.services.read_table", pytest.fail)
        tasks.import_check(customer_import.pk)

    customer_import.refresh_from_db()
    assert customer_import.status == CustomerImport.Status.REFUSED
    page = html(client_for(salesperson).get(preview_url(customer_import)))
    assert "could not be checked: the check stopped twice" in page


def test_a_check_lost_on_the_way_stops_the_waiting_and_says_so(
    client_for, salesperson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        client_for(salesperson).post(UPLOAD, {"file": csv_file()})
    customer_import = CustomerImport.objects.get()
    CustomerImport.objects.update(created_at=timezone.now() - imports.STALE_AFTER - timedelta(1))

    page = html(client_for(salesperson).get(preview_url(customer_import)))

    assert 'data-testid="import-check-lost"' in page
    assert 'hx-trigger="every 2s"' not in page
    assert 'data-testid="confirm-form"' not in page
