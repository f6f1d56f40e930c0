"""Two people at once: real transactions in threads (own connections) against PostgreSQL."""

import threading
from datetime import datetime

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import (
    Agreement,
    AgreementState,
    ChangeRequest,
    Plan,
    PlanState,
    PlanVersion,
    Signature,
    Step,
)
from contracts.services import agreements, change_requests, closing, delegations, plans, signing
from contracts.tests.factories import (
    approved_agreement,
    approved_plan,
    draft_agreement,
    line,
    make_plan,
    make_product,
    submitted_agreement,
)
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.testing.threads import run_together
from salescrm.testing.time import SHANGHAI
from salescrm.tests.factories import ManagerFactory

A = AgreementState
P = PlanState
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db(transaction=True)


def looked_up_in(name):
    """The modules of contracts.services whose code looks the helper `name` up.

    Each module imports what it calls by name, so a patch must replace `name` in every
    one of them (not in contracts.services, nor only where it is defined), or the services
    go on calling the real one and the test proves nothing.
    """
    modules = [
        module
        for module in (agreements, change_requests, closing, delegations, plans, signing)
        if name in vars(module)
    ]
    assert modules, name
    assert len({id(getattr(module, name)) for module in modules}) == 1, name
    return modules


def hold_until_all_arrive(monkeypatch, name, parties=2):
    """Hold each thread just before the services' `name` until all `parties` have got there.

    So none has read anything yet when they all ask at the same moment: only the lock
    (and the checks after it) can stop the later ones.
    """
    barrier = threading.Barrier(parties, timeout=10)
    modules = looked_up_in(name)
    real = getattr(modules[0], name)

    def wait_then_call(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():  # not while setting up
            barrier.wait()
        return real(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, name, wait_then_call)


@pytest.fixture
def both_at_the_agreement_lock(monkeypatch):
    hold_until_all_arrive(monkeypatch, "_lock_agreement")


@pytest.fixture
def both_at_the_plan_lock(monkeypatch):
    hold_until_all_arrive(monkeypatch, "_lock_plan")


@pytest.fixture
def deputy(manager):
    """A manager of another team signing for `manager` today."""
    person = ManagerFactory(username="deputy")
    today = timezone.localdate()
    services.delegation_create(
        delegator=manager, delegate=person, valid_from=today, valid_until=today, actor=manager
    )
    return person


def lines():
    return [line(make_product(list_price="1000.00"))]


def split(results, kind):
    done = [r for r in results if isinstance(r, kind)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(done) + len(errors) == len(results), results  # nothing else went wrong
    return done, errors


# --- numbering ----------------------------------------------------------------------------------


def test_agreements_drafted_at_once_get_distinct_consecutive_numbers(
    monkeypatch, salesperson, manager
):
    plans = []
    for _ in range(4):
        plan = approved_plan(salesperson, manager)
        plans.append(services.plan_send(plan=plan, actor=salesperson))
    # Every thread has locked its own plan and asks for a number at the same moment;
    # the year's counter row does not exist yet, so they also race to create it.
    hold_until_all_arrive(monkeypatch, "next_number", parties=4)

    results = run_together(
        *(
            lambda plan=plan: services.plan_accept(plan=plan, actor=salesperson, now=NOW)
            for plan in plans
        )
    )

    done, errors = split(results, Agreement)
    assert (len(done), errors) == (4, [])
    assert sorted(a.number for a in done) == [
        "AD2026-0001",
        "AD2026-0002",
        "AD2026-0003",
        "AD2026-0004",
    ]
    assert Agreement.objects.count() == 4
    later = approved_plan(salesperson, manager)
    services.plan_send(plan=later, actor=salesperson)
    assert services.plan_accept(plan=later, actor=salesperson, now=NOW).number == "AD2026-0005"


# --- two approvers ------------------------------------------------------------------------------


def test_the_manager_and_their_delegate_approving_at_once_sign_once(
    both_at_the_agreement_lock, salesperson, manager, deputy
):
    agreement = submitted_agreement(salesperson, manager, lines())

    results = run_together(
        lambda: services.agreement_decide(agreement=agreement, actor=manager, approve=True),
        lambda: services.agreement_decide(agreement=agreement, actor=deputy, approve=True),
    )

    done, errors = split(results, Agreement)
    assert (len(done), len(errors)) == (1, 1), results
    assert "not possible now" in str(errors[0])
    agreement.refresh_from_db()
    assert agreement.state == A.APPROVED
    signature = agreement.signatures.get()
    winner = manager if isinstance(results[0], Agreement) else deputy
    assert (signature.signer, signature.on_behalf_of) == (winner, manager)
    assert agreement.history.filter(state=A.APPROVED).count() == 1
    assert Notification.objects.filter(kind="agreement_approved").count() == 1


def test_the_one_signature_per_step_holds_even_without_the_row_lock(
    monkeypatch, salesperson, manager, deputy
):
    """The database's unique signature per step is the last guard against a double approval."""
    agreement = submitted_agreement(salesperson, manager, lines())
    barrier = threading.Barrier(2, timeout=10)

    def read_without_locking(document):
        barrier.wait()
        return Agreement.objects.select_related("salesperson__team", "customer").get(
            pk=document.pk
        )

    for module in looked_up_in("_lock_agreement"):
        monkeypatch.setattr(module, "_lock_agreement", read_without_locking)

    results = run_together(
        lambda: services.agreement_decide(agreement=agreement, actor=manager, approve=True),
        lambda: services.agreement_decide(agreement=agreement, actor=deputy, approve=True),
    )

    done, errors = split(results, Agreement)
    assert (len(done), len(errors)) == (1, 1), results
    assert "already decided" in str(errors[0])
    assert Signature.objects.filter(agreement=agreement, step=Step.MANAGER).count() == 1
    agreement.refresh_from_db()
    assert agreement.state == A.APPROVED


def test_an_approval_and_a_rejection_at_once_leave_one_decision(
    both_at_the_agreement_lock, salesperson, manager, deputy
):
    agreement = submitted_agreement(salesperson, manager, lines())

    approve, reject = run_together(
        lambda: services.agreement_decide(agreement=agreement, actor=manager, approve=True),
        lambda: services.agreement_decide(
            agreement=agreement, actor=deputy, approve=False, comment="Too cheap."
        ),
    )

    done, errors = split([approve, reject], Agreement)
    assert (len(done), len(errors)) == (1, 1), (approve, reject)
    agreement.refresh_from_db()
    signature = agreement.signatures.get()
    if isinstance(approve, Agreement):
        assert (agreement.state, signature.decision) == (A.APPROVED, "approved")
        assert agreement.return_reason == ""
    else:
        assert (agreement.state, signature.decision) == (A.DRAFT, "rejected")
        assert agreement.return_reason == "Too cheap."


def test_an_approval_and_a_withdrawal_at_once_end_in_one_consistent_state(
    both_at_the_agreement_lock, salesperson, manager
):
    agreement = submitted_agreement(salesperson, manager, lines())

    approve, withdraw = run_together(
        lambda: services.agreement_decide(agreement=agreement, actor=manager, approve=True),
        lambda: services.agreement_withdraw(agreement=agreement, actor=salesperson),
    )

    # Whichever locks the row first wins; the other finds the agreement moved on.
    done, errors = split([approve, withdraw], Agreement)
    assert (len(done), len(errors)) == (1, 1), (approve, withdraw)
    assert "not possible now" in str(errors[0])
    agreement.refresh_from_db()
    states = list(agreement.history.order_by("history_id").values_list("state", flat=True))
    if isinstance(approve, Agreement):
        assert (agreement.state, agreement.signatures.count()) == (A.APPROVED, 1)
        assert agreement.approved_at is not None
        assert states[-2:] == [A.MANAGER_REVIEW, A.APPROVED]
    else:
        assert (agreement.state, agreement.signatures.count()) == (A.DRAFT, 0)
        assert agreement.approved_at is None
        assert states[-2:] == [A.MANAGER_REVIEW, A.DRAFT]
    assert agreement.revision == 1


def test_a_director_approval_and_a_withdrawal_at_once_end_in_one_consistent_state(
    both_at_the_agreement_lock, salesperson, manager, director
):
    product = make_product(list_price="1000.00")
    agreement = submitted_agreement(salesperson, manager, [line(product, agreed_price="500.00")])
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    approve, withdraw = run_together(
        lambda: services.agreement_decide(agreement=agreement, actor=director, approve=True),
        lambda: services.agreement_withdraw(agreement=agreement, actor=salesperson),
    )

    done, errors = split([approve, withdraw], Agreement)
    assert (len(done), len(errors)) == (1, 1), (approve, withdraw)
    agreement.refresh_from_db()
    if isinstance(approve, Agreement):
        assert agreement.state == A.APPROVED
        assert services.agreement_is_valid(agreement)
    else:
        assert agreement.state == A.DRAFT
        assert not agreement.signatures.filter(step=Step.DIRECTOR).exists()


# --- double clicks ------------------------------------------------------------------------------


def test_two_submissions_at_once_make_one_submission_and_one_revision(
    both_at_the_agreement_lock, salesperson, manager
):
    agreement = draft_agreement(salesperson, manager, lines())

    results = run_together(
        lambda: services.agreement_submit(agreement=agreement, actor=salesperson),
        lambda: services.agreement_submit(agreement=agreement, actor=salesperson),
    )

    done, errors = split(results, Agreement)
    assert (len(done), len(errors)) == (1, 1), results
    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision) == (A.MANAGER_REVIEW, 1)
    assert agreement.history.filter(state=A.MANAGER_REVIEW).count() == 1
    assert Notification.objects.filter(kind="agreement_submitted", recipient=manager).count() == 1


def test_two_plan_submissions_at_once_freeze_one_version(
    both_at_the_plan_lock, salesperson, manager
):
    plan = make_plan(salesperson)

    results = run_together(
        lambda: services.plan_submit(plan=plan, actor=salesperson),
        lambda: services.plan_submit(plan=plan, actor=salesperson),
    )

    done, errors = split(results, Plan)
    assert (len(done), len(errors)) == (1, 1), results
    plan.refresh_from_db()
    assert (plan.state, plan.version) == (P.IN_REVIEW, 1)
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_two_reviews_of_one_plan_at_once_sign_once(
    both_at_the_plan_lock, salesperson, manager, deputy
):
    plan = services.plan_submit(plan=make_plan(salesperson), actor=salesperson)

    results = run_together(
        lambda: services.plan_review(plan=plan, actor=manager, approve=True),
        lambda: services.plan_review(plan=plan, actor=deputy, approve=True),
    )

    done, errors = split(results, Plan)
    assert (len(done), len(errors)) == (1, 1), results
    plan.refresh_from_db()
    assert plan.state == P.APPROVED
    assert plan.signatures.count() == 1
    assert plan.versions.get().outcome == PlanVersion.Outcome.APPROVED


def test_two_change_requests_at_once_get_numbers_one_and_two(
    both_at_the_agreement_lock, salesperson, manager, director
):
    agreement = approved_agreement(salesperson, manager, lines(), free_changes=1)
    services.agreement_send(agreement=agreement, actor=salesperson)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=timezone.localdate())

    results = run_together(
        lambda: services.change_request_add(
            agreement=agreement, actor=salesperson, kind="artwork", description="New logo"
        ),
        lambda: services.change_request_add(
            agreement=agreement, actor=manager, kind="revision", description="New copy"
        ),
    )

    done, errors = split(results, ChangeRequest)
    assert (len(done), errors) == (2, [])
    changes = list(ChangeRequest.objects.filter(agreement=agreement).order_by("number"))
    assert [(c.number, c.free) for c in changes] == [(1, True), (2, False)]
    assert changes[1].fee == agreement.fee_per_change
    assert services.allowance(agreement)["charged"] == 1
