"""Today's work on the home page: one list per person, overdue first, each row with its clock
and its action; approvals done from the list resolve what they asked."""

import pytest
import time_machine
from django.urls import reverse

from contracts.models import AgreementState
from contracts.tests.factories import make_agreement_in
from customers import services as customer_services
from customers.tests.factories import make_customer
from salescrm import notifications
from salescrm.testing.http import html, messages_of, queries_for
from salescrm.testing.time import at
from visits.models import SlipState, VisitSlip
from visits.tests.factories import make_slip_for

HOME = reverse("home")
# Wednesday 11 March 2026, 10:00 in Shanghai.
FROZEN_NOW = "2026-03-11 10:00 +08:00"


@pytest.fixture(autouse=True)
def _a_working_wednesday():
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield


def items(response, source):
    work = response.context["worklist"]
    return [i for i in work.overdue + work.today + work.week + work.later if i.source == source]


def test_after_a_pool_assignment_the_salesperson_sees_each_first_contact_due(
    client_for, manager, salesperson
):
    pool = [make_customer(actor=manager, to_pool=True) for _ in range(3)]
    customer_services.customers_assign(customers=pool, actor=manager, assignee=salesperson)

    response = client_for(salesperson).get(HOME)

    due = items(response, "visits.first_contacts_due")
    assert sorted(item.title for item in due) == sorted(c.name for c in pool)
    assert {item.when for item in due} == {"7 days left"}
    assert {item.action for item in due} == {"Record a contact"}
    assert "Make the first contact" in html(response)


def test_an_overdue_file_comes_first_with_its_working_day_clock(client_for, salesperson):
    make_customer(salesperson, name="Late Co", now=at(2026, 3, 5, 10, 0))  # Thursday

    response = client_for(salesperson).get(HOME)

    (late,) = [i for i in response.context["worklist"].overdue if i.title == "Late Co"]
    assert late.source == "customers.files_to_complete"
    assert late.when == "overdue by 2 working days"  # due Monday evening


def test_the_manager_approves_a_slip_from_the_list_and_it_stops_waiting(
    client_for, manager, customer_of_salesperson
):
    slip = make_slip_for(customer_of_salesperson, SlipState.SUBMITTED)
    client = client_for(manager)
    before = client.get(HOME)
    (row,) = items(before, "visits.slips_to_approve")
    assert before.context["unread_count"] == 1

    response = client.post(row.inline[0], {"next": "home"})

    assert response.url == HOME
    slip.refresh_from_db()
    assert slip.state == SlipState.APPROVED
    after = client.get(HOME)
    assert items(after, "visits.slips_to_approve") == []
    assert after.context["unread_count"] == 0


def test_the_manager_approves_several_slips_at_once(client_for, manager, customer_of_salesperson):
    slips = [make_slip_for(customer_of_salesperson, SlipState.SUBMITTED) for _ in range(3)]
    waiting_one = make_slip_for(customer_of_salesperson, SlipState.SUBMITTED)

    response = client_for(manager).post(
        reverse("visits:approve_many"), {"slip": [s.pk for s in slips], "next": "home"}
    )

    assert response.url == HOME
    assert messages_of(response) == ["3 visits approved."]
    assert VisitSlip.objects.filter(state=SlipState.APPROVED).count() == 3
    waiting_one.refresh_from_db()
    assert waiting_one.state == SlipState.SUBMITTED


def test_bulk_approval_ignores_slips_not_waiting_for_this_manager(
    client_for, manager, customer_of_salesperson, other_salesperson
):
    ours = make_slip_for(customer_of_salesperson, SlipState.SUBMITTED)
    theirs = make_slip_for(make_customer(other_salesperson), SlipState.SUBMITTED)

    response = client_for(manager).post(
        reverse("visits:approve_many"), {"slip": [ours.pk, theirs.pk, "x"]}
    )

    theirs.refresh_from_db()
    assert theirs.state == SlipState.SUBMITTED
    assert "1 was no longer waiting for your approval." in messages_of(response)


def test_the_director_sees_major_agreements_to_approve(
    client_for, director, salesperson, manager
):
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)

    response = client_for(director).get(HOME)

    (row,) = items(response, "contracts.documents_to_sign")
    assert row.what == "Approve the major agreement"
    assert agreement.number in row.title


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_the_home_page_runs_as_many_queries_for_many_items_as_for_few(
    request, client_for, persona, manager, salesperson
):
    user = request.getfixturevalue(persona)
    client = client_for(user)

    def more(count):
        for _ in range(count):
            customer = make_customer(salesperson)
            make_slip_for(customer, SlipState.SUBMITTED)
            notifications.notify(
                recipients=[user], kind="slip_approved", params={"customer": "x"}, subject=customer
            )

    more(2)
    client.get(HOME)
    few = queries_for(client, HOME)
    more(10)
    many = queries_for(client, HOME)

    assert many == few


@pytest.fixture
def customer_of_salesperson(salesperson):
    return make_customer(salesperson, name="Starlight Advertising")
