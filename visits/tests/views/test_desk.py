from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, html, queries_for
from salescrm.testing.time import local
from visits.models import SlipState
from visits.tests.factories import make_slip_for

DESK = reverse("visits:desk")


def test_the_front_desk_sees_todays_approved_departed_and_returned_slips(
    client_for, front_desk, customer, teammate
):
    approved = make_slip_for(customer, SlipState.APPROVED)
    out = make_slip_for(make_customer(teammate, name="Out Trading"), SlipState.DEPARTED)
    back = make_slip_for(
        make_customer(teammate, name="Back Trading"),
        SlipState.RETURNED,
        departure=timezone.now() - timedelta(hours=3),
        back=timezone.now() - timedelta(hours=1),
    )

    response = client_for(front_desk).get(DESK)

    assert response.status_code == 200
    assert set(response.context["slips"]) == {approved, out, back}
    page = html(response)
    assert reverse("visits:depart", kwargs={"pk": approved.pk}) in page
    assert reverse("visits:return", kwargs={"pk": out.pk}) in page
    assert page.count('data-testid="desk-slip"') == 3


def test_the_desk_leaves_out_slips_of_other_days_and_slips_not_approved(
    client_for, front_desk, customer, salesperson
):
    make_slip_for(customer, SlipState.APPROVED, departure=local(2026, 3, 12, 10))  # tomorrow
    make_slip_for(make_customer(salesperson, name="Draft Trading"))
    make_slip_for(make_customer(salesperson, name="Waiting Trading"), SlipState.SUBMITTED)
    make_slip_for(make_customer(salesperson, name="Cancelled Trading"), SlipState.CANCELLED)
    make_slip_for(
        make_customer(salesperson, name="Yesterday Trading"),
        SlipState.RETURNED,
        departure=local(2026, 3, 10, 10),
        back=local(2026, 3, 10, 12),
    )

    response = client_for(front_desk).get(DESK)

    assert list(response.context["slips"]) == []
    page = html(response)
    assert "Starlight Advertising" not in page
    for name in ["Draft", "Waiting", "Cancelled", "Yesterday"]:
        assert f"{name} Trading" not in page
    assert "No approved visits today." in page


def test_someone_still_out_from_yesterday_stays_on_the_desk(client_for, front_desk, customer):
    out = make_slip_for(
        customer,
        SlipState.DEPARTED,
        departure=local(2026, 3, 10, 16),
        back=local(2026, 3, 10, 17),
    )

    response = client_for(front_desk).get(DESK)

    assert list(response.context["slips"]) == [out]
    assert "Late" in html(response)


@pytest.mark.parametrize("outsider", ["salesperson", "manager", "director", "admin_user"])
def test_the_desk_is_404_for_everyone_but_the_front_desk(request, client_for, customer, outsider):
    make_slip_for(customer, SlipState.APPROVED)

    response = client_for(request.getfixturevalue(outsider)).get(DESK)

    assert response.status_code == 404
    assert "Starlight Advertising" not in html(response)


def test_the_desk_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(DESK))


def test_the_desk_refuses_post(client_for, front_desk):
    assert client_for(front_desk).post(DESK).status_code == 405


def test_the_desk_runs_as_many_queries_for_40_slips_as_for_5(
    client_for, front_desk, salesperson, teammate
):
    client = client_for(front_desk)

    def add(count):
        for number in range(count):
            owner = [salesperson, teammate][number % 2]
            state = [SlipState.APPROVED, SlipState.DEPARTED, SlipState.RETURNED][number % 3]
            make_slip_for(make_customer(owner), state)

    add(5)
    client.get(DESK)
    five = queries_for(client, DESK)
    add(35)
    response = client.get(DESK)
    forty = queries_for(client, DESK)

    assert len(response.context["slips"]) == 40
    assert forty == five
