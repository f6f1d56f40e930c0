import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from customers import services
from customers.models import CheckState
from customers.tests.factories import a_contact_person, complete_fields, make_customer
from salescrm.models import Notification
from salescrm.roles import Role
from salescrm.testing.http import (
    assert_sent_to_login,
    html,
    messages_of,
    queries_for,
    shown,
    text_of,
)
from salescrm.testing.time import SHANGHAI
from salescrm.tests.factories import UserFactory

# A Wednesday: the week runs Monday 9 to Sunday 15 March 2026.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI)
LAST_WEEK = NOW - timedelta(days=7)

QUEUE = reverse("customers:checks")
MARK = reverse("customers:check_mark")

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def return_url(customer) -> str:
    return reverse("customers:return", kwargs={"pk": customer.pk})


def resubmit_url(customer) -> str:
    return reverse("customers:resubmit", kwargs={"pk": customer.pk})


def detail(customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def state_of(customer) -> str:
    customer.refresh_from_db()
    return customer.check_state


@pytest.fixture
def week_files(salesperson, teammate):
    return [
        make_customer(salesperson, name="Week File A"),
        make_customer(salesperson, name="Week File B"),
        make_customer(teammate, name="Week File C"),
    ]


@pytest.fixture
def old_file(salesperson):
    return make_customer(salesperson, name="Last Week File", now=LAST_WEEK)


@pytest.fixture
def foreign_file(other_salesperson):
    return make_customer(other_salesperson, name="Foreign Week File")


@pytest.fixture
def returned(manager, salesperson):
    customer = make_customer(salesperson, name="Returned File")
    services.file_return(customer=customer, actor=manager, reason="Add the city, please")
    return customer


# --- the queue ------------------------------------------------------------------------------------


def names_by_week(response) -> dict:
    return {
        week.monday: {person: [c.name for c in files] for person, files in week.groups}
        for week in response.context["weeks"]
    }


def on_page(response) -> list:
    return [c for week in response.context["weeks"] for _p, files in week.groups for c in files]


def test_the_manager_sees_every_pending_week_per_salesperson(
    client_for, manager, salesperson, teammate, week_files, old_file, foreign_file
):
    response = client_for(manager).get(QUEUE)

    assert response.status_code == 200
    assert names_by_week(response) == {
        LAST_WEEK.date() - timedelta(days=2): {salesperson: ["Last Week File"]},
        NOW.date() - timedelta(days=2): {
            salesperson: ["Week File A", "Week File B"],
            teammate: ["Week File C"],
        },
    }
    page = html(response)
    assert page.index("Last Week File") < page.index("Week File A")  # oldest week first
    assert 'id="week-2026-03-02"' in page
    assert 'id="week-2026-03-09"' in page
    assert "Foreign Week File" not in page
    assert shown(salesperson) in page


def test_checked_and_returned_files_leave_the_page(client_for, manager, week_files, returned):
    services.files_mark_checked(customers=[week_files[0]], actor=manager)

    response = client_for(manager).get(QUEUE)

    assert [c.name for c in on_page(response)] == ["Week File B", "Week File C"]
    assert response.context["total"] == 2


def test_the_home_counter_and_the_worklist_count_what_the_page_shows(
    client_for, manager, week_files, old_file, returned, foreign_file
):
    services.files_mark_checked(customers=[week_files[2]], actor=manager)
    client = client_for(manager)

    page = client.get(QUEUE)
    home = client.get(reverse("home"))

    assert {c.name for c in on_page(page)} == {"Week File A", "Week File B", "Last Week File"}
    assert page.context["total"] == 3
    assert text_of(page, "check-total") == "3"
    assert home.context["pending_checks"] == 3
    assert text_of(home, "pending-checks") == "3"
    work = home.context["worklist"]
    items = [
        item
        for part in (work.overdue, work.today, work.week, work.later)
        for item in part
        if item.source == "customers.files_to_check"
    ]
    assert len(items) == 3
    assert {item.url for item in items} == {f"{QUEUE}#week-2026-03-02", f"{QUEUE}#week-2026-03-09"}


def test_pool_leads_the_manager_entered_are_not_files_to_check(
    client_for, manager, salesperson, week_files
):
    lead = make_customer(actor=manager, to_pool=True, name="Pool Lead")
    services.customers_assign(customers=[lead], actor=manager, assignee=salesperson)
    own = make_customer(manager, name="Manager's Own")

    client = client_for(manager)
    page = client.get(QUEUE)

    assert {c.name for c in on_page(page)} == {"Week File A", "Week File B", "Week File C"}
    assert client.get(reverse("home")).context["pending_checks"] == 3
    assert "Pool Lead" not in html(page)
    assert own.owner == manager


def test_incomplete_files_are_never_ticked_for_the_manager(client_for, manager, salesperson):
    complete = make_customer(
        salesperson,
        name="Complete Trading",
        contact_people=[a_contact_person()],
        **complete_fields(),
    )
    incomplete = make_customer(salesperson, name="Incomplete Trading")
    assert complete.completed_at is not None
    assert incomplete.completed_at is None

    page = html(client_for(manager).get(QUEUE))

    boxes = {
        int(pk): "checked" in attrs
        for attrs, pk in re.findall(r'<input([^>]*name="customers" value="(\d+)"[^>]*)>', page)
    }
    assert boxes == {complete.pk: True, incomplete.pk: False}


@pytest.mark.parametrize(
    "persona", ["salesperson", "other_salesperson", "director", "front_desk", "admin_user"]
)
def test_the_queue_is_404_for_other_roles(request, client_for, persona, week_files):
    assert client_for(request.getfixturevalue(persona)).get(QUEUE).status_code == 404


def test_another_teams_manager_sees_none_of_the_files(client_for, other_manager, week_files):
    response = client_for(other_manager).get(QUEUE)

    assert response.context["weeks"] == []
    assert "Week File" not in html(response)


def test_the_queue_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(QUEUE))


def test_the_queue_refuses_post(client_for, manager):
    assert client_for(manager).post(QUEUE).status_code == 405


def _files(team, manager, numbers):
    """New files of this week and last week from several salespeople; every third one
    already checked."""
    people = [UserFactory(team=team) for _ in range(3)]
    for number in numbers:
        customer = make_customer(
            people[number % 3],
            name=f"Check Company {number}",
            now=LAST_WEEK if number % 2 else None,
        )
        if number % 3 == 0:
            services.files_mark_checked(customers=[customer], actor=manager, comment="ok")


def test_the_queue_runs_the_same_queries_for_5_and_60_files(client_for, manager, team):
    client = client_for(manager)
    _files(team, manager, range(5))
    client.get(QUEUE)
    few = queries_for(client, QUEUE)

    _files(team, manager, range(5, 60))
    many = queries_for(client, QUEUE)

    response = client.get(QUEUE)
    assert response.context["total"] == 40  # every third one was checked
    assert len(response.context["weeks"]) == 2
    assert few == many


# --- marking checked ------------------------------------------------------------------------------


def test_the_manager_marks_the_weeks_pending_files_checked(
    client_for, manager, week_files, old_file
):
    response = client_for(manager).post(
        MARK,
        {"customers": [c.pk for c in week_files], "comment": "Looks good", "week": "2026-03-09"},
    )

    assert response.status_code == 302
    assert response.url == QUEUE
    assert "3 files marked checked." in messages_of(response)
    for customer in week_files:
        customer.refresh_from_db()
        assert (customer.check_state, customer.checked_by) == (CheckState.CHECKED, manager)
        assert customer.check_comment == "Looks good"
    assert state_of(old_file) == CheckState.PENDING


def test_a_comment_typed_on_a_row_is_kept_on_that_file(client_for, manager, week_files):
    first, second, third = week_files

    client_for(manager).post(
        MARK,
        {
            "customers": [first.pk, second.pk],
            "comment": "Fine",
            f"note-{first.pk}": "Good needs analysis",
            f"note-{third.pk}": "not ticked, not kept",
        },
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.check_state, first.check_comment) == (CheckState.CHECKED, "Good needs analysis")
    assert (second.check_state, second.check_comment) == (CheckState.CHECKED, "Fine")
    assert state_of(third) == CheckState.PENDING


def test_marking_skips_files_already_checked_or_returned(client_for, manager, week_files, returned):
    services.files_mark_checked(customers=[week_files[0]], actor=manager, comment="first")

    response = client_for(manager).post(
        MARK, {"customers": [week_files[0].pk, week_files[1].pk, returned.pk], "week": ""}
    )

    assert "1 files marked checked." in messages_of(response)
    week_files[0].refresh_from_db()
    assert week_files[0].check_comment == "first"
    assert state_of(returned) == CheckState.RETURNED


def test_marking_nothing_says_so(client_for, manager, week_files):
    response = client_for(manager).post(MARK, {"week": ""})

    assert "Choose the files you checked." in messages_of(response)
    assert {state_of(c) for c in week_files} == {CheckState.PENDING}


def test_another_teams_manager_cannot_mark_the_files(client_for, other_manager, week_files):
    response = client_for(other_manager).post(
        MARK, {"customers": [c.pk for c in week_files], "week": ""}
    )

    assert response.status_code in (302, 404)
    assert {state_of(c) for c in week_files} == {CheckState.PENDING}


@pytest.mark.parametrize("persona", ["salesperson", "director", "front_desk", "admin_user"])
def test_other_roles_get_404_marking(request, client_for, persona, week_files):
    response = client_for(request.getfixturevalue(persona)).post(
        MARK, {"customers": [c.pk for c in week_files], "week": ""}
    )

    assert response.status_code == 404
    assert {state_of(c) for c in week_files} == {CheckState.PENDING}


def test_marking_sends_anonymous_visitors_to_login(client, week_files):
    assert_sent_to_login(client.post(MARK, {"customers": [week_files[0].pk]}))
    assert state_of(week_files[0]) == CheckState.PENDING


def test_marking_is_post_only(client_for, manager):
    assert client_for(manager).get(MARK).status_code == 405


# --- returning a file -----------------------------------------------------------------------------


CHECK_RETURN = reverse("customers:check_return")


def test_the_manager_returns_a_file_from_its_row_with_the_rows_comment(
    client_for, manager, salesperson, week_files
):
    first, second, _third = week_files

    response = client_for(manager).post(
        CHECK_RETURN,
        {
            "return": first.pk,
            "customers": [first.pk, second.pk],
            f"note-{first.pk}": "The city is missing",
            f"note-{second.pk}": "Looks fine",
        },
    )

    assert response.status_code == 302
    assert response.url == QUEUE
    assert f"Week File A returned to {salesperson} for correction." in messages_of(response)
    first.refresh_from_db()
    assert (first.check_state, first.check_comment) == (
        CheckState.RETURNED,
        "The city is missing",
    )
    assert state_of(second) == CheckState.PENDING  # the ticks are not a decision
    assert Notification.objects.get(recipient=salesperson, kind="file_returned").body == (
        "The city is missing"
    )
    assert "Week File A" not in html(client_for(manager).get(QUEUE))


def test_returning_from_a_row_needs_the_rows_comment(client_for, manager, week_files):
    response = client_for(manager).post(
        CHECK_RETURN, {"return": week_files[0].pk, f"note-{week_files[1].pk}": "wrong row"}
    )

    assert "Say what needs correcting in Week File A: type it on its row." in messages_of(response)
    assert {state_of(c) for c in week_files} == {CheckState.PENDING}


@pytest.mark.parametrize("value", ["", "x", "999999"])
def test_returning_from_a_row_without_a_file_is_404(client_for, manager, week_files, value):
    response = client_for(manager).post(CHECK_RETURN, {"return": value})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "outsider", ["other_manager", "salesperson", "director", "front_desk", "admin_user"]
)
def test_others_cannot_return_a_file_from_the_check_page(request, client_for, week_files, outsider):
    customer = week_files[0]
    response = client_for(request.getfixturevalue(outsider)).post(
        CHECK_RETURN, {"return": customer.pk, f"note-{customer.pk}": "Mine to judge"}
    )

    assert response.status_code == 404
    assert state_of(customer) == CheckState.PENDING


def test_returning_from_the_check_page_is_post_only_and_needs_a_login(client_for, client, manager):
    assert client_for(manager).get(CHECK_RETURN).status_code == 405
    assert_sent_to_login(client.post(CHECK_RETURN, {"return": "1"}))


def test_the_manager_returns_a_file_and_the_owner_sees_why(
    client_for, manager, salesperson, week_files
):
    customer = week_files[0]

    response = client_for(manager).post(return_url(customer), {"reason": "Phone is missing"})

    assert response.status_code == 302
    assert response.url == detail(customer)
    customer.refresh_from_db()
    assert (customer.check_state, customer.check_comment) == (
        CheckState.RETURNED,
        "Phone is missing",
    )
    assert Notification.objects.filter(recipient=salesperson, kind="file_returned").exists()
    owner = client_for(salesperson)
    on_detail = html(owner.get(detail(customer))).split('data-testid="returned"', 1)[1]
    assert "Phone is missing" in on_detail.split("</div>", 1)[0]
    work = owner.get(reverse("home")).context["worklist"]
    (returned,) = [item for item in work.today if item.source == "customers.returned_files"]
    assert (returned.title, returned.detail) == ("Week File A", "Phone is missing")


def test_returning_needs_a_reason(client_for, manager, week_files):
    response = client_for(manager).post(return_url(week_files[0]), {"reason": ""})

    assert "Say what needs correcting." in messages_of(response)
    assert state_of(week_files[0]) == CheckState.PENDING


def test_returning_a_returned_file_says_it_cannot(client_for, manager, returned):
    response = client_for(manager).post(return_url(returned), {"reason": "Again"})

    assert messages_of(response)
    returned.refresh_from_db()
    assert returned.check_comment == "Add the city, please"


def test_a_next_page_that_is_not_a_url_is_not_an_error(client_for, manager, week_files):
    response = client_for(manager).post(return_url(week_files[0]), {"reason": "Fix", "next": "x"})

    assert response.status_code == 302
    assert state_of(week_files[0]) == CheckState.RETURNED


def test_returning_goes_back_to_a_local_next_page(client_for, manager, week_files):
    response = client_for(manager).post(
        return_url(week_files[0]), {"reason": "Fix", "next": f"{QUEUE}?week=2026-03-09"}
    )

    assert response.url == f"{QUEUE}?week=2026-03-09"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/phish", "javascript:alert(1)"]
)
def test_returning_never_redirects_to_another_site(client_for, manager, week_files, next_url):
    response = client_for(manager).post(
        return_url(week_files[0]), {"reason": "Fix", "next": next_url}
    )

    assert response.status_code == 302
    assert response.url == detail(week_files[0])


@pytest.mark.parametrize(
    "outsider", ["other_manager", "salesperson", "teammate", "director", "front_desk", "admin_user"]
)
def test_others_cannot_return_a_file(request, client_for, week_files, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(
        return_url(week_files[0]), {"reason": "Mine to judge"}
    )

    assert response.status_code == 404
    assert state_of(week_files[0]) == CheckState.PENDING


def test_returning_sends_anonymous_visitors_to_login(client, week_files):
    assert_sent_to_login(client.post(return_url(week_files[0]), {"reason": "x"}))
    assert state_of(week_files[0]) == CheckState.PENDING


def test_returning_is_post_only(client_for, manager, week_files):
    assert client_for(manager).get(return_url(week_files[0])).status_code == 405


# --- resubmitting ---------------------------------------------------------------------------------


def test_the_owner_resubmits_a_corrected_file(client_for, salesperson, manager, returned):
    response = client_for(salesperson).post(resubmit_url(returned))

    assert response.status_code == 302
    assert response.url == detail(returned)
    assert "Sent back to your manager's check queue." in messages_of(response)
    assert state_of(returned) == CheckState.PENDING
    assert Notification.objects.filter(recipient=manager, kind="file_resubmitted").exists()
    assert returned in on_page(client_for(manager).get(QUEUE))


def test_resubmitting_a_file_that_was_not_returned_says_it_cannot(
    client_for, salesperson, week_files
):
    response = client_for(salesperson).post(resubmit_url(week_files[0]))

    assert messages_of(response)
    assert state_of(week_files[0]) == CheckState.PENDING
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "outsider",
    [
        "teammate",
        "other_salesperson",
        "manager",
        "other_manager",
        "director",
        "front_desk",
        "admin_user",
    ],
)
def test_only_the_owner_resubmits(request, client_for, returned, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(resubmit_url(returned))

    assert response.status_code == 404
    assert state_of(returned) == CheckState.RETURNED


def test_resubmitting_sends_anonymous_visitors_to_login(client, returned):
    assert_sent_to_login(client.post(resubmit_url(returned)))
    assert state_of(returned) == CheckState.RETURNED


def test_resubmitting_is_post_only(client_for, salesperson, returned):
    assert client_for(salesperson).get(resubmit_url(returned)).status_code == 405


def test_a_manager_without_a_team_sees_no_ones_files_to_check_or_claims(
    client_for, salesperson, db
):
    make_customer(salesperson)
    client = client_for(UserFactory(username="teamless", role=Role.MANAGER, team=None))

    assert client.get(reverse("customers:checks")).context["weeks"] == []
    assert list(client.get(reverse("customers:claims")).context["claims"]) == []
    assert client.get(reverse("customers:pool")).context["loads"] == []
    assert client.post(reverse("customers:check_mark"), {"customers": []}).status_code == 404
