"""The customer file's timeline merges every app's events, newest first, page by page, and
shows only the documents the reader may open."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services as contract_services
from contracts.tests.factories import make_plan
from customers import services
from customers.models import PipelineClass
from customers.tests.factories import make_customer
from salescrm.testing.http import assert_sent_to_login, queries_for
from visits import services as visit_services


def detail(customer):
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def whats(response):
    return [str(event.what) for event in response.context["events"]]


def test_contacts_class_changes_and_plans_appear_newest_first(client_for, salesperson):
    customer = make_customer(salesperson, name="Stream Co")
    visit_services.contact_record_add(
        customer=customer, actor=salesperson, data={"channel": "phone", "summary": "Called"}
    )
    services.customer_change_class(
        customer=customer, actor=salesperson, to_class=PipelineClass.TRACKING, reason="Keen"
    )
    make_plan(salesperson, customer=customer)

    response = client_for(salesperson).get(detail(customer))

    assert whats(response)[:3] == ["Plan drafted", "Class changed", "Contact: Phone"]
    assert "File entered" in whats(response)


def test_older_events_come_page_by_page(client_for, salesperson):
    customer = make_customer(salesperson)
    start = timezone.now() - timedelta(days=30)
    for day in range(20):
        services.note_add(
            customer=customer, actor=salesperson, kind="comment", body=f"Note {day}",
            now=start + timedelta(days=day),
        )  # fmt: skip
    client = client_for(salesperson)

    first = client.get(detail(customer))
    assert first.context["older"] is True
    last = first.context["events"][-1]
    older = client.get(
        reverse("customers:timeline", args=[customer.pk]), {"before": last.at.isoformat()}
    )

    events = first.context["events"] + older.context["events"]
    texts = [event.text for event in events if event.text.startswith("Note")]
    assert texts == [f"Note {day}" for day in reversed(range(20))]
    assert older.context["older"] is False


def test_a_document_the_reader_may_not_open_stays_off_the_timeline(
    client_for, salesperson, teammate, manager
):
    customer = make_customer(salesperson)
    plan = make_plan(salesperson, customer=customer)
    contract_services.plan_cancel(plan=plan, actor=salesperson)  # stays with who made it
    services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    assert "Plan drafted" not in whats(client_for(teammate).get(detail(customer)))
    assert "Plan drafted" in whats(client_for(manager).get(detail(customer)))


def test_the_page_runs_as_many_queries_for_a_long_history_as_for_a_short_one(
    client_for, salesperson
):
    customer = make_customer(salesperson)
    # An open plan from the start: the customer's state (exempt from the pool rules) is
    # the same for both counts, only the length of its history differs.
    make_plan(salesperson, customer=customer)
    client = client_for(salesperson)
    url = detail(customer)
    client.get(url)
    few = queries_for(client, url)
    for n in range(25):
        services.note_add(customer=customer, actor=salesperson, kind="comment", body=f"n{n}")
        make_plan(salesperson, customer=customer)

    assert queries_for(client, url) == few


@pytest.mark.parametrize("before", ["", "yesterday", "2026-03-01T10:00"])
def test_a_missing_or_naive_cursor_is_not_found(client_for, salesperson, before):
    customer = make_customer(salesperson)
    url = reverse("customers:timeline", args=[customer.pk])

    assert client_for(salesperson).get(url, {"before": before}).status_code == 404


def test_outsiders_and_strangers_see_no_timeline(
    client, client_for, salesperson, other_salesperson
):
    customer = make_customer(salesperson)
    url = reverse("customers:timeline", args=[customer.pk])
    params = {"before": timezone.now().isoformat()}

    assert client_for(other_salesperson).get(url, params).status_code == 404
    assert_sent_to_login(client.get(url, params))
