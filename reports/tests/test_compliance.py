"""Rule compliance over the National Day holiday week of 2026 (1-7 October off), worked out
by hand: the deadlines are the ones the services store."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from customers.models import CheckState
from customers.services import completion_due
from reports import compliance
from reports.periods import period_for
from reports.scope import scope_for
from reports.tests import builders as b
from salescrm.testing.http import html
from salescrm.testing.time import at, end_of

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 31, 12)
OCTOBER = period_for("month", date(2026, 10, 1))


@pytest.fixture
def october(salesperson, other_salesperson):
    due = completion_due(date(2026, 9, 30))  # 2 working days after 30 September
    assert due == end_of(2026, 10, 9)  # the holiday week does not count
    entered = at(2026, 9, 30, 10)
    on_time = b.customer(salesperson, entered=entered, due=due, completed=at(2026, 10, 8, 9))
    exactly = b.customer(salesperson, entered=entered, due=due, completed=due)
    late = b.customer(salesperson, entered=entered, due=due, completed=at(2026, 10, 10, 9))
    # Not yet due on 31 October: neither met nor missed.
    b.customer(salesperson, entered=at(2026, 10, 30, 9), due=end_of(2026, 11, 3))
    # First contacts: one late, one never made.
    b.customer(salesperson, entered=at(2026, 9, 1), due=end_of(2026, 9, 3),
               first_contact_due=end_of(2026, 10, 8), first_contact=at(2026, 10, 9, 9))  # fmt: skip
    b.customer(salesperson, entered=at(2026, 9, 1), due=end_of(2026, 9, 3),
               first_contact_due=end_of(2026, 10, 15))  # fmt: skip
    # A visit: log written exactly when due; back an hour after the expected return.
    b.visit(on_time, salesperson, departed=at(2026, 10, 12, 9),
            expected_return=at(2026, 10, 12, 15), returned=at(2026, 10, 12, 16),
            log_due=end_of(2026, 10, 14), log_written=end_of(2026, 10, 14))  # fmt: skip
    # The weekly check of files entered the week of 12 October is due by Sunday 25 October.
    # (Both files were completed on time.)
    b.customer(salesperson, entered=at(2026, 10, 12, 9), due=end_of(2026, 10, 14),
               completed=at(2026, 10, 12, 10),
               check_state=CheckState.CHECKED, checked_at=at(2026, 10, 25, 20))  # fmt: skip
    b.customer(salesperson, entered=at(2026, 10, 13, 9), due=end_of(2026, 10, 15),
               completed=at(2026, 10, 13, 10))  # fmt: skip
    # Another team's breach, outside a manager's scope.
    b.customer(other_salesperson, entered=entered, due=due)
    return {"late": late, "exactly": exactly}


def test_on_time_by_rule_person_and_week(october, director, salesperson):
    result = compliance.compliance(scope_for(director, {}), OCTOBER, now=NOW)
    mine = result.people[salesperson.pk]
    # Files: three due Friday 9 October (two on time, one exactly at the deadline among
    # them) and two due the week after, on time.
    assert (mine["file"].due, mine["file"].on_time, mine["file"].percent) == (5, 4, 80)
    assert (mine["first_contact"].due, mine["first_contact"].on_time) == (2, 0)
    assert (mine["log"].due, mine["log"].on_time) == (1, 1)
    assert (mine["return"].due, mine["return"].on_time) == (1, 0)
    # Checks: the three files entered 30 September were due a check by Sunday 11 October
    # and never got one; of the two entered the week of 12 October, one was checked.
    assert (mine["check"].due, mine["check"].on_time) == (5, 1)
    assert result.weeks[date(2026, 10, 5)]["check"].due == 4  # with the other team's file
    # The company adds the other team's late file.
    assert (result.total["file"].due, result.total["file"].on_time) == (6, 4)
    week = result.weeks[date(2026, 10, 5)]  # the files due Friday 9 October
    assert (week["file"].due, week["file"].on_time, week["file"].percent) == (4, 2, 50)
    assert result.weeks[date(2026, 10, 19)]["check"].due == 2  # due Sunday 25 October


def test_breaches_carry_their_evidence(october, manager, salesperson):
    found = compliance.breaches(scope_for(manager, {}), OCTOBER, now=NOW, rule_key="file")
    assert [(breach.what, breach.done) for breach in found] == [
        (october["late"].name, at(2026, 10, 10, 9))
    ]
    assert found[0].url == reverse("customers:detail", args=[october["late"].pk])
    checks = compliance.breaches(scope_for(manager, {}), OCTOBER, now=NOW, rule_key="check")
    assert len(checks) == 4
    assert all(breach.done is None for breach in checks)


@time_machine.travel(NOW, tick=False)
def test_page_links_breaches_and_keeps_scope(october, client_for, manager, other_team):
    client = client_for(manager)
    url = reverse("reports:compliance")
    response = client.get(f"{url}?period=month&date=2026-10-01")
    assert response.status_code == 200
    page = html(response)
    assert reverse("customers:detail", args=[october["late"].pk]) in page
    assert "80%" in page
    assert client.get(f"{url}?team={other_team.pk}").status_code == 404
