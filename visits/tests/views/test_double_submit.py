"""The visits' create forms are sent once: the same form posted twice at once (a double
click, a resent request) makes one contact record or one slip, and both posts land on it.

Each post runs in its own thread with its own client and database connection, as two
requests to two web workers would.
"""

import re
import uuid

import pytest
from django.urls import reverse

from salescrm.idempotency import FIELD
from salescrm.testing.http import html, messages_of
from salescrm.testing.threads import run_together
from visits.models import Channel, ContactRecord, VisitSlip

pytestmark = pytest.mark.django_db(transaction=True)


def twice_at_once(client_for, user, url, data):
    data = {**data, FIELD: str(uuid.uuid4())}
    first, second = client_for(user), client_for(user)
    return run_together(lambda: first.post(url, data), lambda: second.post(url, data))


def landed_alike(responses) -> str:
    for response in responses:
        assert not isinstance(response, Exception), responses
        assert response.status_code == 302, html(response)
    assert len({response.url for response in responses}) == 1
    return responses[0].url


def test_a_contact_record_posted_twice_at_once_is_recorded_once(client_for, salesperson, customer):
    url = reverse("visits:contact_record_add", kwargs={"customer_pk": customer.pk})

    responses = twice_at_once(
        client_for, salesperson, url, {"channel": Channel.PHONE, "summary": "Called the CMO"}
    )

    landed_alike(responses)
    assert ContactRecord.objects.count() == 1
    said = sorted(message for response in responses for message in messages_of(response))
    assert said == ["Contact recorded.", "This form was sent twice; it was saved once."]


def test_a_slip_posted_twice_at_once_is_drafted_once(client_for, salesperson, customer):
    url = reverse("visits:create", kwargs={"customer_pk": customer.pk})
    slip = {
        "plan": "Present the metro screens; agree a trial",
        "planned_departure": "2026-03-12T09:00",
        "expected_return": "2026-03-12T12:00",
    }

    shown = landed_alike(twice_at_once(client_for, salesperson, url, slip))

    (drafted,) = VisitSlip.objects.all()
    assert shown == reverse("visits:detail", kwargs={"pk": drafted.pk})


def test_the_slip_form_carries_a_fresh_token_each_time(client_for, salesperson, customer):
    url = reverse("visits:create", kwargs={"customer_pk": customer.pk})
    client = client_for(salesperson)

    tokens = {
        re.search(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"', html(client.get(url))).group(1)
        for _ in range(2)
    }

    assert len(tokens) == 2
