"""Signing under a delegation, and recording and revoking delegations."""

from datetime import date, timedelta

import pytest

from contracts import services
from contracts.models import Delegation, Step
from contracts.tests.factories import draft_agreement, lines_for, submitted_agreement
from contracts.tests.services.helpers import NOW, TODAY, A, P, delegate, recipients_of
from salescrm.errors import DomainError
from salescrm.testing.time import at
from salescrm.tests.factories import ManagerFactory, UserFactory

# --- delegation -------------------------------------------------------------------------------

FIRST_DAY = date(2026, 3, 10)
LAST_DAY = date(2026, 3, 12)


@pytest.fixture
def dated_deputy(manager):
    """A deputy for `manager` from FIRST_DAY to LAST_DAY (recorded now, before it starts)."""
    person = ManagerFactory(username="dated_deputy")
    delegate(manager, person, valid_from=FIRST_DAY, valid_until=LAST_DAY)
    return person


@pytest.mark.parametrize(
    ("moment", "may_sign"),
    [
        pytest.param(at(2026, 3, 9, 23, 59), False, id="the evening before"),
        pytest.param(at(2026, 3, 10, 0, 0), True, id="first day, midnight"),
        pytest.param(at(2026, 3, 10, 7, 30), True, id="first day, still the 9th in UTC"),
        pytest.param(at(2026, 3, 12, 23, 59), True, id="last day, late evening"),
        pytest.param(at(2026, 3, 13, 0, 30), False, id="day after, still the 12th in UTC"),
        pytest.param(at(2026, 3, 13, 12, 0), False, id="the day after"),
    ],
)
def test_a_delegate_signs_only_between_the_first_and_the_last_day(
    agreement_in, manager, dated_deputy, moment, may_sign
):
    agreement = agreement_in(A.MANAGER_REVIEW)

    if may_sign:
        services.agreement_decide(agreement=agreement, actor=dated_deputy, approve=True, now=moment)
        signature = agreement.signatures.get()
        assert (signature.signer, signature.on_behalf_of) == (dated_deputy, manager)
        assert signature.delegation == Delegation.objects.get(delegate=dated_deputy)
        assert signature.delegated
        assert signature.signed_at == moment
    else:
        with pytest.raises(DomainError, match="may not"):
            services.agreement_decide(
                agreement=agreement, actor=dated_deputy, approve=True, now=moment
            )
        assert not agreement.signatures.exists()

    agreement.refresh_from_db()
    assert agreement.state == (A.APPROVED if may_sign else A.MANAGER_REVIEW)


def test_the_delegation_window_also_holds_with_the_clock_on_those_days(
    agreement_in, dated_deputy, time_machine
):
    agreement = agreement_in(A.MANAGER_REVIEW)
    time_machine.move_to(at(2026, 3, 13, 9, 0), tick=False)
    with pytest.raises(DomainError):
        services.agreement_decide(agreement=agreement, actor=dated_deputy, approve=True)

    time_machine.move_to(at(2026, 3, 12, 17, 0), tick=False)
    services.agreement_decide(agreement=agreement, actor=dated_deputy, approve=True)

    assert agreement.signatures.get().signed_at == at(2026, 3, 12, 17, 0)


def test_a_revoked_delegation_signs_nothing_more_but_what_it_signed_stays_valid(
    agreement_in, manager, deputy
):
    signed = agreement_in(A.MANAGER_REVIEW)
    services.agreement_decide(agreement=signed, actor=deputy, approve=True)
    waiting = agreement_in(A.MANAGER_REVIEW)
    delegation = Delegation.objects.get(delegate=deputy)

    revoked = services.delegation_revoke(delegation=delegation, actor=manager)

    assert revoked.revoked_at == NOW
    with pytest.raises(DomainError, match="may not"):
        services.agreement_decide(agreement=waiting, actor=deputy, approve=True)
    signed.refresh_from_db()
    assert services.agreement_is_valid(signed)
    assert signed.signatures.get().delegation == delegation


def test_a_delegate_signs_the_directors_step_for_the_director(
    agreement_in, director, director_deputy, salesperson, manager
):
    agreement = agreement_in(A.DIRECTOR_REVIEW)

    services.agreement_decide(agreement=agreement, actor=director_deputy, approve=True)

    signature = agreement.signatures.get(step=Step.DIRECTOR)
    assert (signature.signer, signature.on_behalf_of) == (director_deputy, director)
    agreement.refresh_from_db()
    assert agreement.state == A.APPROVED
    assert services.agreement_is_valid(agreement)


def test_a_delegation_from_the_manager_does_not_sign_for_the_director(agreement_in, deputy):
    agreement = agreement_in(A.DIRECTOR_REVIEW)

    with pytest.raises(DomainError, match="may not"):
        services.agreement_decide(agreement=agreement, actor=deputy, approve=True)

    assert agreement.signatures.count() == 1


def test_a_delegation_signs_only_for_the_delegators_own_documents(
    other_salesperson, other_manager, deputy
):
    # The deputy signs for `manager`, not for the manager of another team.
    agreement = submitted_agreement(other_salesperson, other_manager, lines_for())

    with pytest.raises(DomainError, match="may not"):
        services.agreement_decide(agreement=agreement, actor=deputy, approve=True)


def test_a_delegate_also_signs_plan_reviews(plan_in, manager, deputy):
    plan = plan_in(P.IN_REVIEW)

    services.plan_review(plan=plan, actor=deputy, approve=True)

    signature = plan.signatures.get()
    assert (signature.signer, signature.on_behalf_of, signature.step) == (
        deputy,
        manager,
        Step.PLAN_REVIEW,
    )


def test_nobody_signs_their_own_document_even_as_a_delegate(
    agreement_in, plan_in, salesperson, manager
):
    # Only possible by writing the table directly: the services never delegate to a salesperson.
    Delegation.objects.create(
        delegator=manager,
        delegate=salesperson,
        valid_from=TODAY,
        valid_until=TODAY,
        created_by=manager,
        created_at=NOW,
    )
    agreement = agreement_in(A.MANAGER_REVIEW)
    plan = plan_in(P.IN_REVIEW)

    assert services.signing_authority(salesperson, Step.MANAGER, salesperson, on=TODAY) is None
    with pytest.raises(DomainError, match="may not"):
        services.agreement_decide(agreement=agreement, actor=salesperson, approve=True)
    with pytest.raises(DomainError, match="may not"):
        services.plan_review(plan=plan, actor=salesperson, approve=True)
    assert not agreement.signatures.exists()
    assert not plan.signatures.exists()


def test_a_delegation_is_recorded_with_who_and_when(manager, deputy):
    delegation = Delegation.objects.get(delegate=deputy)

    assert (delegation.delegator, delegation.created_by, delegation.created_at) == (
        manager,
        manager,
        NOW,
    )
    assert (delegation.valid_from, delegation.reason, delegation.revoked_at) == (
        TODAY,
        "On leave",
        None,
    )


def test_an_administrator_records_a_delegation_for_a_manager(manager, other_manager, admin_user):
    delegation = services.delegation_create(
        delegator=manager,
        delegate=other_manager,
        valid_from=TODAY,
        valid_until=TODAY,
        actor=admin_user,
    )

    assert delegation.created_by == admin_user
    assert services.signing_authority(
        other_manager, Step.MANAGER, UserFactory(team=manager.team), on=TODAY
    ) == (manager, delegation)


@pytest.mark.parametrize(
    ("delegator", "delegate_", "actor", "dates", "message"),
    [
        ("manager", "other_manager", "other_manager", (0, 1), "themselves or an administrator"),
        ("manager", "other_manager", "director", (0, 1), "themselves or an administrator"),
        ("salesperson", "manager", "salesperson", (0, 1), "Only managers and the director"),
        ("front_desk", "manager", "front_desk", (0, 1), "Only managers and the director"),
        ("manager", "manager", "manager", (0, 1), "someone else"),
        ("manager", "teammate", "manager", (0, 1), "active manager or director"),
        ("manager", "front_desk", "manager", (0, 1), "active manager or director"),
        ("manager", "inactive_manager", "manager", (0, 1), "active manager or director"),
        ("manager", "other_manager", "manager", (3, 2), "on or after its first day"),
        ("manager", "other_manager", "manager", (-5, -1), "already be over"),
    ],
)
def test_a_bad_delegation_is_refused(request, db, delegator, delegate_, actor, dates, message):
    if delegate_ == "inactive_manager":
        person = ManagerFactory(username="inactive_manager", is_active=False)
    else:
        person = request.getfixturevalue(delegate_)

    with pytest.raises(DomainError, match=message):
        services.delegation_create(
            delegator=request.getfixturevalue(delegator),
            delegate=person,
            valid_from=TODAY + timedelta(days=dates[0]),
            valid_until=TODAY + timedelta(days=dates[1]),
            actor=request.getfixturevalue(actor),
        )

    assert not Delegation.objects.exists()


def test_a_delegation_ending_today_is_still_accepted(manager, other_manager):
    delegation = services.delegation_create(
        delegator=manager,
        delegate=other_manager,
        valid_from=TODAY - timedelta(days=3),
        valid_until=TODAY,
        actor=manager,
    )

    assert delegation.pk


def test_only_the_delegator_or_an_administrator_revokes_and_only_once(
    manager, deputy, admin_user, other_manager
):
    delegation = Delegation.objects.get(delegate=deputy)

    for outsider in (deputy, other_manager):
        with pytest.raises(DomainError, match="themselves or an administrator"):
            services.delegation_revoke(delegation=delegation, actor=outsider)
    services.delegation_revoke(delegation=delegation, actor=admin_user)
    with pytest.raises(DomainError, match="already revoked"):
        services.delegation_revoke(delegation=delegation, actor=manager)

    delegation.refresh_from_db()
    assert delegation.revoked_at == NOW


def test_a_revoked_delegate_is_no_longer_told_of_approvals(salesperson, manager, deputy):
    services.delegation_revoke(delegation=Delegation.objects.get(delegate=deputy), actor=manager)

    draft = draft_agreement(salesperson, manager, lines_for())
    services.agreement_submit(agreement=draft, actor=salesperson)

    assert recipients_of("agreement_submitted") == {"manager"}
