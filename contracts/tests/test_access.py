"""Who sees which plan and agreement (contracts.access), and the signing queues."""

from datetime import datetime, timedelta

import pytest
from django.http import Http404

from contracts import access, selectors, services
from contracts.models import AgreementState, Delegation, PlanState
from contracts.tests.factories import (
    approved_agreement,
    draft_agreement,
    lines_for,
    make_plan,
    submitted_agreement,
)
from salescrm.roles import Role
from salescrm.testing.time import SHANGHAI
from salescrm.tests.factories import UserFactory

A = AgreementState
P = PlanState
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def documents(salesperson, teammate, manager, other_salesperson, other_manager, director):
    """Plans and agreements of three salespeople in two teams, in the states that matter.

    own_plan is in review; the other plans are drafts.
    """
    docs = {
        "own_plan": services.plan_submit(plan=make_plan(salesperson), actor=salesperson),
        "teammate_plan": make_plan(teammate),
        "other_plan": make_plan(other_salesperson),
        "own_draft": draft_agreement(salesperson, manager, lines_for()),
        "teammate_waiting": submitted_agreement(teammate, manager, lines_for()),
        "teammate_major": services.agreement_decide(
            agreement=submitted_agreement(teammate, manager, lines_for(major=True)),
            actor=manager,
            approve=True,
        ),
        "other_waiting": submitted_agreement(other_salesperson, other_manager, lines_for()),
        "other_approved": approved_agreement(other_salesperson, other_manager, lines_for()),
    }
    return docs


def names(queryset, documents):
    """The names of the `documents` in `queryset` (the plans behind the agreements aside)."""
    by_pk = {(type(d).__name__, d.pk): name for name, d in documents.items()}
    return {by_pk[key] for d in queryset if (key := (type(d).__name__, d.pk)) in by_pk}


PLANS = {"own_plan", "teammate_plan", "other_plan"}
AGREEMENTS = {
    "own_draft",
    "teammate_waiting",
    "teammate_major",
    "other_waiting",
    "other_approved",
}


def visible(user, documents):
    return names(access.plans_for(user), documents) | names(access.agreements_for(user), documents)


def test_the_director_sees_everything(director, documents):
    assert visible(director, documents) == PLANS | AGREEMENTS


def test_a_manager_sees_only_their_teams(manager, other_manager, documents):
    assert visible(manager, documents) == {
        "own_plan",
        "teammate_plan",
        "own_draft",
        "teammate_waiting",
        "teammate_major",
    }
    assert visible(other_manager, documents) == {"other_plan", "other_waiting", "other_approved"}


def test_a_salesperson_sees_only_their_own(salesperson, teammate, documents):
    assert visible(salesperson, documents) == {"own_plan", "own_draft"}
    assert visible(teammate, documents) == {"teammate_plan", "teammate_waiting", "teammate_major"}


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_the_front_desk_and_the_administrator_see_none(request, documents, persona):
    assert visible(request.getfixturevalue(persona), documents) == set()


def test_a_deactivated_user_sees_none(director, documents):
    director.is_active = False
    director.save(update_fields=["is_active"])

    assert visible(director, documents) == set()


# --- delegates ----------------------------------------------------------------------------------


@pytest.fixture
def deputy(db):
    """A manager without a team: sees only what a delegation opens to them."""
    return UserFactory(username="deputy", role=Role.MANAGER, team=None)


def delegate(delegator, person, *, first=TODAY, last=TODAY + timedelta(days=2)):
    return services.delegation_create(
        delegator=delegator, delegate=person, valid_from=first, valid_until=last, actor=delegator
    )


def test_without_a_delegation_a_manager_without_a_team_sees_nothing(deputy, documents):
    assert visible(deputy, documents) == set()


def test_a_managers_delegate_sees_what_waits_for_the_managers_signature_today(
    manager, deputy, documents
):
    delegate(manager, deputy)

    # The plan in review and the agreement waiting for the manager; not drafts, not the
    # major one already with the director, not the other team's.
    assert names(access.plans_for(deputy), documents) == {"own_plan"}
    assert names(access.agreements_for(deputy), documents) == {"teammate_waiting"}
    assert names(selectors.agreements_to_approve(deputy), documents) == {"teammate_waiting"}
    assert names(selectors.plans_to_review(deputy), documents) == {"own_plan"}


def test_a_directors_delegate_sees_what_waits_for_the_director(director, deputy, documents):
    delegate(director, deputy)

    assert names(access.agreements_for(deputy), documents) == {"teammate_major"}
    assert names(access.plans_for(deputy), documents) == set()


def test_a_delegate_keeps_seeing_what_they_signed_after_the_delegation(
    manager, deputy, documents, time_machine
):
    delegate(manager, deputy, last=TODAY)
    waiting = documents["teammate_waiting"]
    services.agreement_decide(agreement=waiting, actor=deputy, approve=True)
    assert names(access.agreements_for(deputy), documents) == {"teammate_waiting"}

    time_machine.move_to(NOW + timedelta(days=1), tick=False)

    assert names(access.agreements_for(deputy), documents) == {"teammate_waiting"}
    assert access.agreement_for_user(deputy, waiting.pk) == waiting
    assert names(access.plans_for(deputy), documents) == set()
    assert list(selectors.agreements_to_approve(deputy)) == []


def test_a_delegation_not_valid_today_opens_nothing(manager, deputy, documents):
    delegation = Delegation.objects.create(
        delegator=manager,
        delegate=deputy,
        valid_from=TODAY,
        valid_until=TODAY,
        created_by=manager,
        created_at=NOW,
    )
    assert visible(deputy, documents) == {"own_plan", "teammate_waiting"}  # valid today
    seen = {}
    for case, (first, last, revoked) in {
        "not started yet": (1, 3, None),
        "over": (-3, -1, None),
        "revoked": (0, 3, NOW),
    }.items():
        Delegation.objects.filter(pk=delegation.pk).update(
            valid_from=TODAY + timedelta(days=first),
            valid_until=TODAY + timedelta(days=last),
            revoked_at=revoked,
        )
        seen[case] = visible(deputy, documents)

    assert seen == {"not started yet": set(), "over": set(), "revoked": set()}


def test_what_waits_for_a_delegate_excludes_their_own_documents(salesperson, manager, teammate):
    # Only possible by writing the table directly: the services never delegate to a salesperson.
    Delegation.objects.create(
        delegator=manager,
        delegate=salesperson,
        valid_from=TODAY,
        valid_until=TODAY,
        created_by=manager,
        created_at=NOW,
    )
    own = submitted_agreement(salesperson, manager, lines_for())
    theirs = submitted_agreement(teammate, manager, lines_for())

    assert list(selectors.agreements_to_approve(salesperson)) == [theirs]
    assert own in access.agreements_for(salesperson)


def test_the_signing_queues_of_the_manager_and_the_director(manager, director, documents):
    assert names(selectors.agreements_to_approve(manager), documents) == {"teammate_waiting"}
    assert names(selectors.plans_to_review(manager), documents) == {"own_plan"}
    assert names(selectors.agreements_to_approve(director), documents) == {"teammate_major"}
    assert list(selectors.plans_to_review(director)) == []


# --- one document by id -----------------------------------------------------------------------


def test_an_insider_gets_the_document_by_id(salesperson, manager, director, documents):
    plan, agreement = documents["own_plan"], documents["own_draft"]

    for user in (salesperson, manager, director):
        assert access.plan_for_user(user, plan.pk) == plan
        assert access.agreement_for_user(user, str(agreement.pk)) == agreement


OUTSIDERS = ["teammate", "other_manager", "other_salesperson", "front_desk", "admin_user"]


def test_an_outsider_gets_404(request, documents):
    let_in = []
    for persona in OUTSIDERS:
        user = request.getfixturevalue(persona)
        for find, document in (
            (access.plan_for_user, documents["own_plan"]),
            (access.agreement_for_user, documents["own_draft"]),
        ):
            try:
                find(user, document.pk)
            except Http404:
                continue
            let_in.append((persona, document))

    assert let_in == []


@pytest.mark.parametrize("pk", ["abc", "", None, -1, 0, 10**6, "1; DROP TABLE x", 2**70])
def test_a_bad_id_gets_404(director, pk):
    with pytest.raises(Http404):
        access.plan_for_user(director, pk)
    with pytest.raises(Http404):
        access.agreement_for_user(director, pk)


def test_an_anonymous_visitor_sees_none(documents):
    from django.contrib.auth.models import AnonymousUser

    assert not access.plans_for(AnonymousUser()).exists()
    assert not access.agreements_for(AnonymousUser()).exists()


def test_a_new_team_member_sees_nothing_of_their_teammates(team, documents):
    newcomer = UserFactory(username="newcomer", team=team)

    assert visible(newcomer, documents) == set()
