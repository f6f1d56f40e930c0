from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm.roles import Role
from salescrm.testing.http import assert_sent_to_login, html, messages_of, queries_for, text_of
from salescrm.testing.time import local
from salescrm.tests.factories import UserFactory
from visits import services
from visits.models import SlipState, VisitLog
from visits.tests.factories import make_slip_for

DESK = reverse("visits:desk")


def confirm_url(slip, move) -> str:
    return reverse("visits:desk_confirm", kwargs={"pk": slip.pk, "move": move})


def undo_url(slip) -> str:
    return reverse("visits:undo", kwargs={"pk": slip.pk})


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
    assert confirm_url(approved, "depart") in page
    assert confirm_url(out, "return") in page
    assert page.count('data-testid="desk-slip"') == 3
    groups = {key: [slip for slip in group] for key, _title, group in response.context["groups"]}
    assert groups == {"to-leave": [approved], "out": [out], "back": [back]}
    assert text_of(response, "desk-to-leave").count("Register departure") == 1
    assert text_of(response, "desk-out").count("Register return") == 1


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


def test_the_desk_buttons_are_in_chinese_for_a_chinese_desk(
    client_for, front_desk, customer, teammate
):
    front_desk.language = "zh-hans"
    front_desk.save()
    make_slip_for(customer, SlipState.APPROVED)
    make_slip_for(make_customer(teammate, name="Out Trading"), SlipState.DEPARTED)

    response = client_for(front_desk).get(DESK)

    assert text_of(response, "desk-to-leave").startswith("待出发")
    assert text_of(response, "desk-out").startswith("外出中")
    assert text_of(response, "desk-back").startswith("已返回")
    assert "登记出发" in text_of(response, "desk-to-leave")
    assert "登记返回" in text_of(response, "desk-out")


# --- the confirmation names the person --------------------------------------------------


@pytest.mark.parametrize(
    ("state", "move", "question", "button"),
    [
        (SlipState.APPROVED, "depart", "Register the departure of", "leaves now"),
        (SlipState.DEPARTED, "return", "Register the return of", "is back"),
    ],
)
def test_the_confirmation_names_the_person_and_the_customer(
    client_for, front_desk, customer, salesperson, state, move, question, button
):
    slip = make_slip_for(customer, state)

    response = client_for(front_desk).get(confirm_url(slip, move))

    assert response.status_code == 200
    confirm = text_of(response, "desk-confirm")
    person = str(salesperson)
    assert f"{question} {person}" in confirm
    assert "Starlight Advertising" in confirm
    assert f"Confirm: {person} {button}" in confirm
    assert "<html" in html(response)  # without htmx: a page of its own
    slip.refresh_from_db()
    assert slip.state == state  # asking changes nothing


def test_with_htmx_the_confirmation_replaces_the_card_only(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.DEPARTED)

    response = client_for(front_desk).get(confirm_url(slip, "return"), HTTP_HX_REQUEST="true")

    page = html(response)
    assert "<html" not in page
    assert f'id="desk-slip-{slip.pk}"' in page
    assert reverse("visits:return", kwargs={"pk": slip.pk}) in page


def test_confirming_a_move_the_slip_no_longer_allows_goes_back_to_the_desk(
    client_for, front_desk, customer
):
    slip = make_slip_for(
        customer,
        SlipState.RETURNED,
        departure=timezone.now() - timedelta(hours=3),
        back=timezone.now() - timedelta(hours=1),
    )

    response = client_for(front_desk).get(confirm_url(slip, "return"))

    assert response.status_code == 302
    assert response.url == DESK
    assert "moved on" in messages_of(response)[0]


def test_an_unknown_move_is_404(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert client_for(front_desk).get(confirm_url(slip, "fly")).status_code == 404


@pytest.mark.parametrize("outsider", ["salesperson", "manager", "director"])
def test_the_confirmation_is_404_for_everyone_but_the_front_desk(
    request, client_for, customer, outsider
):
    slip = make_slip_for(customer, SlipState.APPROVED)

    response = client_for(request.getfixturevalue(outsider)).get(confirm_url(slip, "depart"))

    assert response.status_code == 404


def test_the_confirmation_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert_sent_to_login(client.get(confirm_url(slip, "depart")))


def test_the_confirmation_refuses_post(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.APPROVED)

    assert client_for(front_desk).post(confirm_url(slip, "depart")).status_code == 405
    slip.refresh_from_db()
    assert slip.state == SlipState.APPROVED


# --- undo for 30 seconds ------------------------------------------------------------------


def test_the_desk_registers_a_return_then_undoes_it_and_the_slip_is_out_again(
    client_for, front_desk, customer, time_machine
):
    slip = make_slip_for(customer, SlipState.DEPARTED)
    client = client_for(front_desk)

    response = client.post(
        reverse("visits:return", kwargs={"pk": slip.pk}), {"next": "desk"}, follow=True
    )
    assert "Undo the return" in text_of(response, "desk-back")
    assert VisitLog.objects.filter(slip=slip).exists()

    time_machine.move_to(timezone.now() + timedelta(seconds=20), tick=False)
    response = client.post(undo_url(slip))

    assert response.status_code == 302
    assert response.url == DESK
    slip.refresh_from_db()
    assert slip.state == SlipState.DEPARTED
    assert not VisitLog.objects.filter(slip=slip).exists()
    assert slip.history.latest("history_id").history_user == front_desk


def test_the_undo_button_is_gone_after_30_seconds_and_the_server_refuses(
    client_for, front_desk, customer, time_machine
):
    slip = make_slip_for(customer, SlipState.DEPARTED)
    client = client_for(front_desk)
    client.post(reverse("visits:return", kwargs={"pk": slip.pk}), {"next": "desk"})

    time_machine.move_to(timezone.now() + timedelta(seconds=31), tick=False)
    assert "Undo" not in text_of(client.get(DESK), "desk-back")
    response = client.post(undo_url(slip))

    assert "Too late to undo" in messages_of(response)[0]
    slip.refresh_from_db()
    assert slip.state == SlipState.RETURNED


def test_another_desk_user_sees_no_undo_and_cannot_undo(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.DEPARTED)
    client_for(front_desk).post(reverse("visits:return", kwargs={"pk": slip.pk}), {"next": "desk"})
    colleague = UserFactory(username="desk2", role=Role.FRONT_DESK)
    client = client_for(colleague)

    assert "Undo" not in text_of(client.get(DESK), "desk-back")
    response = client.post(undo_url(slip))

    assert "Only the person who registered it" in messages_of(response)[0]
    slip.refresh_from_db()
    assert slip.state == SlipState.RETURNED


@pytest.mark.parametrize("outsider", ["salesperson", "manager", "director"])
def test_undo_is_404_for_everyone_but_the_front_desk(request, client_for, customer, outsider):
    slip = make_slip_for(
        customer,
        SlipState.RETURNED,
        departure=timezone.now() - timedelta(hours=3),
        back=timezone.now() - timedelta(hours=1),
    )

    response = client_for(request.getfixturevalue(outsider)).post(undo_url(slip))

    assert response.status_code == 404
    slip.refresh_from_db()
    assert slip.state == SlipState.RETURNED


def test_undo_sends_anonymous_visitors_to_login(client, customer):
    slip = make_slip_for(customer, SlipState.DEPARTED)

    assert_sent_to_login(client.post(undo_url(slip)))


def test_undo_refuses_get(client_for, front_desk, customer):
    slip = make_slip_for(customer, SlipState.DEPARTED)

    assert client_for(front_desk).get(undo_url(slip)).status_code == 405
    assert services.UNDO_SECONDS == 30


def test_an_out_salespersons_card_has_a_mail_link(client_for, front_desk, customer, salesperson):
    make_slip_for(customer, SlipState.DEPARTED)

    response = client_for(front_desk).get(DESK)

    assert f'href="mailto:{salesperson.email}"' in html(response)
