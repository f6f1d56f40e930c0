"""The collections report (回款): ageing buckets worked out by hand at their boundaries,
collected against target by person, team and company, the same numbers in the exports,
access for every role and a constant number of queries."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from receivables import services as money
from receivables.tests.factories import confirmed_plan, receipt
from reports import collections
from reports.periods import period_for
from reports.scope import scope_for
from reports.services import set_target
from salescrm.testing.http import queries_for, text_of
from salescrm.testing.time import at
from salescrm.tests.factories import UserFactory

D = Decimal
WEDNESDAY = date(2026, 11, 18)


def plan_due(salesperson, today, days_before: list[int], amounts: list[str]):
    """A confirmed plan of 10,000.00 whose instalments fall due `days_before` today."""
    return confirmed_plan(
        salesperson,
        [(today - timedelta(days=d), D(a)) for d, a in zip(days_before, amounts, strict=True)],
    )


@pytest.fixture
def aged(salesperson, manager):
    # Due 1, 30, 31, 60, 61, 90, 91 days before Wednesday 18 November 2026 (some of them
    # on a weekend: still overdue, their working day having ended before the 18th), today,
    # and in ten days.
    return plan_due(
        salesperson,
        WEDNESDAY,
        [1, 30, 31, 60, 61, 90, 91, 0, -10],
        ["1000", "1000", "1000", "1000", "1000", "1000", "1000", "1000", "2000"],
    )


def test_ageing_at_the_bucket_boundaries_in_calendar_days(aged, salesperson):
    figures = collections.ageing(
        [salesperson.pk], today=WEDNESDAY, now=at(2026, 11, 18, 12), by="salesperson"
    )[salesperson.pk]
    assert figures == {
        "days_1_30": D("2000.00"),  # 1 and exactly 30 days
        "days_31_60": D("2000.00"),  # 31 and 60
        "days_61_90": D("2000.00"),  # 61 and 90
        "days_over_90": D("1000.00"),  # 91
        "overdue": D("7000.00"),
        "not_due": D("3000.00"),  # due today (its day is not over) and in ten days
    }


def test_a_partial_receipt_settles_the_oldest_first_and_leaves_the_rest_aged(aged, finance):
    receipt(aged.agreement, finance, "1500.00", received_on=WEDNESDAY)
    figures = collections.ageing(
        [aged.agreement.salesperson_id], today=WEDNESDAY, now=at(2026, 11, 18, 12), by="customer"
    )[aged.agreement.customer_id]
    assert (figures["days_over_90"], figures["days_61_90"], figures["overdue"]) == (
        D("0.00"), D("1500.00"), D("5500.00"),
    )  # fmt: skip


def test_overdue_follows_the_working_day_and_ageing_the_calendar(salesperson, manager):
    # Due Sunday 18 October: its working day ends Monday 19th 18:00 (逾期 after that).
    monday = date(2026, 10, 19)
    plan_due(salesperson, monday, [1, -30], ["4000", "6000"])

    def ageing_at(moment):
        return collections.ageing(
            [salesperson.pk], today=moment.date(), now=moment, by="salesperson"
        )[salesperson.pk]

    on_monday = ageing_at(at(2026, 10, 19, 12))
    assert (on_monday["overdue"], on_monday["not_due"]) == (D("0.00"), D("10000.00"))
    on_tuesday = ageing_at(at(2026, 10, 20, 9))
    assert (on_tuesday["days_1_30"], on_tuesday["not_due"]) == (D("4000.00"), D("6000.00"))


def test_a_reversed_receipt_is_not_collected_and_the_ageing_goes_back_up(aged, finance):
    wrong = receipt(aged.agreement, finance, "1000.00", received_on=WEDNESDAY)
    november = period_for("month", WEDNESDAY)
    ids = [aged.agreement.salesperson_id]
    assert collections.collected(ids, november) == {ids[0]: D("1000.00")}
    money.receipt_reverse(receipt=wrong, actor=finance, reason="Another customer's money")
    assert collections.collected(ids, november) == {}
    figures = collections.ageing(ids, today=WEDNESDAY, now=at(2026, 11, 18, 12), by="salesperson")
    assert figures[ids[0]]["days_over_90"] == D("1000.00")


def test_collected_against_target_by_person_team_and_company(
    salesperson, teammate, team, manager, director, finance
):
    today = timezone.localdate()
    month = today.replace(day=1)
    first = plan_due(salesperson, today, [40, -20], ["4000", "6000"])
    second = plan_due(teammate, today, [0], ["10000"])
    receipt(first.agreement, finance, "3000.00", received_on=month)
    receipt(second.agreement, finance, "2500.00", received_on=today)
    receipt(second.agreement, finance, "500.00", received_on=today, confirm=False)
    set_target(actor=manager, month=month, amount=D("4000"), person=salesperson, kind="collected")
    set_target(actor=manager, month=month, amount=D("20000"), team=team, kind="collected")
    people_rows, teams, company = collections.report_rows(
        scope_for(director, {}, money=True),
        period_for("month", today),
        today=today,
        now=timezone.now(),
    )
    by_name = {row.person_id: row.figures for row in people_rows}
    assert (by_name[salesperson.pk]["collected"], by_name[salesperson.pk]["target"]) == (
        D("3000.00"), D("4000.00"),
    )  # fmt: skip
    assert by_name[salesperson.pk]["percent"] == D("75.0")
    assert by_name[salesperson.pk]["overdue"] == D("1000.00")  # 4,000 due 40 days ago, 3,000 in
    assert by_name[teammate.pk]["collected"] == D("2500.00")  # not the unconfirmed 500
    assert by_name[teammate.pk]["percent"] is None  # no target
    (team_row,) = teams
    assert (team_row.figures["collected"], team_row.figures["target"]) == (
        D("5500.00"), D("20000.00"),
    )  # fmt: skip
    assert team_row.figures["percent"] == D("27.5")
    assert company.figures["collected"] == D("5500.00")
    assert company.figures["days_31_60"] == D("1000.00")


@pytest.fixture
def on_screen(salesperson, manager, finance):
    today = timezone.localdate()
    plan = plan_due(salesperson, today, [45, 100, -5], ["2000", "3000", "5000"])
    receipt(plan.agreement, finance, "1000.00", received_on=today)
    return plan


PAGE = reverse("reports:collections")
EXPORT = reverse("reports:collections_export")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("salesperson", 200), ("manager", 200), ("director", 200), ("finance", 200),
     ("teammate", 200), ("front_desk", 404), ("admin_user", 404)],
)  # fmt: skip
def test_who_opens_the_report_and_its_exports(request, client_for, on_screen, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == status
    for file_format in ("csv", "xlsx"):
        assert client.get(f"{EXPORT}?format={file_format}").status_code == status


def test_each_sees_only_their_scope(client_for, on_screen, salesperson, teammate, other_manager):
    own = client_for(salesperson).get(PAGE)
    assert text_of(own, f"row-person-{salesperson.pk}") is not None
    assert client_for(teammate).get(f"{PAGE}?person={salesperson.pk}").status_code == 404
    assert client_for(other_manager).get(f"{PAGE}?person={salesperson.pk}").status_code == 404
    other = client_for(other_manager).get(PAGE)
    assert text_of(other, f"row-person-{salesperson.pk}") is None
    assert client_for(teammate).get(f"{EXPORT}?format=pdf").status_code == 404


def test_the_export_has_the_numbers_of_the_screen(client_for, on_screen, finance, salesperson):
    client = client_for(finance)
    page = client.get(PAGE)
    row = text_of(page, f"row-person-{salesperson.pk}")
    assert row.split()[-9:] == ["0.00", "1000.00", "—", "5000.00", "0.00", "2000.00", "0.00",
                               "2000.00", "4000.00"]  # fmt: skip
    exported = list(csv.reader(io.StringIO(client.get(f"{EXPORT}?format=csv").content.decode())))
    name = salesperson.get_full_name() or salesperson.username
    line = next(line for line in exported if line[0] == name)
    assert [cell or "—" for cell in line[1:]] == row.split()[-9:]
    customer = text_of(page, f"row-customer-{on_screen.agreement.customer_id}")
    assert customer.split()[-6:] == ["5000.00", "0.00", "2000.00", "0.00", "2000.00", "4000.00"]


def test_the_report_runs_a_constant_number_of_queries(client_for, director, team, manager):
    client = client_for(director)
    finance_person = UserFactory(username="fin2", role="finance")
    plan_due(UserFactory(username="s1", team=team), timezone.localdate(), [5], ["10000"])
    few = queries_for(client, PAGE)
    few_exported = queries_for(client, f"{EXPORT}?format=xlsx")
    for index in range(3):
        seller = UserFactory(username=f"more{index}", team=team)
        plan = plan_due(seller, timezone.localdate(), [50, 0], ["4000", "6000"])
        receipt(plan.agreement, finance_person, "1000.00")
    assert queries_for(client, PAGE) == few
    assert queries_for(client, f"{EXPORT}?format=xlsx") == few_exported


def test_the_targets_page_sets_collection_targets_beside_the_signed_value(
    client_for, manager, salesperson, team
):
    from reports.models import RevenueTarget
    from salescrm.testing.http import html

    client = client_for(manager)
    url = reverse("reports:targets")
    client.post(url, {"person": salesperson.pk, "month": "2026-03-01", "amount": "8000"})
    client.post(url, {"person": salesperson.pk, "month": "2026-03-01", "amount": "5000",
                      "kind": "collected"})  # fmt: skip
    target = RevenueTarget.objects.get(person=salesperson)
    assert (target.amount, target.collection_amount) == (D("8000.00"), D("5000.00"))
    assert target.history.count() == 2
    client.post(url, {"team": team.pk, "month": "2026-03-01", "amount": "9000",
                      "kind": "collected"})  # fmt: skip
    team_target = RevenueTarget.objects.get(team=team)
    assert (team_target.amount, team_target.collection_amount) == (None, D("9000.00"))
    page = client.get(f"{url}?month=2026-03-01")
    assert text_of(page, f"collected-person-{salesperson.pk}") == "¥0.00"
    assert "¥5,000.00" in html(page)
