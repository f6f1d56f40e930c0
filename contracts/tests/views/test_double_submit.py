"""Plans and delegations are created once: the same form posted twice at once (a double
click, a resent request) makes one record, and both posts land where it is shown.

Each post runs in its own thread with its own client and database connection, as two
requests to two web workers would.
"""

import uuid

import pytest
from django.urls import reverse

from contracts.models import Delegation, Plan
from contracts.tests.factories import plan_data
from salescrm.idempotency import FIELD
from salescrm.testing.http import html, messages_of
from salescrm.testing.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)
SENT_TWICE = "This form was sent twice; it was saved once."


def twice_at_once(client_for, user, url, data):
    data = {**data, FIELD: str(uuid.uuid4())}
    first, second = client_for(user), client_for(user)
    responses = run_together(lambda: first.post(url, data), lambda: second.post(url, data))
    for response in responses:
        assert not isinstance(response, Exception), responses
        assert response.status_code == 302, html(response)
    assert len({response.url for response in responses}) == 1
    return responses


def test_a_plan_posted_twice_at_once_is_drafted_once(client_for, salesperson, customer):
    url = reverse("contracts:plan_create", kwargs={"customer_pk": customer.pk})
    data = {key: "" if value is None else str(value) for key, value in plan_data().items()}

    responses = twice_at_once(client_for, salesperson, url, data)

    (plan,) = Plan.objects.all()
    assert responses[0].url == reverse("contracts:plan", kwargs={"pk": plan.pk})
    said = sorted(message for response in responses for message in messages_of(response))
    assert said == ["Plan drafted. Submit it for internal review.", SENT_TWICE]


def test_a_delegation_posted_twice_at_once_is_recorded_once(client_for, manager, other_manager):
    data = {
        "delegate": other_manager.pk,
        "valid_from": "2026-03-11",
        "valid_until": "2026-03-20",
        "reason": "Holiday",
    }

    twice_at_once(client_for, manager, reverse("contracts:delegations"), data)

    assert Delegation.objects.count() == 1
