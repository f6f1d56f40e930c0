import pytest
from django.urls import reverse

from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html
from salescrm.testing.time import local
from visits.models import SlipState
from visits.tests.factories import make_revisit, make_slip_for, write_log


def detail(slip) -> str:
    return reverse("visits:detail", kwargs={"pk": slip.pk})


def test_the_owner_opens_a_draft_with_edit_and_submit(client_for, salesperson, customer):
    slip = make_slip_for(customer, plan="Show the metro screens")

    response = client_for(salesperson).get(detail(slip))

    assert response.status_code == 200
    page = html(response)
    assert "Show the metro screens" in page
    assert reverse("visits:edit", kwargs={"pk": slip.pk}) in page
    assert reverse("visits:submit", kwargs={"pk": slip.pk}) in page
    assert reverse("visits:approve", kwargs={"pk": slip.pk}) not in page


def test_the_manager_opens_a_submitted_revisit_with_approve_reject_and_the_report(
    client_for, manager, customer
):
    slip = make_revisit(customer)

    response = client_for(manager).get(detail(slip))

    assert response.status_code == 200
    assert response.context["moves"] == {"approved", "draft", "cancelled"}
    page = html(response)
    assert reverse("visits:approve", kwargs={"pk": slip.pk}) in page
    assert reverse("visits:reject", kwargs={"pk": slip.pk}) in page
    assert "Present the spring outdoor package" in page


def test_the_director_reads_a_slip_without_any_action(client_for, director, customer):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(director).get(detail(slip))

    assert response.status_code == 200
    assert response.context["moves"] == set()
    assert "<form" not in html(response).split('data-testid="actions"')[1].split("</div>")[0]


def test_the_front_desk_opens_todays_approved_slip_with_the_departure_button(
    client_for, front_desk, customer
):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(front_desk).get(detail(slip))

    assert response.status_code == 200
    page = html(response)
    # The departure is confirmed on a question naming the person.
    assert reverse("visits:desk_confirm", kwargs={"pk": slip.pk, "move": "depart"}) in page
    # The front desk does not get a link into the customer file, nor its phone.
    assert reverse("customers:detail", kwargs={"pk": customer.pk}) not in page
    assert 'data-testid="customer-phone"' not in page


def test_the_owner_is_asked_to_write_the_log_after_the_visit(client_for, salesperson, customer):
    slip = make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )

    response = client_for(salesperson).get(detail(slip))

    assert "Write the log" in html(response)
    assert reverse("visits:log", kwargs={"pk": slip.log.pk}) in html(response)


def test_a_written_log_shows_on_the_slip(client_for, manager, customer):
    slip = make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )
    write_log(slip)

    response = client_for(manager).get(detail(slip))

    log = html(response).split('data-testid="log"')[1]
    assert "王芳" in log
    assert "Interested in the metro screens" in log
    assert "Write the log" not in log  # only the author writes it


@pytest.mark.parametrize(
    "outsider", ["teammate", "other_salesperson", "other_manager", "admin_user"]
)
def test_outsiders_get_404(request, client_for, customer, outsider):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(request.getfixturevalue(outsider)).get(detail(slip))

    assert response.status_code == 404
    assert "Starlight Advertising" not in html(response)


def test_the_front_desk_opens_todays_slip_still_waiting_but_gets_no_button(
    client_for, front_desk, customer
):
    slip = make_slip_for(customer, SlipState.SUBMITTED)

    response = client_for(front_desk).get(detail(slip))

    assert response.status_code == 200
    assert response.context["moves"] == set()
    assert reverse("visits:depart", kwargs={"pk": slip.pk}) not in html(response)


def test_the_front_desk_gets_404_for_a_slip_planned_tomorrow(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED, departure=local(2026, 3, 12, 10))

    response = client_for(front_desk).get(detail(slip))

    assert response.status_code == 404
    assert "Starlight Advertising" not in html(response)


def test_the_front_desk_gets_404_for_a_slip_of_yesterday(client_for, front_desk, customer):
    slip = make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 10, 10), back=local(2026, 3, 10, 12)
    )

    assert client_for(front_desk).get(detail(slip)).status_code == 404


def test_the_front_desk_gets_404_for_a_draft(client_for, front_desk, customer):
    slip = make_slip_for(customer)

    assert client_for(front_desk).get(detail(slip)).status_code == 404


def test_a_slip_that_does_not_exist_is_404(client_for, director):
    assert client_for(director).get("/visits/999999/").status_code == 404


def test_the_detail_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.get(detail(make_slip_for(customer))))


def test_the_detail_refuses_post(client_for, salesperson, customer):
    assert client_for(salesperson).post(detail(make_slip_for(customer))).status_code == 405


def test_the_front_desk_sees_a_returned_slip_but_not_its_log(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.RETURNED)
    write_log(slip, notes="Budget is 800k; wants the airport screens")

    response = client_for(front_desk).get(detail(slip))

    assert response.status_code == 200
    assert response.context["log"] is None
    assert "airport screens" not in html(response)


def test_the_slip_has_tap_to_call_for_the_customer_and_the_person_met(
    client_for, salesperson, manager
):
    customer = make_customer(salesperson, name="Phone Trading", phone="021-6123 4567")
    slip = make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )
    write_log(slip, person_phone="139 1234 5678")

    page = html(client_for(manager).get(detail(slip)))

    assert 'href="tel:02161234567"' in page
    assert 'href="tel:13912345678"' in page
    assert f'href="mailto:{salesperson.email}"' in page
