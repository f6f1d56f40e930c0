import pytest
import time_machine
from django.urls import reverse

from salescrm.models import CalendarDay

HOME = reverse("home")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("salesperson", "My sales profile"),
        ("manager", "My team"),
        ("director", "Teams"),
        ("front_desk", "Front desk"),
        ("admin_user", "Latest job runs"),
    ],
)
def test_each_role_gets_its_own_home(request, client_for, persona, expected):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(HOME)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert user.get_role_display() in response.content.decode()


def test_manager_home_lists_the_team_and_not_other_teams(
    client_for, manager, salesperson, other_salesperson
):
    response = client_for(manager).get(HOME)

    members = [row["person"] for row in response.context["team_today"]]
    assert salesperson in members
    assert other_salesperson not in members


def test_home_sends_anonymous_visitors_to_login(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_refuses_post(client_for, salesperson):
    response = client_for(salesperson).post(HOME)

    assert response.status_code == 405


@time_machine.travel("2026-02-14 09:00 +08:00", tick=False)
def test_home_says_a_make_up_saturday_is_a_working_day(client_for, salesperson):
    response = client_for(salesperson).get(HOME)

    assert response.context["today_is_working_day"] is True


@time_machine.travel("2026-10-01 09:00 +08:00", tick=False)
def test_home_names_the_next_working_day_on_a_holiday(client_for, salesperson):
    response = client_for(salesperson).get(HOME)

    assert response.context["today_is_working_day"] is False
    assert str(response.context["next_working_day"]) == "2026-10-08"


@time_machine.travel("2026-10-08 09:00 +08:00", tick=False)
def test_home_follows_a_company_override(client_for, salesperson):
    CalendarDay.objects.create(date="2026-10-08", is_working_day=False, note="Company trip")

    response = client_for(salesperson).get(HOME)

    assert response.context["today_is_working_day"] is False
    assert str(response.context["next_working_day"]) == "2026-10-09"


def test_admin_home_shows_the_latest_job_runs(client_for, admin_user):
    from salescrm.services import heartbeat_record

    heartbeat_record()

    response = client_for(admin_user).get(HOME)

    assert [run.name for run in response.context["job_runs"]] == ["heartbeat"]


@time_machine.travel("2026-11-28 09:00 +08:00", tick=False)
def test_admin_home_is_quiet_when_this_years_schedule_is_loaded(client_for, admin_user):
    CalendarDay.objects.create(date="2027-02-20", is_working_day=True, note="调休")

    response = client_for(admin_user).get(HOME)

    assert response.context["missing_calendar_years"] == []


# Years far enough ahead that no official schedule can be in the pinned package.
@time_machine.travel("2040-11-28 09:00 +08:00", tick=False)
def test_admin_home_warns_when_a_holiday_schedule_is_missing(client_for, admin_user):
    response = client_for(admin_user).get(HOME)

    assert response.context["missing_calendar_years"] == [2040, 2041]
    assert "2040, 2041" in response.content.decode()


@time_machine.travel("2040-11-28 09:00 +08:00", tick=False)
def test_admin_home_stops_warning_once_overrides_cover_a_year(client_for, admin_user):
    CalendarDay.objects.create(date="2041-02-16", is_working_day=True, note="调休")

    response = client_for(admin_user).get(HOME)

    assert response.context["missing_calendar_years"] == [2040]


def test_the_active_page_is_marked_and_a_skip_link_leads_to_the_content(client_for, manager):
    page = client_for(manager).get(reverse("inbox")).content.decode()

    assert '<a class="skip-link btn btn-light" href="#content">' in page
    assert 'aria-current="page" href="/inbox/"' in page
