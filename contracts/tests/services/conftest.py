"""Fixtures shared by the contracts service tests: a frozen "now", deputies under a
delegation, and plans and agreements in each state, built through the services."""

import pytest

from contracts import services
from contracts.tests.factories import (
    approved_agreement,
    approved_plan,
    draft_agreement,
    lines_for,
    make_plan,
    submitted_agreement,
)
from contracts.tests.services.helpers import NOW, TODAY, A, P, delegate
from salescrm.tests.factories import ManagerFactory


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def deputy(manager):
    """A manager of another team who signs for `manager` today, under a delegation."""
    person = ManagerFactory(username="deputy")
    delegate(manager, person)
    return person


@pytest.fixture
def director_deputy(director):
    """A manager of another team who signs for the director today, under a delegation."""
    person = ManagerFactory(username="director_deputy")
    delegate(director, person)
    return person


# --- the documents in each state, built through the services ----------------------------------


@pytest.fixture
def plan_in(salesperson, manager):
    def make(state, *, major=False):
        if state == P.DRAFT:
            return make_plan(salesperson)
        if state == P.IN_REVIEW:
            return services.plan_submit(plan=make_plan(salesperson), actor=salesperson)
        if state == P.CANCELLED:
            return services.plan_cancel(plan=make_plan(salesperson), actor=salesperson)
        plan = approved_plan(salesperson, manager)
        if state == P.APPROVED:
            return plan
        plan = services.plan_send(plan=plan, actor=salesperson)
        if state == P.SUBMITTED:
            return plan
        services.plan_accept(plan=plan, actor=salesperson)
        plan.refresh_from_db()
        assert state == P.ACCEPTED
        return plan

    return make


@pytest.fixture
def agreement_in(salesperson, manager, director):
    def make(state, *, major=False):
        major = major or state == A.DIRECTOR_REVIEW
        lines = lines_for(major=major)
        if state == A.DRAFT:
            return draft_agreement(salesperson, manager, lines)
        if state == A.CANCELLED:
            agreement = draft_agreement(salesperson, manager, lines)
            return services.agreement_cancel(agreement=agreement, actor=salesperson)
        if state == A.MANAGER_REVIEW:
            return submitted_agreement(salesperson, manager, lines)
        if state == A.DIRECTOR_REVIEW:
            agreement = submitted_agreement(salesperson, manager, lines)
            return services.agreement_decide(agreement=agreement, actor=manager, approve=True)
        agreement = approved_agreement(salesperson, manager, lines, director=director)
        if state == A.APPROVED:
            return agreement
        agreement = services.agreement_send(agreement=agreement, actor=salesperson)
        if state == A.SENT:
            return agreement
        assert state == A.SIGNED
        return services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    return make
