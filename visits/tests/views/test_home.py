"""The visits part of each role's home page (the home view itself lives in salescrm)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm.models import Policy
from salescrm.testing.http import html, queries_for, text_of
from salescrm.testing.time import local
from visits.models import SlipState
from visits.tests.factories import make_late_slip, make_many_slips, make_slip_for

HOME = reverse("home")


@pytest.fixture
def weekly_target_of_three(db):
    Policy.objects.update_or_create(pk=1, defaults={"weekly_visits_target": 3})


def test_the_salespersons_home_shows_visits_done_this_week_against_the_target(
    client_for, salesperson, weekly_target_of_three
):
    for departure in [local(2026, 3, 9, 10), local(2026, 3, 11, 7)]:  # Monday, this morning
        make_slip_for(make_customer(salesperson), SlipState.RETURNED, departure=departure)
    make_slip_for(make_customer(salesperson), SlipState.RETURNED, departure=local(2026, 3, 6, 10))
    make_slip_for(make_customer(salesperson), SlipState.APPROVED)  # planned, not done

    response = client_for(salesperson).get(HOME)

    assert response.context["week"]["done"] == 2
    assert response.context["week"]["planned"] == 3
    assert response.context["weekly_target"] == 3
    assert text_of(response, "visits-done") == "2 / 3"


def test_the_salespersons_home_lists_logs_due_and_slips_waiting(client_for, salesperson, teammate):
    make_slip_for(
        make_customer(salesperson, name="Log Trading"),
        SlipState.RETURNED,
        departure=local(2026, 3, 10, 10),
    )
    make_slip_for(make_customer(salesperson, name="Waiting Trading"), SlipState.SUBMITTED)
    make_slip_for(make_customer(salesperson, name="Draft Trading"))
    make_slip_for(make_customer(teammate, name="Teammate Trading"), SlipState.SUBMITTED)

    response = client_for(salesperson).get(HOME)

    work = response.context["worklist"]
    items = work.overdue + work.today + work.week + work.later
    slips = {item.title: item.what for item in items if item.source == "visits.my_slips"}
    logs = [item.title for item in items if item.source == "visits.logs_to_write"]
    assert logs == ["Log Trading"]
    assert slips == {"Waiting Trading": "Waiting for your manager's approval"}  # not the draft
    assert "Teammate Trading" not in html(response)


def test_the_salespersons_home_marks_an_overdue_log(client_for, salesperson):
    make_slip_for(
        make_customer(salesperson, name="Old Log Trading"),
        SlipState.RETURNED,
        departure=local(2026, 3, 5, 10),  # last Thursday: due Monday evening
    )

    response = client_for(salesperson).get(HOME)

    overdue = text_of(response, "work-overdue")
    assert "Old Log Trading" in overdue
    assert "overdue by 2 working days" in overdue  # due Monday evening; now Wednesday


def test_the_managers_home_counts_approvals_and_names_late_returns(
    client_for, manager, salesperson, teammate, other_salesperson
):
    make_slip_for(make_customer(salesperson), SlipState.SUBMITTED)
    make_slip_for(make_customer(teammate), SlipState.SUBMITTED)
    make_slip_for(make_customer(teammate), SlipState.APPROVED)
    make_slip_for(make_customer(other_salesperson), SlipState.SUBMITTED)
    make_late_slip(make_customer(teammate, name="Late Trading"))
    make_late_slip(make_customer(other_salesperson, name="Southern Late Trading"))
    make_slip_for(make_customer(salesperson, name="On Time Trading"), SlipState.DEPARTED)

    response = client_for(manager).get(HOME)

    assert response.context["slips_to_approve"] == 2
    assert text_of(response, "slips-to-approve") == "2"
    late = text_of(response, "late-returns")
    assert "Late Trading" in late
    assert "Southern Late Trading" not in late
    assert "On Time Trading" not in late


def test_the_managers_home_shows_no_late_returns_when_everyone_is_on_time(
    client_for, manager, salesperson
):
    make_slip_for(make_customer(salesperson), SlipState.DEPARTED)

    response = client_for(manager).get(HOME)

    assert text_of(response, "late-returns") is None


def test_the_front_desks_home_counts_who_is_out_and_who_is_still_to_leave(
    client_for, front_desk, salesperson, teammate
):
    make_slip_for(make_customer(salesperson), SlipState.DEPARTED)
    make_slip_for(make_customer(teammate), SlipState.APPROVED)
    make_slip_for(make_customer(teammate), SlipState.APPROVED)
    make_slip_for(make_customer(teammate), SlipState.SUBMITTED)
    make_slip_for(make_customer(teammate), SlipState.APPROVED, departure=local(2026, 3, 12, 10))

    response = client_for(front_desk).get(HOME)

    assert (response.context["desk_out"], response.context["desk_waiting"]) == (1, 2)
    assert "1 salesperson is out now." in html(response)
    assert "2 approved visits are still to leave today." in html(response)


@pytest.mark.parametrize("persona", ["salesperson", "manager", "front_desk"])
def test_the_home_runs_as_many_queries_for_40_slips_as_for_5(
    request, client_for, salesperson, teammate, persona
):
    client = client_for(request.getfixturevalue(persona))

    def add(count):
        make_many_slips([salesperson, teammate], count)
        # And some done earlier this week, with their logs still to write.
        for _ in range(count // 5):
            make_slip_for(
                make_customer(salesperson),
                SlipState.RETURNED,
                departure=timezone.now() - timedelta(days=1),
            )

    add(5)
    client.get(HOME)
    five = queries_for(client, HOME)
    add(35)
    forty = queries_for(client, HOME)

    assert forty == five


def test_a_first_contact_to_make_can_be_called_from_the_home_page(client_for, salesperson):
    make_customer(salesperson, name="Call Me Trading", phone="021-6123 4567")

    page = html(client_for(salesperson).get(HOME))

    assert 'href="tel:02161234567"' in page
    assert "Call 021-6123 4567" in page
