"""Free text is bounded by the form and by the database (salescrm.fields.BoundedTextField)."""

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from customers.models import Customer, CustomerNote
from customers.tests.factories import make_customer
from salescrm.fields import TEXT_MAX, BoundedTextField
from salescrm.testing.http import html

BUSINESS_APPS = ("customers", "visits", "contracts", "receivables", "reports")
# Written by the system, not typed by a person: a job's traceback.
SYSTEM_TEXT = {("salescrm", "jobrun", "error")}


def test_every_free_text_field_people_type_into_is_bounded():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in (*BUSINESS_APPS, "salescrm")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and not isinstance(field, BoundedTextField)
        and (model._meta.app_label, model._meta.model_name, field.name) not in SYSTEM_TEXT
        and not model._meta.model_name.startswith("historical")
    ]
    assert unbounded == []


def test_a_long_comment_is_refused_with_a_message_and_nothing_is_stored(
    client_for, salesperson, manager
):
    customer = make_customer(salesperson, name="Long Story Ltd")
    url = reverse("customers:note_add", kwargs={"pk": customer.pk})
    client = client_for(salesperson)

    response = client.post(
        url, {"kind": CustomerNote.Kind.COMMENT, "body": "长" * (TEXT_MAX + 1)}, follow=True
    )
    assert f"at most {TEXT_MAX} characters" in html(response)
    # A 2 MB comment does not even reach the form: the request is too big (400).
    huge = client.post(url, {"kind": CustomerNote.Kind.COMMENT, "body": "长" * 2_000_000})
    assert huge.status_code == 400
    assert not CustomerNote.objects.filter(customer=customer).exists()


def test_the_database_refuses_text_beyond_the_bound(salesperson):
    customer = make_customer(salesperson, name="Bypass Co")

    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(notes="x" * (TEXT_MAX + 1))

    Customer.objects.filter(pk=customer.pk).update(notes="x" * TEXT_MAX)  # at the bound: kept
    customer.refresh_from_db()
    assert len(customer.notes) == TEXT_MAX


def test_the_form_tells_the_browser_the_bound(client_for, salesperson):
    customer = make_customer(salesperson, name="Form Co")
    page = html(client_for(salesperson).get(reverse("customers:edit", kwargs={"pk": customer.pk})))
    assert f'maxlength="{TEXT_MAX}"' in page
