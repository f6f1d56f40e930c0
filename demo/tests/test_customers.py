"""The demo customers for `make run`: every state a demo needs, made through the services.

The seeding takes a few seconds, so it runs once for the module, at a fixed moment,
inside a transaction rolled back at the end; each test is a savepoint within it.
"""

import io
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from customers import identity
from customers.models import (
    Assignment,
    CheckState,
    ClassChange,
    ContactPerson,
    Customer,
    CustomerNote,
    IdentityKey,
    OwnershipClaim,
    PipelineClass,
    SourceChannel,
)
from demo.customers import seed_customers
from demo.people import seed_people
from demo.pool import seed_pool
from salescrm.models import Notification, User
from salescrm.roles import Role

# A Wednesday afternoon; the six weeks before it include the Dragon Boat Festival.
NOW = datetime(2025, 6, 18, 15, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
MODELS = (
    Customer, IdentityKey, ContactPerson, ClassChange, Assignment, OwnershipClaim, CustomerNote,
    Notification, Customer.history.model, ContactPerson.history.model, User,
)  # fmt: skip


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        seed_people(password="demo")
        counts = seed_customers(now=NOW)
        yield SimpleNamespace(counts=counts)
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def salespeople():
    return User.objects.filter(role=Role.SALESPERSON).order_by("username")


def test_seeding_makes_a_few_hundred_customers_without_refusals(demo):
    assert 270 <= Customer.objects.count() <= 320
    assert demo.counts["customers created"] == Customer.objects.count()
    assert "demo steps skipped" not in demo.counts


def test_every_salesperson_has_every_class_but_signed_mostly_early_ones(demo):
    expected = set(PipelineClass.values) - {PipelineClass.SIGNED}
    for person in salespeople():
        classes = list(person.customers.values_list("pipeline_class", flat=True))
        assert set(classes) == expected, person
        early = sum(c in ("unclassified", "tracking", "potential") for c in classes)
        assert early > len(classes) * 0.6
    changes = ClassChange.objects.all()
    assert changes.exists()
    assert all(change.reason.strip() for change in changes)


def test_customers_come_from_every_source_channel_in_both_languages(demo):
    sources = set(Customer.objects.values_list("source", flat=True))
    assert sources == set(SourceChannel.values)
    names = list(Customer.objects.values_list("name", flat=True))
    chinese = [n for n in names if not n.isascii()]
    assert len(chinese) > len(names) / 2
    assert len(names) - len(chinese) > 30
    assert any(n.endswith("有限公司") for n in chinese)
    assert any(n.endswith("Co., Ltd.") for n in names)


def test_english_named_customers_read_english_and_the_others_chinese(demo):
    languages = dict(Customer.objects.values_list("name", "language"))
    english = {name for name, language in languages.items() if language == "en"}

    assert len(english) > 30  # some English-speaking customers remain
    assert all(name.isascii() for name in english)
    assert all(languages[name] == "zh-hans" for name in languages if not name.isascii())


def test_files_are_complete_incomplete_and_overdue(demo):
    files = Customer.objects.all()
    complete = files.filter(completed_at__isnull=False)
    not_due = files.filter(completed_at__isnull=True, completion_due_at__gte=NOW)
    overdue = files.filter(completed_at__isnull=True, completion_due_at__lt=NOW)
    assert complete.count() > files.count() / 2
    assert not_due.exists()
    assert 10 <= overdue.count() <= files.count() / 5
    for customer in complete.prefetch_related("contact_people"):
        assert customer.industry
        assert customer.city
        assert customer.needs
        assert any(c.phone or c.email for c in customer.contact_people.all())


def test_the_pool_has_event_leads_some_assigned_by_the_managers(demo):
    event_leads = Customer.objects.filter(source=SourceChannel.MARKETING_EVENT)
    assert 35 <= event_leads.count() <= 45
    assert set(event_leads.values_list("entered_by__role", flat=True)) == {Role.MANAGER}
    pool = Customer.objects.filter(owner__isnull=True)
    assert 10 <= pool.count() <= 30
    assert set(pool.values_list("source", flat=True)) == {SourceChannel.MARKETING_EVENT}
    assigned = Assignment.objects.filter(reason=Assignment.Reason.MANAGER)
    assert assigned.count() >= 10
    assert assigned.values("assignee").distinct().count() >= 2


def test_weekly_checks_last_week_checked_or_returned_this_week_waiting(demo):
    monday = timezone.localdate(NOW) - timedelta(days=NOW.weekday())
    this_week = datetime.combine(monday, datetime.min.time(), tzinfo=NOW.tzinfo)
    last_week = Customer.objects.filter(
        owner__isnull=False,
        entered_at__gte=this_week - timedelta(days=7),
        entered_at__lt=this_week,
    )
    checked = last_week.filter(check_state=CheckState.CHECKED)
    assert checked.count() > last_week.count() * 0.8
    assert all(c.check_comment for c in checked)
    returned = Customer.objects.filter(check_state=CheckState.RETURNED)
    assert 2 <= returned.count() <= 6
    assert all(c.check_comment for c in returned)
    assert Notification.objects.filter(kind="file_resubmitted").exists()
    this_weeks = Customer.objects.filter(entered_at__gte=this_week)
    assert this_weeks.exists()
    assert set(this_weeks.values_list("check_state", flat=True)) == {CheckState.PENDING}


def test_claims_waiting_and_decided_each_way(demo):
    claims = OwnershipClaim.objects.all()
    assert 2 <= claims.filter(state=OwnershipClaim.State.PENDING).count() <= 3
    assert claims.filter(state=OwnershipClaim.State.KEPT).count() == 1
    transferred = claims.get(state=OwnershipClaim.State.TRANSFERRED)
    assert transferred.customer.owner == transferred.claimant
    assert Notification.objects.filter(kind="claim_filed").exists()


def test_escalations_have_a_thread_and_everyone_has_unread_guidance(demo):
    escalated = Customer.objects.filter(escalated_at__isnull=False)
    assert 3 <= escalated.count() <= 5
    for customer in escalated:
        kinds = list(customer.thread.values_list("kind", flat=True))
        assert kinds[:2] == [CustomerNote.Kind.ESCALATION, CustomerNote.Kind.GUIDANCE]
    assert CustomerNote.objects.filter(kind=CustomerNote.Kind.COMMENT).exists()
    for person in salespeople():
        assert Notification.objects.filter(
            recipient=person, kind="guidance", read_at__isnull=True
        ).exists(), person


def test_some_first_contacts_fall_due_within_days(demo):
    soon = Customer.objects.filter(
        first_contact_due_at__gt=NOW, first_contact_due_at__lt=NOW + timedelta(days=3)
    )
    assert soon.count() >= 5


def test_every_customer_holds_exactly_its_identity_keys(demo):
    for customer in Customer.objects.prefetch_related("contact_people", "keys"):
        contact_people = list(customer.contact_people.all())
        expected = identity.identity_keys(
            name=customer.name,
            credit_code=customer.credit_code,
            phones=[customer.phone, *(c.phone for c in contact_people)],
            emails=[c.email for c in contact_people],
            website=customer.website,
        )
        assert {(k.kind, k.value) for k in customer.keys.all()} == expected, customer
        assert ("name", identity.normalize_company_name(customer.name)) in expected


def test_about_a_third_have_a_valid_credit_code(demo):
    codes = list(Customer.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    assert 0.2 <= len(codes) / Customer.objects.count() <= 0.4
    assert all(identity.is_valid_credit_code(code) for code in codes)


def test_nothing_happens_after_now_or_before_it_was_collected(demo):
    today = timezone.localdate(NOW)
    for customer in Customer.objects.all():
        assert customer.collected_on <= timezone.localdate(customer.entered_at) <= today
        assert customer.entered_at <= NOW
        assert customer.completed_at is None or customer.entered_at <= customer.completed_at <= NOW
        assert customer.checked_at is None or customer.entered_at <= customer.checked_at <= NOW
    first = NOW - timedelta(days=45)
    assert Customer.objects.filter(entered_at__lt=first).count() == 0
    assert Customer.objects.filter(entered_at__lt=NOW - timedelta(days=28)).exists()
    for change in ClassChange.objects.select_related("customer"):
        assert change.customer.entered_at < change.changed_at <= NOW
    assert not Assignment.objects.filter(assigned_at__gt=NOW).exists()
    assert not CustomerNote.objects.filter(created_at__gt=NOW).exists()
    assert not OwnershipClaim.objects.filter(created_at__gt=NOW).exists()


def test_history_names_who_made_each_change(demo):
    assert not Customer.history.filter(history_user__isnull=True).exists()


def test_seeding_again_changes_nothing(demo):
    seed_pool(now=NOW)  # a later step of seed_demo that makes customers of its own
    before = [model.objects.count() for model in MODELS]

    assert seed_customers(now=NOW) == {"customers created": 0}
    out = io.StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)

    assert [model.objects.count() for model in MODELS] == before
    assert out.getvalue() == ""
