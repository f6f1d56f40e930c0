"""The report page and its exports: scope per role (404 outside), same numbers on screen
and in the files, a query count that does not grow with the people shown."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.tests import builders as b
from reports.tests.conftest import MARCH
from salescrm.testing.http import html, queries_for
from salescrm.testing.time import at, end_of
from salescrm.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:people")
EXPORT = reverse("reports:export")


def rows_on_screen(response) -> dict[str, list[str]]:
    """{row test id: the cells after the name}, from the report table."""
    found = {}
    for testid, body in re.findall(
        r'<tr[^>]*data-testid="(row-[^"]+)"[^>]*>(.*?)</tr>', html(response), re.S
    ):
        found[testid] = re.findall(r'<td class="text-end">([^<]*)</td>', body)
    return found


def as_number(value):
    """A cell as a number: the screen's money format ("¥15,000.00") or the file's raw one."""
    if value in (None, "—"):
        return None
    return Decimal(str(value).replace("¥", "").replace(",", ""))


def test_salesperson_sees_only_themself(march, client_for, salesperson, teammate, other_team):
    client = client_for(salesperson)
    response = client.get(f"{URL}?{MARCH}")
    assert response.status_code == 200
    assert set(rows_on_screen(response)) == {
        f"row-person-{salesperson.pk}",
        f"row-team-{salesperson.team_id}",
    }
    for query in [f"person={teammate.pk}", f"team={other_team.pk}", "person=abc"]:
        assert client.get(f"{URL}?{MARCH}&{query}").status_code == 404
        assert client.get(f"{EXPORT}?{MARCH}&{query}&format=csv").status_code == 404


def test_manager_sees_the_team(march, client_for, manager, salesperson, teammate, mover,
                               other_salesperson, other_team):  # fmt: skip
    client = client_for(manager)
    rows = rows_on_screen(client.get(f"{URL}?{MARCH}"))
    assert {key for key in rows if key.startswith("row-person")} == {
        f"row-person-{person.pk}" for person in (salesperson, teammate, mover)
    }
    assert "row-company" not in rows
    for query in [f"person={other_salesperson.pk}", f"team={other_team.pk}"]:
        assert client.get(f"{URL}?{MARCH}&{query}").status_code == 404
        assert client.get(f"{EXPORT}?{MARCH}&{query}&format=xlsx").status_code == 404
    assert client.get(f"{URL}?{MARCH}&person={teammate.pk}").status_code == 200


def test_other_manager_cannot_open_our_people(march, client_for, other_manager, salesperson):
    client = client_for(other_manager)
    assert client.get(f"{URL}?{MARCH}&person={salesperson.pk}").status_code == 404
    assert client.get(f"{EXPORT}?{MARCH}&person={salesperson.pk}").status_code == 404


def test_director_and_admin_see_everyone(march, client_for, director, admin_user, other_team,
                                         other_salesperson):  # fmt: skip
    for user in (director, admin_user):
        client = client_for(user)
        rows = rows_on_screen(client.get(f"{URL}?{MARCH}"))
        assert "row-company" in rows
        assert f"row-person-{other_salesperson.pk}" in rows
        only_other = rows_on_screen(client.get(f"{URL}?{MARCH}&team={other_team.pk}"))
        assert set(only_other) == {
            f"row-person-{other_salesperson.pk}",
            f"row-team-{other_team.pk}",
        }
        assert client.get(f"{URL}?{MARCH}&person=999999").status_code == 404
        assert client.get(f"{URL}?{MARCH}&team=999999").status_code == 404


def test_front_desk_has_no_reports(client_for, front_desk):
    assert client_for(front_desk).get(URL).status_code == 404
    assert client_for(front_desk).get(EXPORT).status_code == 404


def test_salesperson_row_shows_the_hand_worked_figures(march, client_for, salesperson):
    rows = rows_on_screen(client_for(salesperson).get(f"{URL}?{MARCH}"))
    assert rows[f"row-person-{salesperson.pk}"] == [
        "3", "1", "1", "2", "2", "1", "2", "1", "1", "2", "¥15,000.00", "21.5"
    ]  # fmt: skip


def test_exports_carry_the_numbers_on_screen(march, client_for, director):
    client = client_for(director)
    screen = rows_on_screen(client.get(f"{URL}?{MARCH}"))
    company = screen["row-company"]
    response = client.get(f"{EXPORT}?{MARCH}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [as_number(value) for value in lines[-1][1:]] == [as_number(v) for v in company]
    assert lines[-1][11] == "17000.00"  # the file keeps the plain number
    assert len(lines) == 1 + len(screen)
    response = client.get(f"{EXPORT}?{MARCH}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    last = [cell.value for cell in sheet[sheet.max_row]][1:]
    assert all(isinstance(value, int | float | Decimal) or value is None for value in last)
    assert "¥" in company[10]  # the screen formats the signed value, the file keeps the number
    assert [as_number(value) for value in last] == [as_number(value) for value in company]
    assert client.get(f"{EXPORT}?{MARCH}&format=pdf").status_code == 404


def test_export_cells_cannot_run_formulas(client_for, director, team):
    UserFactory(username="evil", first_name="=HYPERLINK(1)", team=team)
    response = client_for(director).get(f"{EXPORT}?{MARCH}&format=csv")
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_bad_period_is_explained_and_shows_this_month(client_for, director):
    response = client_for(director).get(f"{URL}?period=custom&start=2026-03-10&end=2026-03-01")
    assert response.status_code == 200
    assert 'data-testid="period-error"' in html(response)


def test_query_count_does_not_grow_with_people(march, client_for, director, team):
    client = client_for(director)
    before = queries_for(client, f"{URL}?{MARCH}")
    for number in range(5):
        person = UserFactory(username=f"extra{number}", team=team)
        b.customer(person, entered=at(2026, 3, 2, 9), due=end_of(2026, 3, 4))
    assert queries_for(client, f"{URL}?{MARCH}") == before
    with CaptureQueriesContext(connection) as export_queries:
        assert client.get(f"{EXPORT}?{MARCH}&format=xlsx").status_code == 200
    assert len(export_queries.captured_queries) <= before
