from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import ContactPerson
from customers.tests.factories import make_customer
from salescrm.selectors import work_calendar
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, html
from salescrm.testing.time import local
from visits import worklist
from visits.models import SlipState, VisitLog
from visits.tests.factories import make_slip_for, write_log

LOG = {
    "person_met": "王芳",
    "person_title": "品牌总监",
    "person_phone": "13912345678",
    "decision_power": "yes",
    "needs": "More weekend shoppers",
    "notes": "Liked the metro screens",
    "outcome": "Asked for a quote",
    "next_step": "Send the quote",
    "next_step_on": "2026-03-13",
    "suggested_class": "potential",
}


@pytest.fixture
def visited(customer):
    """A visit done this morning, its log still to write."""
    return make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )


def log_url(slip) -> str:
    return reverse("visits:log", kwargs={"pk": slip.log.pk})


def test_the_salesperson_opens_the_log_of_their_visit(client_for, salesperson, visited):
    response = client_for(salesperson).get(log_url(visited))

    assert response.status_code == 200
    assert "Starlight Advertising" in html(response)


def test_the_salesperson_writes_the_log_and_the_person_met_joins_the_file(
    client_for, salesperson, customer, visited
):
    response = client_for(salesperson).post(log_url(visited), with_version(visited.log, LOG))

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": visited.pk})
    log = VisitLog.objects.get()
    assert log.written_at is not None
    assert (log.person_met, log.suggested_class) == ("王芳", "potential")
    assert log.next_step_on == date(2026, 3, 13)
    contact = ContactPerson.objects.get(customer=customer, name="王芳")
    assert (contact.title, contact.decision_power) == ("品牌总监", "yes")


def test_a_log_without_notes_is_refused_and_nothing_is_written(client_for, salesperson, visited):
    response = client_for(salesperson).post(
        log_url(visited), with_version(visited.log, {**LOG, "notes": " "})
    )

    assert response.status_code == 200
    assert "Write the meeting notes." in html(response)
    assert VisitLog.objects.get().written_at is None


def test_a_written_log_can_be_corrected(client_for, salesperson, visited):
    write_log(visited)

    client_for(salesperson).post(
        log_url(visited), with_version(visited.log, {**LOG, "outcome": "Quote sent"})
    )

    assert VisitLog.objects.get().outcome == "Quote sent"


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
def test_outsiders_get_404_and_write_nothing(request, client_for, visited, outsider):
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(log_url(visited)).status_code == 404
    assert client.post(log_url(visited), with_version(visited.log, LOG)).status_code == 404
    assert VisitLog.objects.get().written_at is None


def test_the_log_sends_anonymous_visitors_to_login(client, visited):
    assert_sent_to_login(client.get(log_url(visited)))
    assert_sent_to_login(client.post(log_url(visited), with_version(visited.log, LOG)))
    assert VisitLog.objects.get().written_at is None


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_log_refuses_other_methods(client_for, salesperson, visited, method):
    assert getattr(client_for(salesperson), method)(log_url(visited)).status_code == 405


# --- rule 2.3.1 on the form; the slip's plan; contact people to pick ---------------------

NOBODY = {
    **LOG,
    "person_met": "",
    "person_title": "",
    "person_phone": "",
    "decision_power": "unknown",
    "needs": "",
}


def test_the_log_form_shows_the_slips_plan_and_objectives(client_for, salesperson, customer):
    slip = make_slip_for(
        customer,
        SlipState.RETURNED,
        departure=local(2026, 3, 11, 7),
        back=local(2026, 3, 11, 9),
        plan="Present the metro screens",
        objectives="Agree a trial month",
    )

    page = html(client_for(salesperson).get(log_url(slip)))

    assert "Present the metro screens" in page
    assert "Agree a trial month" in page


def test_the_phone_field_opens_the_phone_keyboard(client_for, salesperson, visited):
    page = html(client_for(salesperson).get(log_url(visited)))

    assert 'type="tel"' in page
    assert 'inputmode="tel"' in page


def test_the_customers_contact_people_can_be_picked_and_carry_what_they_fill_in(
    client_for, salesperson, customer
):
    person = ContactPerson.objects.create(
        customer=customer, name="李娜", title="采购经理", phone="13900139001", decision_power="no"
    )
    slip = make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )

    response = client_for(salesperson).get(log_url(slip))

    page = html(response)
    assert list(response.context["form"].fields["contact_person"].queryset) == [person]
    assert 'data-name="李娜"' in page
    assert 'data-title="采购经理"' in page
    assert 'data-phone="13900139001"' in page
    assert "js/visit-log.js" in page

    response = client_for(salesperson).post(
        log_url(slip),
        with_version(
            slip.log, {**NOBODY, "contact_person": person.pk, "needs": "Cheaper weekday slots"}
        ),
    )

    assert response.status_code == 302
    log = VisitLog.objects.get()
    assert (log.contact_person, log.person_met, log.decision_power) == (person, "李娜", "no")


def test_a_log_without_the_person_met_and_needs_is_refused_on_the_form(
    client_for, salesperson, visited
):
    response = client_for(salesperson).post(log_url(visited), with_version(visited.log, NOBODY))

    assert response.status_code == 200
    assert "met nobody / not known" in html(response)
    assert VisitLog.objects.get().written_at is None


def test_met_nobody_with_a_reason_is_saved_and_the_manager_sees_it(
    client_for, salesperson, manager, visited
):
    response = client_for(salesperson).post(
        log_url(visited),
        with_version(
            visited.log,
            {**NOBODY, "met_nobody": "on", "met_nobody_reason": "Only the receptionist was in."},
        ),
    )

    assert response.status_code == 302
    page = html(client_for(manager).get(reverse("visits:detail", kwargs={"pk": visited.pk})))
    assert 'data-testid="met-nobody"' in page
    assert "Only the receptionist was in." in page


def test_the_managers_approval_queue_shows_that_the_last_visit_met_nobody(
    client_for, salesperson, manager, customer, visited
):
    client_for(salesperson).post(
        log_url(visited),
        with_version(
            visited.log,
            {**NOBODY, "met_nobody": "on", "met_nobody_reason": "Only the receptionist was in."},
        ),
    )
    make_slip_for(customer, SlipState.SUBMITTED)

    page = html(client_for(manager).get(reverse("visits:list")))

    assert 'data-testid="last-met-nobody"' in page
    assert "Only the receptionist was in." in page


def test_the_managers_worklist_row_for_the_next_slip_says_the_last_visit_met_nobody(
    client_for, salesperson, manager, customer, visited
):
    client_for(salesperson).post(
        log_url(visited),
        with_version(
            visited.log,
            {**NOBODY, "met_nobody": "on", "met_nobody_reason": "Only the receptionist was in."},
        ),
    )
    nobody = make_slip_for(customer, SlipState.SUBMITTED)
    other = make_slip_for(make_customer(salesperson, name="Other Trading"), SlipState.SUBMITTED)
    now = timezone.now()

    items = {
        item.key: item.detail
        for item in worklist.slips_to_approve(manager, now, work_calendar(today=now.date()))
    }

    assert "met nobody" in items[str(nobody.pk)]
    assert "Only the receptionist was in." in items[str(nobody.pk)]
    assert items[str(other.pk)] == ""
