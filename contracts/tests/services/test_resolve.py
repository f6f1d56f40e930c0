"""What a plan or agreement asks of its signers stops waiting once it is decided, for every
signer asked (the manager and a delegate alike)."""

from contracts import services
from contracts.tests.services.helpers import A, P
from salescrm import notifications


def waiting(person, kind):
    return notifications.waiting_for(person).filter(kind=kind).count()


def test_the_managers_decision_resolves_the_request_for_the_delegate_too(
    agreement_in, manager, deputy
):
    agreement = agreement_in(A.MANAGER_REVIEW)
    assert waiting(manager, "agreement_submitted") == waiting(deputy, "agreement_submitted") == 1

    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    assert waiting(manager, "agreement_submitted") == 0
    assert waiting(deputy, "agreement_submitted") == 0


def test_a_major_agreement_then_waits_for_the_director_until_decided(
    agreement_in, manager, director
):
    agreement = agreement_in(A.MANAGER_REVIEW, major=True)
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert waiting(director, "agreement_needs_director") == 1

    services.agreement_decide(agreement=agreement, actor=director, approve=True)

    assert waiting(director, "agreement_needs_director") == 0


def test_a_rejection_waits_for_the_salesperson_until_resubmitted(
    agreement_in, salesperson, manager
):
    agreement = agreement_in(A.MANAGER_REVIEW)
    services.agreement_decide(agreement=agreement, actor=manager, approve=False, comment="Price")
    assert waiting(salesperson, "agreement_rejected") == 1

    services.agreement_submit(agreement=agreement, actor=salesperson)

    assert waiting(salesperson, "agreement_rejected") == 0


def test_withdrawing_resolves_what_the_signers_were_asked(agreement_in, salesperson, manager):
    agreement = agreement_in(A.MANAGER_REVIEW)

    services.agreement_withdraw(agreement=agreement, actor=salesperson)

    assert waiting(manager, "agreement_submitted") == 0


def test_the_plan_review_resolves_the_request(plan_in, manager):
    plan = plan_in(P.IN_REVIEW)
    assert waiting(manager, "plan_review_requested") == 1

    services.plan_review(plan=plan, actor=manager, approve=True)

    assert waiting(manager, "plan_review_requested") == 0
