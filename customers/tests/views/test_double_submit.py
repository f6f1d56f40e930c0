"""Every create form of the customer file is sent once: the same form posted twice at once
(a double click, a resent request) makes one record, and both posts land where it is shown.

Each post runs in its own thread, with its own client and database connection
(salescrm.testing.threads), as two requests to two web workers would.
"""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from customers.models import (
    ContactPerson,
    Customer,
    CustomerImport,
    CustomerNote,
    OwnershipClaim,
    SourceChannel,
)
from customers.tests.factories import make_customer
from customers.tests.imports.helpers import csv_bytes
from customers.views import claim_token
from salescrm.idempotency import FIELD
from salescrm.models import FormSubmission
from salescrm.testing.http import html, messages_of
from salescrm.testing.threads import run_together

SENT_TWICE = "This form was sent twice; it was saved once."


@pytest.fixture
def customer(salesperson, manager):
    return make_customer(salesperson, name="Double Click Trading")


def twice_at_once(client_for, user, url, data):
    """The same form (one token) posted by two requests at once; returns both responses."""
    data = {**data, FIELD: str(uuid.uuid4())}
    first, second = client_for(user), client_for(user)

    def post(client):
        # A file is read by the first post that sends it: each post gets its own copy.
        sent = {
            key: SimpleUploadedFile(value.name, value.file.getvalue())
            if isinstance(value, SimpleUploadedFile)
            else value
            for key, value in data.items()
        }
        return client.post(url, sent)

    return run_together(lambda: post(first), lambda: post(second))


def redirects_alike(responses):
    for response in responses:
        assert not isinstance(response, Exception), responses
        assert response.status_code == 302, html(response)
    assert len({response.url for response in responses}) == 1, [r.url for r in responses]
    return responses[0].url


def token_of(page: str) -> str:
    match = re.search(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"', page)
    assert match, page
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_a_contact_person_posted_twice_at_once_is_added_once(client_for, salesperson, customer):
    url = reverse("customers:contact_person_add", kwargs={"pk": customer.pk})
    data = {
        "name": "张伟",
        "title": "市场总监",
        "phone": "13800138000",
        "email": "",
        "decision_power": "yes",
    }

    responses = twice_at_once(client_for, salesperson, url, data)

    assert redirects_alike(responses) == reverse("customers:detail", kwargs={"pk": customer.pk})
    assert ContactPerson.objects.filter(customer=customer).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["escalation", "comment"])
def test_a_note_posted_twice_at_once_is_added_once(client_for, salesperson, customer, kind):
    url = reverse("customers:note_add", kwargs={"pk": customer.pk})

    responses = twice_at_once(client_for, salesperson, url, {"kind": kind, "body": "Help please"})

    redirects_alike(responses)
    assert CustomerNote.objects.filter(customer=customer, kind=kind).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_quick_capture_posted_twice_at_once_is_recorded_once_and_both_show_it(
    client_for, salesperson
):
    data = {
        "name": "上海远航贸易有限公司",
        "source": SourceChannel.TRADE_SHOW,
        "source_detail": "Expo",
        "collected_on": timezone.localdate().isoformat(),
        "phone": "",
    }

    responses = twice_at_once(client_for, salesperson, reverse("customers:create"), data)

    # Not "already on file" for the second: the same form was sent twice.
    (customer,) = Customer.objects.all()
    assert redirects_alike(responses) == reverse("customers:detail", kwargs={"pk": customer.pk})


@pytest.mark.django_db(transaction=True)
def test_a_claim_posted_twice_at_once_is_filed_once(client_for, salesperson, teammate, manager):
    claimed = make_customer(teammate, name="Claimed Trading")
    url = reverse("customers:claim", kwargs={"token": claim_token(claimed, salesperson)})

    responses = twice_at_once(client_for, salesperson, url, {"reason": "Met them in May"})

    assert redirects_alike(responses) == reverse("customers:my_claims")
    assert OwnershipClaim.objects.filter(customer=claimed).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_lead_list_uploaded_twice_at_once_is_kept_once(client_for, salesperson):
    content = csv_bytes([["Company name", "Source channel"], ["Acme Trading", "展会"]])
    upload = SimpleUploadedFile("leads.csv", content)

    responses = twice_at_once(
        client_for, salesperson, reverse("customers:import"), {"file": upload}
    )

    (customer_import,) = CustomerImport.objects.all()
    assert redirects_alike(responses) == reverse(
        "customers:import_preview", kwargs={"pk": customer_import.pk}
    )


def test_each_create_form_carries_a_fresh_token(client_for, salesperson, customer):
    client = client_for(salesperson)
    pages = [
        reverse("customers:create"),
        reverse("customers:contact_person_add", kwargs={"pk": customer.pk}),
        reverse("customers:detail", kwargs={"pk": customer.pk}),  # the thread's note form
        reverse("customers:import"),
    ]
    for page in pages:
        first, again = token_of(html(client.get(page))), token_of(html(client.get(page)))
        assert first != again, page


def test_the_same_form_sent_again_later_shows_what_the_first_made(
    client_for, salesperson, customer
):
    client = client_for(salesperson)
    url = reverse("customers:note_add", kwargs={"pk": customer.pk})
    data = {"kind": "comment", "body": "Called them", FIELD: str(uuid.uuid4())}

    client.post(url, data)
    again = client.post(url, data, follow=True)

    assert CustomerNote.objects.filter(customer=customer).count() == 1
    assert SENT_TWICE in messages_of(again)


def test_a_refused_create_leaves_its_token_for_the_corrected_form(
    client_for, salesperson, teammate, customer
):
    url = reverse("customers:create")
    data = {
        "name": customer.name,  # already on file: refused
        "source": SourceChannel.TRADE_SHOW,
        "source_detail": "",
        "collected_on": timezone.localdate().isoformat(),
        "phone": "",
        FIELD: str(uuid.uuid4()),
    }
    client = client_for(salesperson)

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()
    corrected = client.post(url, {**data, "name": "Another Trading Co"})

    assert corrected.status_code == 302
    assert Customer.objects.filter(name="Another Trading Co").count() == 1


def test_a_post_without_a_token_is_still_created(client_for, salesperson, customer):
    url = reverse("customers:note_add", kwargs={"pk": customer.pk})

    client_for(salesperson).post(url, {"kind": "comment", "body": "Called them"})

    assert CustomerNote.objects.filter(customer=customer).count() == 1
