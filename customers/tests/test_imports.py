import csv
import io
import threading
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from customers import identity, imports, selectors, services, tasks
from customers.imports import reading
from customers.imports import services as import_services
from customers.models import (
    Assignment,
    Contact,
    Customer,
    CustomerImport,
    IdentityKey,
    SourceChannel,
)
from customers.resources import CustomerExportResource
from customers.tests.factories import a_contact, make_customer
from salescrm.errors import DomainError

ENGLISH_HEADERS = ["Company name", "Source channel", "Date collected", "Phone", "Contact name"]
CHINESE_HEADERS = ["公司名称", "来源渠道", "收集日期", "电话", "联系人"]


def csv_bytes(rows, *, encoding="utf-8", bom=False) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)  # as Excel writes it
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def credit_code(first17: str) -> str:
    return first17 + identity.credit_code_check_char(first17)


def table_of(rows, name="leads.csv", **kwargs):
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return imports.read_table(content, name, **kwargs)


def values_of(table) -> list[dict]:
    return [row.values for row in table.rows]


def check(rows, actor, *, to_pool=False, default_source="", name="leads.csv"):
    table = table_of(rows, name)
    return imports.preview(table.rows, actor=actor, to_pool=to_pool, default_source=default_source)


def today() -> str:
    return timezone.localdate().isoformat()


# --- headers ---------------------------------------------------------------------------------


def test_english_headers_are_mapped_to_the_fields():
    table = table_of([ENGLISH_HEADERS, ["Acme", "Trade show", "2024-05-03", "021-1234567", "Li"]])

    assert [field for _header, field in table.columns] == [
        "name", "source", "collected_on", "phone", "contact_name",
    ]  # fmt: skip
    assert values_of(table)[0]["name"] == "Acme"


def test_chinese_headers_are_mapped_to_the_fields():
    headers = [
        "公司名称", "统一社会信用代码", "来源渠道", "来源说明", "收集日期", "电话", "行业", "城市",
        "地址", "网址", "需求", "备注", "联系人", "职务", "手机", "邮箱",
    ]  # fmt: skip

    table = table_of([headers, ["上海远航贸易有限公司", *[""] * 15]])

    assert [field for _header, field in table.columns] == list(imports.COLUMNS)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        (" COMPANY  NAME ", "name"),
        ("客户名称", "name"),
        ("name", "name"),
        ("Ｅ－mail", "contact_email"),
        ("联系电话", "contact_phone"),
        ("source_detail", "source_detail"),
        ("unified social credit code", "credit_code"),
        ("Needs and problems (as the customer sees them)", "needs"),
    ],
)
def test_headers_are_matched_ignoring_case_width_spaces_and_punctuation(header, field):
    headers = [header] if field == "name" else ["Company name", header]

    table = table_of([headers, ["Acme", "x"][: len(headers)]])

    assert table.columns[-1] == (header.strip(), field)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_template_headers_of_every_language_are_read_back(language):
    with translation.override(language):
        headers = [imports.column_label(column) for column in imports.COLUMNS]

    table = table_of([headers, ["Acme", *[""] * (len(headers) - 1)]])

    assert [field for _header, field in table.columns] == list(imports.COLUMNS)


def test_columns_that_are_not_read_are_listed():
    table = table_of([["Company name", "Booth number", ""], ["Acme", "A12", ""]])

    assert table.ignored == ["Booth number"]


def test_a_title_line_above_the_headers_is_skipped():
    table = table_of([["2024 上海零售展 客户名单"], ["公司名称", "电话"], ["Acme", "021-1234567"]])

    rows = list(table.rows)
    assert [(row.number, row.values["name"]) for row in rows] == [(3, "Acme")]


def test_a_file_without_a_company_name_column_is_refused():
    with pytest.raises(imports.ImportFileError, match="No column for the company name"):
        table_of([["Phone", "City"], ["021-1234567", "Shanghai"]])


def test_two_columns_read_as_the_same_field_are_refused():
    with pytest.raises(imports.ImportFileError, match="are both read as"):
        table_of([["Company name", "公司名称"], ["Acme", "Acme"]])


# --- files and encodings -----------------------------------------------------------------------

CHINESE_ROWS = [
    CHINESE_HEADERS,
    ["上海远航贸易有限公司", "展会", "2024/5/3", "021-62345678", "张伟"],
]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)]
)
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_is_read(encoding, bom):
    content = csv_bytes(CHINESE_ROWS, encoding=encoding, bom=bom)

    rows = values_of(imports.read_table(content, "展会名单.csv"))

    assert rows == [
        {
            "name": "上海远航贸易有限公司",
            "source": "展会",
            "collected_on": "2024/5/3",
            "phone": "021-62345678",
            "contact_name": "张伟",
        }
    ]


def test_gbk_bytes_are_really_not_utf8():
    with pytest.raises(UnicodeDecodeError):
        csv_bytes(CHINESE_ROWS, encoding="gbk").decode("utf-8")


def test_utf16_csv_from_excel_unicode_text_is_read():
    text = "公司名称\t电话\n北京星河广告有限公司\t010-87654321\n"
    rows = values_of(imports.read_table(text.encode("utf-16"), "list.csv"))

    assert rows == [{"name": "北京星河广告有限公司", "phone": "010-87654321"}]


def test_semicolon_separated_csv_under_a_title_line_is_read():
    content = b"Trade show 2024\nCompany name;Phone\nAcme;021-1234567\n"

    rows = values_of(imports.read_table(content, "a.csv"))

    assert rows == [{"name": "Acme", "phone": "021-1234567"}]


def test_semicolon_separated_csv_is_read():
    rows = values_of(imports.read_table(b"Company name;Phone\nAcme;021-1234567\n", "a.csv"))

    assert rows == [{"name": "Acme", "phone": "021-1234567"}]


def test_xlsx_with_chinese_numbers_and_dates_is_read():
    content = xlsx_bytes(
        [
            CHINESE_HEADERS,
            ["深圳海岸城购物中心", "公司营销活动", date(2024, 5, 3), 13800138000, None],
        ]
    )

    (row,) = imports.read_table(content, "活动名单.XLSX").rows

    assert row.number == 2
    assert row.values["name"] == "深圳海岸城购物中心"
    assert imports.parse_date(row.values["collected_on"]) == date(2024, 5, 3)
    assert reading._text(row.values["phone"]) == "13800138000"


def test_blank_lines_are_skipped_but_rows_keep_their_numbers():
    rows = list(table_of([["Company name"], ["A"], [""], ["B"]]).rows)

    assert [(row.number, row.values["name"]) for row in rows] == [(2, "A"), (4, "B")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leads.xls", b"\xd0\xcf\x11\xe0", "Only CSV and Excel"),
        ("leads.txt", b"Company name\nAcme\n", "Only CSV and Excel"),
        ("leads.csv", b"", "The file is empty."),
        ("leads.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an Excel"),
        ("leads.xlsx", b"", "The file is empty."),
        ("leads.csv", b"Company name,Phone\n", "no rows under its headers"),
        ("leads.csv", b"\x00\x01\x02\x00binary", "not a readable CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(imports.ImportFileError, match=message):
        list(imports.read_table(content, name).rows)


def test_more_rows_than_the_limit_are_refused():
    rows = [["Company name"], *([f"Company {n}"] for n in range(4))]

    with pytest.raises(imports.ImportFileError, match="more than 3 rows"):
        list(table_of(rows, max_rows=3).rows)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-03", date(2024, 5, 3)),
        ("2024/5/3", date(2024, 5, 3)),
        ("2024.05.03", date(2024, 5, 3)),
        ("2024年5月3日", date(2024, 5, 3)),
        ("20240503", date(2024, 5, 3)),
        ("2024-05-03 00:00:00", date(2024, 5, 3)),
        ("45415", date(2024, 5, 3)),  # an Excel date written to CSV as its serial number
        (45415, date(2024, 5, 3)),
        (datetime(2024, 5, 3, 9, 30), date(2024, 5, 3)),  # noqa: DTZ001 (Excel cells are naive)
        (date(2024, 5, 3), date(2024, 5, 3)),
        ("03/05/2024", None),  # day or month first? refused rather than guessed
        ("2024-02-30", None),
        ("yesterday", None),
        ("3", None),  # not 3 January 1900
    ],
)
def test_dates_are_read_in_the_formats_lead_lists_use(value, expected):
    assert imports.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("trade_show", SourceChannel.TRADE_SHOW),
        ("Trade show / exhibition", SourceChannel.TRADE_SHOW),
        ("trade show", SourceChannel.TRADE_SHOW),
        ("展会", SourceChannel.TRADE_SHOW),
        ("公司营销活动", SourceChannel.MARKETING_EVENT),
        ("Company marketing event", SourceChannel.MARKETING_EVENT),
        ("行业协会", SourceChannel.INDUSTRY_ASSOCIATION),
        ("其他", SourceChannel.OTHER),
        ("carrier pigeon", None),
    ],
)
def test_source_channels_are_read_as_code_label_or_chinese_name(value, expected):
    assert imports.parse_source(value) == expected


def test_every_source_channel_has_a_chinese_name():
    assert set(imports.SOURCE_CHANNEL_CHINESE) == set(SourceChannel)


# --- row results -------------------------------------------------------------------------------


def test_a_complete_valid_row_is_new(salesperson):
    headers = ["公司名称", "来源渠道", "收集日期", "联系人", "手机", "邮箱"]
    row = ["上海远航贸易有限公司", "展会", today(), "张伟", "13800138000", "zw@yuanhang.cn"]

    (result,) = check([headers, row], salesperson)

    assert (result.row, result.status, result.name, result.message) == (
        2, "new", "上海远航贸易有限公司", "",
    )  # fmt: skip
    assert result.data["source"] == SourceChannel.TRADE_SHOW
    assert ("phone", "13800138000") in result.keys


def test_a_row_already_on_file_is_a_duplicate_naming_its_owner_and_date(salesperson, teammate):
    existing = make_customer(teammate, name="上海远航贸易有限公司")

    (result,) = check([["公司名称", "来源渠道"], ["上海远航贸易 有限公司", "展会"]], salesperson)

    assert result.status == "duplicate"
    assert result.duplicate_of["customer_id"] == existing.pk
    entered = date_format(timezone.localtime(existing.entered_at), "SHORT_DATE_FORMAT")
    assert result.message == (
        f"Already on file (same company name): 上海远航贸易有限公司, owned by {teammate} "
        f"since {entered}."
    )


def test_a_row_matching_a_pool_customer_says_it_is_in_the_pool(salesperson, manager):
    make_customer(actor=manager, to_pool=True, name="Pool Co")

    (result,) = check([["Company name", "Source"], ["Pool Co", "other"]], salesperson)

    assert "in the unowned pool since" in result.message


def test_a_row_matching_a_contact_phone_on_file_is_a_duplicate(salesperson, teammate):
    make_customer(teammate, name="Old Name Ltd", contacts=[a_contact(phone="13800138000")])

    (result,) = check(
        [
            ["Company name", "Source", "Contact name", "Mobile"],
            ["New Name", "other", "Li", "+86 138-0013-8000"],
        ],
        salesperson,
    )

    assert (result.status, result.duplicate_of["kind"]) == ("duplicate", "phone")


def test_a_later_row_of_the_same_company_is_a_duplicate_of_the_first_row(salesperson):
    rows = [
        ["Company name", "Source", "Phone"],
        ["Acme Co., Ltd.", "other", "021-62345678"],
        ["Other Co", "other", ""],
        ["ACME", "other", ""],
        ["Third Co", "other", "+86 21 6234 5678"],
    ]

    results = check(rows, salesperson)

    assert [r.status for r in results] == ["new", "new", "duplicate", "duplicate"]
    assert results[2].duplicate_of == {"row": 2, "kind": "name"}
    assert results[3].duplicate_of == {"row": 2, "kind": "phone"}
    assert results[2].message == "Same company name as row 2, which is the one imported."


def test_an_invalid_row_does_not_hide_a_later_valid_row_of_the_same_company(salesperson):
    results = check(
        [["Company name", "Source"], ["Acme", "nonsense"], ["Acme", "other"]], salesperson
    )

    assert [r.status for r in results] == ["invalid", "new"]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"name": ""}, "The company name is missing."),
        ({"name": "( - )"}, "The company name is missing."),  # nothing left once folded
        ({"credit_code": "91310000ABCDEFGHIJ"}, "is not a valid unified social credit code"),
        ({"source": "carrier pigeon"}, "“carrier pigeon” is not a source channel."),
        ({"source": ""}, "The source channel is missing, and no default was chosen"),
        ({"date": "03/05/2024"}, "“03/05/2024” is not a date. Write dates as YYYY-MM-DD."),
        ({"date": "2999-01-01"}, "The date collected (2999-01-01) is in the future."),
        ({"email": "zw at example"}, "“zw at example” is not an e-mail address."),
        ({"contact": "", "email": "zw@example.com"}, "phone or e-mail is given without a name."),
        ({"city": "x" * 101}, "City is longer than 100 characters."),
    ],
)
def test_invalid_rows_say_why(salesperson, cells, message):
    cells = {"name": "Acme", "source": "other", "date": "", "contact": "Li", "email": "", **cells}
    headers = [
        "Company name",
        "Credit code",
        "Source",
        "Date collected",
        "Contact name",
        "E-mail",
        "City",
    ]
    row = [cells["name"], cells.get("credit_code", ""), cells["source"], cells["date"]]
    row += [cells["contact"], cells["email"], cells.get("city", "")]

    (result,) = check([headers, row], salesperson)

    assert result.status == "invalid"
    assert message in result.message


def test_an_invalid_row_lists_every_reason(salesperson):
    (result,) = check([["Company name", "Source", "Date"], ["", "nonsense", "soon"]], salesperson)

    assert [p["code"] for p in result.problems] == ["missing_name", "unknown_source", "bad_date"]


def test_a_valid_credit_code_is_normalised_and_becomes_a_key(salesperson):
    code = credit_code("91310000MA1FL0000")

    (result,) = check([["名称", "信用代码", "来源"], ["Acme", code.lower(), "其他"]], salesperson)

    assert result.status == "new", result.message
    assert result.data["credit_code"] == code
    assert ("credit_code", code) in result.keys


def test_rows_without_a_source_take_the_default_of_the_import(salesperson):
    (result,) = check(
        [["Company name", "Source"], ["Acme", ""]], salesperson, default_source="trade_show"
    )

    assert result.data["source"] == SourceChannel.TRADE_SHOW


def test_pool_imports_default_to_marketing_event(manager):
    (result,) = check([["Company name"], ["Acme"]], manager, to_pool=True)

    assert result.data["source"] == SourceChannel.MARKETING_EVENT


def test_an_empty_date_is_today(salesperson):
    (result,) = check([["Company name", "Source"], ["Acme", "other"]], salesperson)

    assert result.data["collected_on"] == timezone.localdate()


def test_checking_writes_nothing(salesperson, teammate):
    make_customer(teammate, name="Existing")
    counts = (Customer.objects.count(), IdentityKey.objects.count(), Contact.objects.count())

    check(
        [
            ["Company name", "Source", "Contact name"],
            ["New Co", "other", "Li"],
            ["Existing", "other", ""],
        ],
        salesperson,
    )

    assert (
        Customer.objects.count(),
        IdentityKey.objects.count(),
        Contact.objects.count(),
    ) == counts


def test_only_salespeople_and_managers_import(director):
    with pytest.raises(DomainError, match="Only salespeople and managers import"):
        check([["Company name"], ["Acme"]], director)


def test_a_salesperson_cannot_import_into_the_pool(salesperson):
    with pytest.raises(DomainError, match="Only a sales manager imports customers into the"):
        check([["Company name"], ["Acme"]], salesperson, to_pool=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_exported_customer_list_reads_back_as_duplicates(salesperson, teammate, language):
    make_customer(teammate, name="上海远航贸易有限公司", source=SourceChannel.PARTNER_REFERRAL)
    make_customer(teammate, name="Acme Ltd", source=SourceChannel.MARKETING_EVENT)
    with translation.override(language):
        exported = CustomerExportResource().export(queryset=Customer.objects.all()).xlsx

    table = imports.read_table(exported, "customers.xlsx")
    results = imports.preview(table.rows, actor=salesperson, to_pool=False)

    assert [r.status for r in results] == ["duplicate", "duplicate"], [r.message for r in results]


def _mixed_rows(count, existing):
    """`count` rows cycling: a duplicate of an existing customer (by name or by contact
    phone), an invalid row, new rows, and a repeat of an earlier new row of the file."""
    rows, expected = [["Company name", "Source", "Contact name", "Mobile"]], []
    for i in range(count):
        customer = existing[i // 6 % len(existing)]
        owner = str(customer.owner) if customer.owner_id else ""
        match i % 6:
            case 0:
                rows.append([customer.name.upper(), "other", "", ""])
                expected.append(("duplicate", "name", owner))
            case 1:
                rows.append([f"Renamed {i}", "other", "Li", customer.contacts.get().phone])
                expected.append(("duplicate", "phone", owner))
            case 2:
                rows.append(["", "other", "", ""])
                expected.append(("invalid", None, None))
            case 5:
                rows.append([f"New {i - 2} Co", "other", "", ""])
                expected.append(("duplicate", "name", None))  # of row i - 2 of the file
            case _:
                rows.append([f"New {i} Co", "other", "Wang", f"1380000{i:04d}"])
                expected.append(("new", None, None))
    return rows, expected


def test_the_preview_looks_up_customers_on_file_in_as_many_queries_for_200_rows_as_for_10(
    salesperson, teammate, manager
):
    existing = [
        make_customer(
            teammate, name="上海远航贸易有限公司", contacts=[a_contact(phone="13900000001")]
        ),
        make_customer(salesperson, name="Acme Ltd", contacts=[a_contact(phone="13900000002")]),
        make_customer(
            manager, to_pool=True, name="Pool Co", contacts=[a_contact(phone="13900000003")]
        ),
    ]
    queries = {}
    for count in (10, 200):
        rows, expected = _mixed_rows(count, existing)
        with CaptureQueriesContext(connection) as context:
            results = check(rows, salesperson)
        queries[count] = len(context.captured_queries)

        found = []
        for result in results:
            duplicate = result.duplicate_of or {}
            owner = duplicate.get("owner") if "customer_id" in duplicate else None
            found.append((result.status, duplicate.get("kind"), owner))
        assert found == expected
        for result in results:
            if result.duplicate_of and "customer_id" in result.duplicate_of:
                customer = Customer.objects.get(pk=result.duplicate_of["customer_id"])
                assert result.duplicate_of["name"] == customer.name
                assert result.duplicate_of["owner"] == (
                    str(customer.owner) if customer.owner_id else ""
                )

    assert queries[200] == queries[10] == 1


# --- upload and confirm ------------------------------------------------------------------------

LEADS = [
    ["公司名称", "来源渠道", "收集日期", "电话", "联系人", "职务", "手机", "邮箱"],
    [
        "上海远航贸易有限公司",
        "展会",
        "",
        "021-62345678",
        "张伟",
        "市场总监",
        "13800138000",
        "zw@yuanhang.cn",
    ],
    ["北京星河广告有限公司", "", "", "", "", "", "", ""],
    ["上海远航贸易", "展会", "", "", "", "", "", ""],
    ["", "展会", "", "", "", "", "", ""],
    ["Existing Co", "展会", "", "", "", "", "", ""],
]


def upload(actor, rows=LEADS, *, name="leads.csv", to_pool=False, default_source="trade_show"):
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows, encoding="gbk")
    return imports.import_upload(
        actor=actor, file_name=name, content=content, to_pool=to_pool, default_source=default_source
    )


@pytest.fixture
def existing(teammate):
    return make_customer(teammate, name="Existing Co")


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
    contact = yuanhang.contacts.get()
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
    assert customer.contacts.get().phone == "13800138000"


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


# --- the command -------------------------------------------------------------------------------


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


def test_customers_imported_outside_a_request_name_the_uploader_in_history(salesperson):
    from customers.models import Customer

    content = "公司名称,来源渠道\r\n历史记录测试有限公司,展会\r\n".encode()
    customer_import = imports.import_upload(
        content=content, file_name="leads.csv", actor=salesperson, to_pool=False
    )

    imports.import_confirm(customer_import=customer_import, actor=salesperson)

    customer = Customer.objects.get(name="历史记录测试有限公司")
    assert customer.history.earliest().history_user == salesperson
