"""Each row's result: new, duplicate of whom, or invalid and why (imports.checking)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from customers import imports
from customers.models import ContactPerson, Customer, IdentityKey, SourceChannel
from customers.resources import CustomerExportResource
from customers.tests.factories import a_contact_person, credit_code, make_customer
from customers.tests.imports.helpers import check, today
from salescrm.errors import DomainError


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
    make_customer(
        teammate, name="Old Name Ltd", contact_people=[a_contact_person(phone="13800138000")]
    )

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
    counts = (Customer.objects.count(), IdentityKey.objects.count(), ContactPerson.objects.count())

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
        ContactPerson.objects.count(),
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
                rows.append([f"Renamed {i}", "other", "Li", customer.contact_people.get().phone])
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
            teammate,
            name="上海远航贸易有限公司",
            contact_people=[a_contact_person(phone="13900000001")],
        ),
        make_customer(
            salesperson, name="Acme Ltd", contact_people=[a_contact_person(phone="13900000002")]
        ),
        make_customer(
            manager,
            to_pool=True,
            name="Pool Co",
            contact_people=[a_contact_person(phone="13900000003")],
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
