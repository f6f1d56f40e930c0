"""The customer list as people work from it: sorting, quick filters, last contact and next
deadline, cards with a call button on a phone, saved views."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.tests.factories import make_customer
from salescrm.models import SavedView
from salescrm.testing.http import assert_sent_to_login, html, messages_of, queries_for

LIST = reverse("customers:list")


def names(response) -> list[str]:
    return [customer.name for customer in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["Alpha", "Beta", "Gamma"]), ("-name", ["Gamma", "Beta", "Alpha"])],
)
def test_a_column_sorts_the_list_both_ways(client_for, salesperson, sort, expected):
    for name in ["Beta", "Gamma", "Alpha"]:
        make_customer(salesperson, name=name)

    assert names(client_for(salesperson).get(LIST, {"sort": sort})) == expected


def test_sorting_by_last_contact_puts_the_least_recent_first(client_for, salesperson):
    now = timezone.now()
    for name, days in [("Recent", 1), ("Old", 20), ("Middle", 5)]:
        customer = make_customer(salesperson, name=name)
        services.customer_contacted(customer=customer, at=now - timedelta(days=days))

    assert names(client_for(salesperson).get(LIST, {"sort": "contact"})) == [
        "Old",
        "Middle",
        "Recent",
    ]


def test_rows_with_the_same_value_keep_one_order_across_pages(client_for, salesperson):
    moment = timezone.now() - timedelta(hours=1)
    made = [make_customer(salesperson, now=moment) for _ in range(5)]  # entered together
    client = client_for(salesperson)

    shown = client.get(LIST, {"sort": "entered"}).context["page"].object_list

    assert [c.pk for c in shown] == sorted(c.pk for c in made)


def test_an_unknown_sort_is_ignored(client_for, salesperson):
    make_customer(salesperson)

    assert client_for(salesperson).get(LIST, {"sort": "password"}).status_code == 200


def test_quick_filter_first_contact_due(client_for, salesperson):
    waiting = make_customer(salesperson, name="Not Called Yet")
    called = make_customer(salesperson, name="Called")
    services.customer_contacted(customer=called, at=timezone.now())

    response = client_for(salesperson).get(LIST, {"quick": "first_contact"})

    assert names(response) == [waiting.name]


def test_quick_filter_no_contact_in_30_days(client_for, salesperson):
    old = timezone.now() - timedelta(days=40)
    make_customer(salesperson, name="Quiet", now=old)
    recent = make_customer(salesperson, name="Worked", now=old)
    services.customer_contacted(customer=recent, at=timezone.now() - timedelta(days=3))
    make_customer(salesperson, name="New")

    assert names(client_for(salesperson).get(LIST, {"quick": "quiet"})) == ["Quiet"]


def test_quick_filter_escalated(client_for, salesperson):
    make_customer(salesperson, name="Calm")
    hard = make_customer(salesperson, name="Hard")
    services.note_add(customer=hard, actor=salesperson, kind="escalation", body="Help")

    assert names(client_for(salesperson).get(LIST, {"quick": "escalated"})) == ["Hard"]


def test_the_list_shows_the_last_contact_and_the_next_deadline(client_for, salesperson):
    customer = make_customer(salesperson, name="Shown")
    services.customer_contacted(customer=customer, at=timezone.now())

    page = html(client_for(salesperson).get(LIST))

    row = page.split("Shown", 1)[1].split("</tr>", 1)[0]
    assert "File" in row  # the file is still to complete
    assert "Last contact" in page


def test_a_phone_sees_cards_with_a_call_button(client_for, salesperson):
    make_customer(salesperson, name="Callable", phone="021-6234 5678")

    page = html(client_for(salesperson).get(LIST))

    cards = page.split('data-testid="customer-cards"', 1)[1]
    assert 'href="tel:02162345678"' in cards


@pytest.mark.parametrize("params", [{"sort": "-contact"}, {"quick": "quiet"}, {"q": "Co"}])
def test_sorted_and_filtered_lists_run_as_many_queries_for_many_rows_as_for_few(
    client_for, salesperson, params
):
    client = client_for(salesperson)
    for _ in range(3):
        make_customer(salesperson)
    client.get(LIST, params)
    few = queries_for(client, f"{LIST}?{'&'.join(f'{k}={v}' for k, v in params.items())}")
    for _ in range(30):
        make_customer(salesperson)

    many = queries_for(client, f"{LIST}?{'&'.join(f'{k}={v}' for k, v in params.items())}")

    assert many == few


# --- saved views ------------------------------------------------------------------------------

SAVE = reverse("saved_view_save")


def test_a_salesperson_saves_a_view_and_finds_it_on_the_list(client_for, salesperson):
    client = client_for(salesperson)

    response = client.post(
        SAVE, {"page": "customers:list", "name": "Quiet ones", "query": "quick=quiet&page=3"}
    )

    assert response.url == f"{LIST}?quick=quiet"
    assert messages_of(response) == ["View “Quiet ones” saved."]
    view = SavedView.objects.get()
    assert (view.user, view.query) == (salesperson, "quick=quiet")
    assert "Quiet ones" in html(client.get(LIST))


def test_saving_under_the_same_name_replaces_the_view(client_for, salesperson):
    client = client_for(salesperson)
    client.post(SAVE, {"page": "customers:list", "name": "Mine", "query": "quick=quiet"})
    client.post(SAVE, {"page": "customers:list", "name": "Mine", "query": "quick=escalated"})

    assert list(SavedView.objects.values_list("query", flat=True)) == ["quick=escalated"]


def test_a_view_needs_a_name(client_for, salesperson):
    response = client_for(salesperson).post(SAVE, {"page": "customers:list", "name": " "})

    assert messages_of(response) == ["Give the view a name."]
    assert not SavedView.objects.exists()


def test_only_registered_lists_can_be_saved(client_for, salesperson):
    response = client_for(salesperson).post(SAVE, {"page": "admin:index", "name": "x"})

    assert response.status_code == 404


def test_nobody_sees_or_deletes_someone_elses_view(client_for, salesperson, teammate):
    client_for(teammate).post(SAVE, {"page": "customers:list", "name": "Theirs", "query": ""})
    view = SavedView.objects.get()

    assert "Theirs" not in html(client_for(salesperson).get(LIST))
    response = client_for(salesperson).post(reverse("saved_view_delete", args=[view.pk]))
    assert response.status_code == 404
    assert SavedView.objects.exists()


def test_the_owner_deletes_a_view(client_for, salesperson):
    client = client_for(salesperson)
    client.post(SAVE, {"page": "customers:list", "name": "Gone", "query": ""})

    response = client.post(reverse("saved_view_delete", args=[SavedView.objects.get().pk]))

    assert response.url == LIST
    assert not SavedView.objects.exists()


def test_saving_needs_a_sign_in_and_a_post(client, client_for, salesperson):
    assert_sent_to_login(client.post(SAVE, {"page": "customers:list", "name": "x"}))
    assert client_for(salesperson).get(SAVE).status_code == 405
