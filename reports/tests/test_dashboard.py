"""Dashboards per role on the March fixtures, frozen on Friday 13 March 2026."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from contracts.models import AgreementState, Decision, Signature, Step
from reports import figures
from reports.models import RevenueTarget
from reports.tests import builders as b
from salescrm import selectors as salescrm_selectors
from salescrm.testing.http import html, queries_for
from salescrm.testing.time import at, end_of
from salescrm.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 13, 15)
URL = reverse("reports:dashboard")


@time_machine.travel(NOW, tick=False)
def test_salesperson_charts(march, client_for, salesperson):
    days = figures.last_working_days(salescrm_selectors.work_calendar(), date(2026, 3, 13), 10)
    assert days[0] == date(2026, 3, 2)
    assert days[-1] == date(2026, 3, 13)
    per_day = figures.new_files_by_day([salesperson.pk], days)
    assert [per_day[day] for day in days] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    per_week = figures.visits_by_week([salesperson.pk], figures.last_mondays(date(2026, 3, 13), 8))
    assert list(per_week.values()) == [0, 0, 0, 0, 0, 0, 0, 1]
    page = html(client_for(salesperson).get(URL))
    assert 'data-testid="chart-files-per-day"' in page
    assert 'data-testid="chart-visits-per-week"' in page
    assert 'data-testid="chart-pipeline"' in page
    assert "<svg" in page
    assert 'data-testid="team-table"' not in page


def test_pipeline_values(march, salesperson):
    rows = {label: (count, value) for label, count, value in figures.pipeline([salesperson.pk])}
    # Every fixture file is "tracking"; signed agreements are valued in "signed" only,
    # the cancelled one not at all; open plans: the declined one went back to draft (0).
    assert rows["Tracking"][0] == 6
    assert rows["Tracking"][1] == Decimal("0.00")


@time_machine.travel(NOW, tick=False)
def test_manager_sees_team_table_and_waiting(march, client_for, manager, salesperson,
                                             other_salesperson):  # fmt: skip
    page = html(client_for(manager).get(URL))
    assert 'data-testid="team-table"' in page
    assert 'data-testid="approvals-waiting"' in page
    assert salesperson.get_full_name() in page
    assert other_salesperson.get_full_name() not in page
    assert 'data-testid="price-authority"' not in page


@time_machine.travel(NOW, tick=False)
def test_director_signed_against_target_and_authority(march, client_for, director, team,
                                                      salesperson):  # fmt: skip
    RevenueTarget.objects.create(team=team, month=date(2026, 3, 1), amount=Decimal("20000"),
                                 set_by=director, set_at=NOW)  # fmt: skip
    months = figures.last_months(date(2026, 3, 13), 12)
    signed = figures.signed_by_month([salesperson.pk], months)
    assert signed[date(2026, 3, 1)] == Decimal("15000.00")
    assert figures.targets_by_month(months, team_ids=[team.pk])[date(2026, 3, 1)] == 20000
    c = march["c1"]
    major = [{"kind": "line"}]
    b.agreement(c, salesperson, total="8000.00", list_total=Decimal("10000.00"),
                signed_on=date(2026, 3, 12), created=at(2026, 3, 1), submitted_at=at(2026, 3, 1),
                major_reasons=major)  # fmt: skip
    b.agreement(c, salesperson, total="9500.00", list_total=Decimal("10000.00"), signed_on=None,
                state=AgreementState.SENT, created=at(2026, 3, 2),
                submitted_at=at(2026, 3, 2))  # fmt: skip
    rejected = b.agreement(c, salesperson, total="500.00", list_total=Decimal("1000.00"),
                           state=AgreementState.CANCELLED, created=at(2026, 3, 3),
                           submitted_at=at(2026, 3, 3), major_reasons=major)  # fmt: skip
    Signature.objects.create(agreement=rejected, revision=1, step=Step.DIRECTOR,
                             decision=Decision.REJECTED, signer=director, on_behalf_of=director,
                             signed_at=at(2026, 3, 4))  # fmt: skip
    row = figures.price_authority([salesperson.pk], since=date(2025, 3, 13))[salesperson.pk]
    # (21000 - 18000) / 21000 = 14.3 % on average; the deepest 50 %.
    assert (row["agreements"], row["average"], row["deepest"]) == (3, Decimal("14.3"), 50)
    assert (row["beyond"], row["beyond_signed"], row["beyond_cancelled"]) == (2, 1, 1)
    assert row["beyond_rejected"] == 1
    assert figures.major_agreements(since=at(2026, 1, 1), now=NOW)["rejected"] == 1
    page = html(client_for(director).get(URL))
    assert 'data-testid="price-authority"' in page
    assert 'data-testid="channel-table"' in page
    # Amounts in the app's money format: the target and signed value in the table beside
    # the chart, the bars' tooltips and the pipeline funnel's values.
    assert '<td class="text-end">¥20,000.00</td>' in page
    assert "<title>26-03: ¥" in page
    assert "20000" not in page.replace("20000000", "")


@time_machine.travel(NOW, tick=False)
def test_dashboard_queries_do_not_grow_with_people(march, client_for, director, manager, team):
    director_client, manager_client = client_for(director), client_for(manager)
    queries_for(director_client, URL)  # the first creates the policy row and the session
    before = queries_for(director_client, URL), queries_for(manager_client, URL)
    for number in range(4):
        person = UserFactory(username=f"more{number}", team=team)
        b.customer(person, entered=at(2026, 3, 2, 9), due=end_of(2026, 3, 4))
    assert (queries_for(director_client, URL), queries_for(manager_client, URL)) == before
