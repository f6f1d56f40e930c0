"""The demo price list, plans and agreements for `make run`: every state, through the services.

People, customers, visits and contracts are seeded once for the module, at a fixed
moment, inside a transaction rolled back at the end; each test is a savepoint within it.
The seeding time is printed (run with -s to see it), never asserted.
"""

import io
import time
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from contracts import services
from contracts.models import (
    Agreement,
    AgreementState,
    ChangeRequest,
    Decision,
    Delegation,
    Plan,
    PlanState,
    PlanVersion,
    Product,
    Signature,
    Step,
)
from customers.models import ClassChange, Customer, PipelineClass
from demo.contracts import seed_contracts
from demo.customers import seed_customers
from demo.people import seed_people
from demo.pool import seed_pool
from demo.receivables import seed_receivables
from demo.visits import seed_visits
from receivables.models import CollectionPlan, Receipt
from salescrm import selectors
from salescrm.models import Notification, User
from salescrm.roles import Role

# A Wednesday afternoon, as in the customers' and visits' demo tests.
NOW = datetime(2025, 6, 18, 15, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
TODAY = NOW.date()
MODELS = (
    Product, Plan, PlanVersion, Agreement, Signature, Delegation, ChangeRequest, ClassChange,
    Customer, Notification, Plan.history.model, Agreement.history.model, CollectionPlan, Receipt,
)  # fmt: skip
Outcome = PlanVersion.Outcome


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        # The wall clock (history rows, notifications) reads the seeded moment too.
        with time_machine.travel(NOW):
            seed_people(password="demo")
            seed_customers(now=NOW)
            seed_visits(now=NOW)
            started = time.perf_counter()
            counts = seed_contracts(now=NOW)
            done = time.perf_counter()
            counts |= seed_receivables(now=NOW)  # the steps after, so seed_demo adds nothing
            counts |= seed_pool(now=NOW)
        print(f"\nseeding contracts: {done - started:.1f} s")
        for name, count in counts.items():
            print(f"  {name}: {count}")
        for model, states in ((Plan, PlanState), (Agreement, AgreementState)):
            print(f"  {model.__name__}: ", end="")
            print(", ".join(f"{s} {model.objects.filter(state=s).count()}" for s in states.values))
        yield SimpleNamespace(counts=counts)
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def signed_agreements():
    return Agreement.objects.filter(state=AgreementState.SIGNED).select_related("customer")


def test_seeding_runs_every_step_without_refusals(demo):
    assert "demo contract steps skipped" not in demo.counts
    assert demo.counts["plans created"] == Plan.objects.count() >= 20
    assert demo.counts["agreements created"] == Agreement.objects.count() >= 12
    assert demo.counts["price list products created"] == Product.objects.count()


def test_a_price_list_of_every_medium_with_one_product_taken_off(demo):
    products = Product.objects.all()
    assert 12 <= products.count() <= 16
    assert products.filter(active=False).count() == 1
    assert {"tv", "radio", "print", "outdoor", "online"} <= set(
        products.values_list("medium", flat=True)
    )
    assert all(p.list_price > 0 and p.code and p.name for p in products)
    assert products.filter(name__contains="中央电视台").exists()
    off_the_list = products.get(active=False)
    assert not Agreement.objects.filter(lines__product=off_the_list).exists()


def test_every_plan_state_and_every_agreement_state(demo):
    assert set(Plan.objects.values_list("state", flat=True)) == set(PlanState.values)
    assert set(Agreement.objects.values_list("state", flat=True)) == set(AgreementState.values)
    for team_manager in User.objects.filter(role=Role.MANAGER):
        team = Plan.objects.filter(salesperson__team=team_manager.team)
        assert team.count() >= 8, team_manager


def test_plans_belong_to_their_owners_and_keep_every_version(demo):
    for plan in Plan.objects.select_related("customer", "salesperson"):
        assert plan.customer.owner == plan.salesperson
        assert plan.salesperson.role == Role.SALESPERSON
        numbers = list(plan.versions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, plan.version + 1)), plan
    rejected = Plan.objects.filter(state=PlanState.DRAFT, versions__outcome=Outcome.REJECTED)
    assert rejected.exclude(return_reason="").exists()
    declined = Plan.objects.filter(state=PlanState.DRAFT, versions__outcome=Outcome.DECLINED)
    assert declined.exclude(return_reason="").exists()
    assert Plan.objects.filter(state=PlanState.DRAFT, version=0).exists()  # never submitted


def test_plans_revised_after_a_rejection_or_a_decline(demo):
    def outcomes(plan):
        return list(plan.versions.order_by("number").values_list("outcome", flat=True))

    accepted = Plan.objects.filter(state=PlanState.ACCEPTED)
    histories = [outcomes(plan) for plan in accepted]
    assert [Outcome.REJECTED, Outcome.ACCEPTED] in histories
    assert [Outcome.DECLINED, Outcome.ACCEPTED] in histories
    in_review_again = Plan.objects.filter(state=PlanState.IN_REVIEW, version__gte=2)
    assert [outcomes(p) for p in in_review_again] == [[Outcome.REJECTED, Outcome.PENDING]]
    revised = PlanVersion.objects.filter(plan__state=PlanState.ACCEPTED, number=2)
    for version in revised:
        first = version.plan.versions.get(number=1)
        assert first.content != version.content
    # The customer asked for more: the revision that was accepted is a bigger plan.
    declined = PlanVersion.objects.get(plan__state=PlanState.ACCEPTED, outcome=Outcome.DECLINED)
    accepted_version = declined.plan.versions.get(outcome=Outcome.ACCEPTED)
    assert accepted_version.content["budget"] != declined.content["budget"]


def test_major_agreements_say_why(demo):
    major = Agreement.objects.exclude(major_reasons=[])
    assert major.count() >= 4
    kinds = {reason["kind"] for agreement in major for reason in agreement.major_reasons}
    assert kinds == {"line", "total"}
    threshold = selectors.policy().major_agreement_threshold
    for agreement in major:
        for reason in agreement.major_reasons:
            if reason["kind"] == "total":
                assert agreement.total > threshold
            else:
                authority = agreement.salesperson.discount_authority
                assert agreement.lines.get(position=reason["position"]).discount_percent > (
                    authority
                )
    for agreement in Agreement.objects.filter(major_reasons=[]).exclude(revision=0):
        assert agreement.total <= threshold
        for line in agreement.lines.all():
            assert line.discount_percent <= agreement.salesperson.discount_authority
    assert major.filter(state=AgreementState.SIGNED).exists()
    assert major.filter(state=AgreementState.DIRECTOR_REVIEW).exists()
    assert major.filter(state=AgreementState.MANAGER_REVIEW).exists()


def test_released_agreements_carry_every_signature(demo):
    released = Agreement.objects.filter(
        state__in=[AgreementState.APPROVED, AgreementState.SENT, AgreementState.SIGNED]
    )
    assert released.count() >= 8
    for agreement in released:
        assert services.agreement_is_valid(agreement), agreement
        steps = set(
            agreement.signatures.filter(
                revision=agreement.revision, decision=Decision.APPROVED
            ).values_list("step", flat=True)
        )
        expected = {Step.MANAGER, Step.DIRECTOR} if agreement.is_major else {Step.MANAGER}
        assert steps == expected, agreement
    for plan in Plan.objects.filter(state__in=[PlanState.SUBMITTED, PlanState.ACCEPTED]):
        assert services.plan_is_valid(plan)


def test_a_draft_returned_with_the_reason_and_one_the_director_turned_down(demo):
    returned = Agreement.objects.filter(state=AgreementState.DRAFT).exclude(return_reason="")
    agreement = returned.get()
    rejection = agreement.signatures.get(decision=Decision.REJECTED)
    assert rejection.step == Step.MANAGER
    assert rejection.comment == agreement.return_reason
    # Turned down by the director, put within authority, approved by the manager alone.
    director_said_no = Agreement.objects.filter(
        signatures__step=Step.DIRECTOR, signatures__decision=Decision.REJECTED
    ).get()
    assert director_said_no.state == AgreementState.SIGNED
    assert director_said_no.revision == 2
    assert not director_said_no.is_major
    assert director_said_no.signatures.filter(revision=1).count() == 2


def test_signed_agreements_made_their_customers_signed(demo):
    signed = signed_agreements()
    assert signed.count() >= 4
    for agreement in signed:
        customer = agreement.customer
        assert customer.pipeline_class == PipelineClass.SIGNED
        last = ClassChange.objects.filter(customer=customer).latest("changed_at", "pk")
        assert last.to_class == PipelineClass.SIGNED
        assert last.changed_at == agreement.signed_recorded_at
        assert agreement.number in last.reason
        assert agreement.sent_at < agreement.signed_recorded_at <= NOW
        assert timezone.localdate(agreement.sent_at) <= agreement.signed_on <= TODAY
    assert Customer.objects.filter(pipeline_class=PipelineClass.SIGNED).count() == signed.count()


def test_a_letter_of_intent_moves_its_customer(demo):
    agreement = Agreement.objects.get(loi_signed_on__isnull=False)
    assert agreement.state == AgreementState.SENT
    customer = agreement.customer
    assert customer.pipeline_class == PipelineClass.LETTER_OF_INTENT
    last = ClassChange.objects.filter(customer=customer).latest("changed_at", "pk")
    assert last.to_class == PipelineClass.LETTER_OF_INTENT
    assert last.from_class != PipelineClass.LETTER_OF_INTENT


def test_signatures_under_a_delegation_running_now_and_one_over(demo):
    director = User.objects.get(role=Role.DIRECTOR)
    running = Delegation.objects.get(valid_from__lte=TODAY, valid_until__gte=TODAY)
    assert running.delegator == director
    assert running.delegate.role == Role.MANAGER
    over = Delegation.objects.get(valid_until__lt=TODAY)
    assert {over.delegator.role, over.delegate.role} == {Role.MANAGER}
    for delegation in (running, over):
        signatures = Signature.objects.filter(delegation=delegation)
        assert signatures.exists(), delegation
        for signature in signatures:
            assert signature.signer == delegation.delegate
            assert signature.on_behalf_of == delegation.delegator
            day = timezone.localdate(signature.signed_at)
            assert delegation.valid_from <= day <= delegation.valid_until
            assert delegation.created_at < signature.signed_at
    by_delegate = Signature.objects.get(delegation=running)
    assert by_delegate.step == Step.DIRECTOR
    assert by_delegate.agreement.salesperson.team != running.delegate.team
    assert Signature.objects.get(delegation=over).agreement.state == AgreementState.SIGNED


def test_change_requests_count_against_the_free_allowance(demo):
    changes = ChangeRequest.objects.select_related("agreement")
    assert changes.filter(free=True).exists()
    charged = changes.filter(free=False)
    assert charged.exists()
    for change in charged:
        assert change.fee == change.agreement.fee_per_change > 0
        assert change.number > change.agreement.free_changes
    for agreement in Agreement.objects.filter(change_requests__isnull=False).distinct():
        assert agreement.state == AgreementState.SIGNED
        numbers = list(agreement.change_requests.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert all(
            c.requested_at > agreement.signed_recorded_at for c in agreement.change_requests.all()
        )
    over = Agreement.objects.get(change_requests__free=False, change_requests__number=2)
    allowance = services.allowance(over)
    assert allowance["charged"] >= 2
    assert allowance["next_fee"] == over.fee_per_change
    assert Notification.objects.filter(kind="change_charged").count() >= 2


def test_a_cancelled_agreement_drafted_again(demo):
    cancelled = Agreement.objects.get(state=AgreementState.CANCELLED)
    assert cancelled.cancel_reason
    assert cancelled.sent_at is not None
    again = Agreement.objects.exclude(pk=cancelled.pk).get(plan=cancelled.plan)
    assert again.state == AgreementState.DRAFT
    assert again.created_at > cancelled.cancelled_at
    assert again.lines.exists()


def test_nothing_happens_after_now_or_out_of_order(demo):
    for plan in Plan.objects.select_related("customer"):
        assert plan.customer.entered_at < plan.created_at <= NOW
        moments = [
            plan.created_at,
            *plan.versions.order_by("number").values_list("created_at", flat=True),
        ]
        assert moments == sorted(moments)
        for signature in plan.signatures.all():
            assert plan.created_at < signature.signed_at <= NOW
    numbers = list(Agreement.objects.order_by("created_at", "pk").values_list("number", flat=True))
    assert numbers == sorted(numbers)  # numbered in the order they were drafted
    for agreement in Agreement.objects.select_related("plan"):
        moments = [
            agreement.plan.customer_decided_at,
            agreement.created_at,
            agreement.submitted_at,
            agreement.approved_at,
            agreement.sent_at,
            agreement.signed_recorded_at,
        ]
        moments = [m for m in moments if m is not None]
        assert moments == sorted(moments), agreement
        assert moments[-1] <= NOW
    assert not Signature.objects.filter(signed_at__gt=NOW).exists()


def test_inboxes_keep_unread_what_still_waits(demo):
    for manager in User.objects.filter(role=Role.MANAGER).select_related("team"):
        waiting = Agreement.objects.filter(
            salesperson__team=manager.team, state=AgreementState.MANAGER_REVIEW
        )
        asks = Notification.objects.filter(
            recipient=manager, kind="agreement_submitted", read_at__isnull=True
        )
        assert asks.count() == waiting.count()
    director = User.objects.get(role=Role.DIRECTOR)
    unread = Notification.objects.filter(
        recipient=director, kind="agreement_needs_director", read_at__isnull=True
    )
    assert unread.count() == Agreement.objects.filter(state=AgreementState.DIRECTOR_REVIEW).count()
    assert Notification.objects.filter(kind="agreement_signed", read_at__isnull=False).exists()


def test_history_names_who_made_each_change(demo):
    for model in (Product, Plan, PlanVersion, Agreement, ChangeRequest, Delegation):
        assert not model.history.filter(history_user__isnull=True).exists(), model


def test_seeding_again_changes_nothing(demo):
    before = [model.objects.count() for model in MODELS]

    assert seed_contracts(now=NOW) == {"plans created": 0}
    assert seed_contracts(now=NOW + timedelta(days=3)) == {"plans created": 0}
    out = io.StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)

    assert [model.objects.count() for model in MODELS] == before
    assert out.getvalue() == ""
