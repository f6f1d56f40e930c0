from datetime import date

import pytest
from django.urls import reverse

from customers.models import ContactPerson
from salescrm.testing.http import assert_sent_to_login, html
from salescrm.testing.time import local
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
    response = client_for(salesperson).post(log_url(visited), LOG)

    assert response.status_code == 302
    assert response.url == reverse("visits:detail", kwargs={"pk": visited.pk})
    log = VisitLog.objects.get()
    assert log.written_at is not None
    assert (log.person_met, log.suggested_class) == ("王芳", "potential")
    assert log.next_step_on == date(2026, 3, 13)
    contact = ContactPerson.objects.get(customer=customer, name="王芳")
    assert (contact.title, contact.decision_power) == ("品牌总监", "yes")


def test_a_log_without_notes_is_refused_and_nothing_is_written(client_for, salesperson, visited):
    response = client_for(salesperson).post(log_url(visited), {**LOG, "notes": " "})

    assert response.status_code == 200
    assert "Write the meeting notes." in html(response)
    assert VisitLog.objects.get().written_at is None


def test_a_written_log_can_be_corrected(client_for, salesperson, visited):
    write_log(visited)

    client_for(salesperson).post(log_url(visited), {**LOG, "outcome": "Quote sent"})

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
    assert client.post(log_url(visited), LOG).status_code == 404
    assert VisitLog.objects.get().written_at is None


def test_the_log_sends_anonymous_visitors_to_login(client, visited):
    assert_sent_to_login(client.get(log_url(visited)))
    assert_sent_to_login(client.post(log_url(visited), LOG))
    assert VisitLog.objects.get().written_at is None


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_log_refuses_other_methods(client_for, salesperson, visited, method):
    assert getattr(client_for(salesperson), method)(log_url(visited)).status_code == 405
