"""Plans and agreements through the services (Figures 1 and 2, rule 4)."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction

from contracts import rules, services
from contracts.models import (
    Agreement,
    AgreementCounter,
    AgreementState,
    ChangeRequest,
    Decision,
    Delegation,
    Plan,
    PlanState,
    PlanVersion,
    Signature,
    Step,
)
from contracts.services import AGREEMENT_TRANSITIONS, PLAN_TRANSITIONS, signing
from contracts.tests.factories import (
    accepted_agreement,
    agreement_terms,
    approved_agreement,
    approved_plan,
    draft_agreement,
    line,
    make_plan,
    make_product,
    plan_data,
    submitted_agreement,
)
from customers.models import ClassChange, PipelineClass
from customers.services import customer_change_class
from customers.tests.factories import make_customer
from salescrm import notifications
from salescrm.errors import DomainError
from salescrm.models import Notification, Policy
from salescrm.tests.factories import ManagerFactory, UserFactory

A = AgreementState
P = PlanState
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


NOW = at(2026, 3, 2, 9, 0)  # a Monday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def delegate(delegator, delegate, *, valid_from=TODAY, valid_until=TODAY + timedelta(days=30)):
    return services.delegation_create(
        delegator=delegator,
        delegate=delegate,
        valid_from=valid_from,
        valid_until=valid_until,
        reason="On leave",
        actor=delegator,
    )


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


def history_states(document):
    return list(document.history.order_by("history_id").values_list("state", flat=True))


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def recipients_of(kind):
    return {n.recipient.username for n in Notification.objects.filter(kind=kind)}


# --- the documents in each state, built through the services ----------------------------------


def lines_for(*, major=False):
    product = make_product(list_price="1000.00")
    return [line(product, agreed_price="800.00" if major else "1000.00")]


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


# --- both transition tables ---------------------------------------------------------------------

PLAN_ACTIONS = {
    "submit": lambda plan, actor: services.plan_submit(plan=plan, actor=actor),
    "withdraw": lambda plan, actor: services.plan_withdraw(plan=plan, actor=actor),
    "approve": lambda plan, actor: services.plan_review(plan=plan, actor=actor, approve=True),
    "reject": lambda plan, actor: services.plan_review(
        plan=plan, actor=actor, approve=False, comment="Sharpen the objectives."
    ),
    "reopen": lambda plan, actor: services.plan_reopen(plan=plan, actor=actor),
    "send": lambda plan, actor: services.plan_send(plan=plan, actor=actor),
    "accept": lambda plan, actor: services.plan_accept(plan=plan, actor=actor),
    "decline": lambda plan, actor: services.plan_decline(
        plan=plan, actor=actor, feedback="Too expensive."
    ),
    "cancel": lambda plan, actor: services.plan_cancel(plan=plan, actor=actor, reason="Lost."),
}
AGREEMENT_ACTIONS = {
    "submit": lambda ag, actor: services.agreement_submit(agreement=ag, actor=actor),
    "withdraw": lambda ag, actor: services.agreement_withdraw(agreement=ag, actor=actor),
    "approve": lambda ag, actor: services.agreement_decide(agreement=ag, actor=actor, approve=True),
    "reject": lambda ag, actor: services.agreement_decide(
        agreement=ag, actor=actor, approve=False, comment="Price too low."
    ),
    "reopen": lambda ag, actor: services.agreement_reopen(agreement=ag, actor=actor),
    "send": lambda ag, actor: services.agreement_send(agreement=ag, actor=actor),
    "sign": lambda ag, actor: services.agreement_sign(agreement=ag, actor=actor, signed_on=TODAY),
    "cancel": lambda ag, actor: services.agreement_cancel(
        agreement=ag, actor=actor, reason="Lost."
    ),
}

# (from, to, capacity) -> the service action that makes that move in that capacity.
PLAN_ACTION_FOR = {
    (P.DRAFT, P.IN_REVIEW, "owner"): "submit",
    (P.IN_REVIEW, P.DRAFT, "owner"): "withdraw",
    (P.IN_REVIEW, P.DRAFT, "reviewer"): "reject",
    (P.IN_REVIEW, P.APPROVED, "reviewer"): "approve",
    (P.APPROVED, P.DRAFT, "owner"): "reopen",
    (P.APPROVED, P.SUBMITTED, "owner"): "send",
    (P.APPROVED, P.SUBMITTED, "manager"): "send",
    (P.SUBMITTED, P.ACCEPTED, "owner"): "accept",
    (P.SUBMITTED, P.ACCEPTED, "manager"): "accept",
    (P.SUBMITTED, P.DRAFT, "owner"): "decline",
    (P.SUBMITTED, P.DRAFT, "manager"): "decline",
    **{
        (frm, P.CANCELLED, who): "cancel"
        for frm in (P.DRAFT, P.APPROVED, P.SUBMITTED)
        for who in ("owner", "manager")
    },
}
AGREEMENT_ACTION_FOR = {
    (A.DRAFT, A.MANAGER_REVIEW, "owner"): "submit",
    (A.MANAGER_REVIEW, A.DRAFT, "owner"): "withdraw",
    (A.MANAGER_REVIEW, A.DRAFT, "manager_signer"): "reject",
    (A.MANAGER_REVIEW, A.APPROVED, "manager_signer"): "approve",  # not major
    (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW, "manager_signer"): "approve",  # major
    (A.DIRECTOR_REVIEW, A.DRAFT, "owner"): "withdraw",
    (A.DIRECTOR_REVIEW, A.DRAFT, "director_signer"): "reject",
    (A.DIRECTOR_REVIEW, A.APPROVED, "director_signer"): "approve",
    (A.APPROVED, A.DRAFT, "owner"): "reopen",
    (A.APPROVED, A.DRAFT, "manager"): "reopen",
    (A.APPROVED, A.SENT, "owner"): "send",
    (A.APPROVED, A.SENT, "manager"): "send",
    (A.SENT, A.SIGNED, "owner"): "sign",
    (A.SENT, A.SIGNED, "manager"): "sign",
    **{
        (frm, A.CANCELLED, who): "cancel"
        for frm in (A.DRAFT, A.APPROVED, A.SENT)
        for who in ("owner", "manager")
    },
}

# Which capacities each persona holds (towards `salesperson`'s documents).
CAPACITIES = {
    "salesperson": {"owner"},
    "teammate": set(),
    "manager": {"manager", "reviewer", "manager_signer"},
    "deputy": {"reviewer", "manager_signer"},  # under the manager's delegation
    "other_manager": set(),
    "other_salesperson": set(),
    "director": {"director_signer"},
    "director_deputy": {"director_signer"},  # under the director's delegation
    "front_desk": set(),
    "admin_user": set(),
}


def holders(capacity):
    return [persona for persona, held in CAPACITIES.items() if capacity in held]


def _table_params(kind, table, action_for, states):
    """The parameters of the table tests for one document kind.

    allowed: one per (move, capacity, persona holding it).
    wrong: per move, every (action, persona) where the persona holds none of its capacities.
    not_in_table: per starting state, every (target, action, persona) whose pair is not in
        the table, asked by a persona who makes such moves elsewhere.
    misplaced: per move, the actions leading to the same target from another state.
    Refusals change nothing, so the attempts on one document share it.
    """
    allowed, wrong, not_in_table, misplaced = [], [], [], []
    by_target = {}
    for (_frm, to, capacity), action in action_for.items():
        by_target.setdefault(to, set()).add((action, capacity))
    for (frm, to), capacities in table.items():
        actions = sorted({action_for[(frm, to, c)] for c in capacities})
        for capacity in sorted(capacities):
            for persona in holders(capacity):
                action = action_for[(frm, to, capacity)]
                allowed.append(
                    pytest.param(kind, frm, to, action, persona, id=f"{kind} {frm}->{to} {persona}")
                )
        attempts = [
            (to, action, persona)
            for persona, held in CAPACITIES.items()
            if not held & capacities
            for action in actions
        ]
        wrong.append(pytest.param(kind, frm, to, attempts, id=f"{kind} {frm}->{to}"))
        attempts = [
            (to, action, holders(capacity)[0])
            for action, capacity in sorted(by_target[to])
            if action not in actions
        ]
        if attempts:
            misplaced.append(pytest.param(kind, frm, to, attempts, id=f"{kind} {frm}->{to}"))
    for frm in states:
        attempts = [
            (to, action, holders(capacity)[0])
            for to in states
            if (frm, to) not in table
            for action, capacity in sorted(by_target.get(to, ()))
        ]
        not_in_table.append(pytest.param(kind, frm, None, attempts, id=f"{kind} from {frm}"))
    return allowed, wrong, not_in_table, misplaced


_PLAN = _table_params("plan", PLAN_TRANSITIONS, PLAN_ACTION_FOR, P.values)
_AGREEMENT = _table_params("agreement", AGREEMENT_TRANSITIONS, AGREEMENT_ACTION_FOR, A.values)
ALLOWED, WRONG_ACTORS, NOT_IN_TABLE, MISPLACED = (
    p + a for p, a in zip(_PLAN, _AGREEMENT, strict=True)
)


@pytest.fixture
def document_in(plan_in, agreement_in):
    def make(kind, frm, to):
        if kind == "plan":
            return plan_in(frm)
        # The manager's approval goes to the director only for a major agreement.
        return agreement_in(frm, major=(frm, to) == (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW))

    return make


def act(kind, action, document, actor):
    return (PLAN_ACTIONS if kind == "plan" else AGREEMENT_ACTIONS)[action](document, actor)


def snapshot(document):
    document.refresh_from_db()
    return (
        document.state,
        document.history.count(),
        Signature.objects.count(),
        PlanVersion.objects.count(),
        Agreement.objects.count(),
        ClassChange.objects.count(),
        Notification.objects.count(),
    )


def refused(request, kind, document, attempts, expected):
    """Try each (to, action, persona); return what was not refused as `expected` says."""
    problems = []
    before = snapshot(document)
    for to, action, persona in attempts:
        pattern = expected(to, action)
        try:
            act(kind, action, document, request.getfixturevalue(persona))
        except DomainError as error:
            if not re.search(pattern, str(error)):
                problems.append(f"{action} by {persona} to {to}: {error}")
        else:
            problems.append(f"{action} by {persona} to {to}: done")
        if snapshot(document) != before:
            problems.append(f"{action} by {persona} to {to}: changed something")
            before = snapshot(document)
    return problems


def test_the_plan_table_has_the_moves_of_figure_1():
    expected = {
        (P.DRAFT, P.IN_REVIEW): {"owner"},
        (P.IN_REVIEW, P.DRAFT): {"owner", "reviewer"},
        (P.IN_REVIEW, P.APPROVED): {"reviewer"},
        (P.APPROVED, P.DRAFT): {"owner"},
        (P.APPROVED, P.SUBMITTED): {"owner", "manager"},
        (P.SUBMITTED, P.ACCEPTED): {"owner", "manager"},
        (P.SUBMITTED, P.DRAFT): {"owner", "manager"},
        (P.DRAFT, P.CANCELLED): {"owner", "manager"},
        (P.APPROVED, P.CANCELLED): {"owner", "manager"},
        (P.SUBMITTED, P.CANCELLED): {"owner", "manager"},
    }
    assert dict(PLAN_TRANSITIONS) == expected


def test_the_agreement_table_has_the_moves_of_figure_2():
    expected = {
        (A.DRAFT, A.MANAGER_REVIEW): {"owner"},
        (A.MANAGER_REVIEW, A.DRAFT): {"owner", "manager_signer"},
        (A.MANAGER_REVIEW, A.APPROVED): {"manager_signer"},
        (A.MANAGER_REVIEW, A.DIRECTOR_REVIEW): {"manager_signer"},
        (A.DIRECTOR_REVIEW, A.DRAFT): {"owner", "director_signer"},
        (A.DIRECTOR_REVIEW, A.APPROVED): {"director_signer"},
        (A.APPROVED, A.DRAFT): {"owner", "manager"},
        (A.APPROVED, A.SENT): {"owner", "manager"},
        (A.SENT, A.SIGNED): {"owner", "manager"},
        (A.DRAFT, A.CANCELLED): {"owner", "manager"},
        (A.APPROVED, A.CANCELLED): {"owner", "manager"},
        (A.SENT, A.CANCELLED): {"owner", "manager"},
    }
    assert dict(AGREEMENT_TRANSITIONS) == expected


@pytest.mark.parametrize(
    ("table", "action_for"),
    [(PLAN_TRANSITIONS, PLAN_ACTION_FOR), (AGREEMENT_TRANSITIONS, AGREEMENT_ACTION_FOR)],
    ids=["plan", "agreement"],
)
def test_every_capacity_of_the_table_has_a_service_action_here(table, action_for):
    """So the parametrized tests below try every allowed move in every capacity."""
    assert set(action_for) == {(frm, to, c) for (frm, to), cs in table.items() for c in cs}


@pytest.mark.parametrize(
    ("table", "states"),
    [(PLAN_TRANSITIONS, P.values), (AGREEMENT_TRANSITIONS, A.values)],
    ids=["plan", "agreement"],
)
def test_the_table_check_refuses_every_pair_not_in_it_whatever_the_capacity(
    salesperson, table, states
):
    every_capacity = {"owner", "manager", "reviewer", "manager_signer", "director_signer"}

    class Document:
        def get_state_display(self):
            return self.state

    for frm in states:
        for to in states:
            document = Document()
            document.state = frm
            if (frm, to) in table:
                signing._move(table, document, salesperson, to, every_capacity, "document")
                assert document.state == to
            else:
                with pytest.raises(DomainError, match="not possible now"):
                    signing._move(table, document, salesperson, to, every_capacity, "document")
                assert document.state == frm


@pytest.mark.parametrize(("kind", "from_state", "to_state", "action", "persona"), ALLOWED)
def test_each_move_of_the_table_is_made_in_each_capacity_that_may_make_it(
    request,
    document_in,
    manager,
    director,
    kind,
    from_state,
    to_state,
    action,
    persona,
):
    document = document_in(kind, from_state, to_state)
    actor = request.getfixturevalue(persona)
    history_before = document.history.count()
    signatures_before = Signature.objects.count()

    act(kind, action, document, actor)

    document.refresh_from_db()
    assert document.state == to_state
    assert document.history.count() == history_before + 1
    assert history_states(document)[-1] == to_state
    if action in ("approve", "reject"):
        assert Signature.objects.count() == signatures_before + 1
        signature = Signature.objects.latest("pk")
        delegator = {"deputy": manager, "director_deputy": director}.get(persona, actor)
        assert (signature.signer, signature.on_behalf_of) == (actor, delegator)
        assert (signature.delegation is not None) is (persona.endswith("deputy"))
        assert signature.decision == (
            Decision.APPROVED if action == "approve" else Decision.REJECTED
        )
    else:
        assert Signature.objects.count() == signatures_before


@pytest.mark.parametrize(("kind", "from_state", "to_state", "attempts"), WRONG_ACTORS)
def test_each_move_of_the_table_is_refused_to_anyone_without_the_capacity(
    request, document_in, kind, from_state, to_state, attempts
):
    document = document_in(kind, from_state, to_state)
    assert len(attempts) >= 6

    problems = refused(
        request, kind, document, attempts, lambda to, action: "may not make this change"
    )

    assert problems == []
    assert document.state == from_state


def _not_in_table_refusal(kind, frm, to, action):
    if action == "send" and kind == "plan" and frm not in services.PLAN_RELEASED:
        return "not passed the internal review"
    if (
        action in ("send", "sign")
        and kind == "agreement"
        and frm not in services.AGREEMENT_RELEASED
    ):
        return "not valid"
    if (kind, frm, to, action) == ("agreement", A.DIRECTOR_REVIEW, A.DIRECTOR_REVIEW, "approve"):
        # The manager approving again at the director's step: the move would be to
        # approved, which only the director signs.
        return "may not make this change"
    return "not possible now"


@pytest.mark.parametrize(("kind", "from_state", "to_state", "attempts"), NOT_IN_TABLE)
def test_every_move_not_in_the_table_is_refused_even_to_those_who_make_such_moves(
    request, document_in, kind, from_state, to_state, attempts
):
    document = document_in(kind, from_state, to_state)
    assert attempts

    problems = refused(
        request,
        kind,
        document,
        attempts,
        lambda to, action: _not_in_table_refusal(kind, from_state, to, action),
    )

    assert problems == []
    assert document.state == from_state


@pytest.mark.parametrize(("kind", "from_state", "to_state", "attempts"), MISPLACED)
def test_an_action_meant_for_another_state_does_not_make_a_move_of_the_table(
    request, document_in, kind, from_state, to_state, attempts
):
    """Withdraw, reject, reopen and decline all lead to draft, but each from its own state."""
    document = document_in(kind, from_state, to_state)

    problems = refused(
        request, kind, document, attempts, lambda to, action: "not possible now|may not make"
    )

    assert problems == []
    assert document.state == from_state


def test_withdrawing_an_approved_agreement_is_refused_it_is_reopened_instead(
    agreement_in, salesperson
):
    agreement = agreement_in(A.APPROVED)

    with pytest.raises(DomainError, match="not possible now"):
        services.agreement_withdraw(agreement=agreement, actor=salesperson)
    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.APPROVED, NOW)

    services.agreement_reopen(agreement=agreement, actor=salesperson)
    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.DRAFT, None)


def test_a_plan_in_review_is_neither_declined_nor_reopened_its_version_stays_pending(
    plan_in, salesperson
):
    plan = plan_in(P.IN_REVIEW)

    for service in (services.plan_reopen, services.plan_decline):
        kwargs = {"feedback": "No."} if service is services.plan_decline else {}
        with pytest.raises(DomainError, match="not possible now"):
            service(plan=plan, actor=salesperson, **kwargs)

    version = plan.versions.get()
    assert (version.outcome, version.outcome_reason) == (PlanVersion.Outcome.PENDING, "")
    plan.refresh_from_db()
    assert (plan.state, plan.customer_decided_at) == (P.IN_REVIEW, None)


def test_moves_offer_the_buttons_each_person_may_press(
    agreement_in, plan_in, salesperson, manager, deputy, director, teammate
):
    plan = plan_in(P.IN_REVIEW)
    assert services.plan_moves(plan, salesperson) == {P.DRAFT}
    assert services.plan_moves(plan, manager) == {P.DRAFT, P.APPROVED}
    assert services.plan_moves(plan, deputy) == {P.DRAFT, P.APPROVED}
    assert services.plan_moves(plan, teammate) == set()

    plain = agreement_in(A.MANAGER_REVIEW)
    assert services.agreement_moves(plain, manager) == {A.DRAFT, A.APPROVED}
    assert services.agreement_moves(plain, director) == set()
    major = agreement_in(A.MANAGER_REVIEW, major=True)
    assert services.agreement_moves(major, manager) == {A.DRAFT, A.DIRECTOR_REVIEW}
    assert services.agreement_moves(major, salesperson) == {A.DRAFT}

    forced = agreement_in(A.DRAFT)
    Agreement.objects.filter(pk=forced.pk).update(state=A.APPROVED)
    forced.refresh_from_db()
    assert services.agreement_moves(forced, salesperson) == {A.DRAFT, A.CANCELLED}


# --- plans (Figure 1) -------------------------------------------------------------------------


def test_a_salesperson_drafts_a_plan_for_their_own_customer(salesperson):
    customer = make_customer(salesperson)

    plan = services.plan_create(customer=customer, actor=salesperson, data=plan_data())

    assert (plan.state, plan.version, plan.created_at) == (P.DRAFT, 0, NOW)
    assert plan.salesperson == salesperson
    assert plan.history.count() == 1


@pytest.mark.parametrize("persona", ["teammate", "manager", "director", "other_salesperson"])
def test_only_the_customers_owner_drafts_a_plan(request, salesperson, persona):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError, match="owner"):
        services.plan_create(
            customer=customer, actor=request.getfixturevalue(persona), data=plan_data()
        )

    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "title"),
        ({"objectives": ""}, "objectives"),
        ({"media_mix": " "}, "objectives and the media"),
        ({"period_start": date(2027, 5, 1), "period_end": date(2027, 4, 30)}, "end on or after"),
        ({"budget": D("-1.00")}, "negative"),
    ],
)
def test_a_bad_plan_is_refused(salesperson, fields, message):
    with pytest.raises(DomainError, match=message):
        make_plan(salesperson, **fields)

    assert not Plan.objects.exists()


def test_only_the_salesperson_revises_and_only_a_draft(salesperson, manager, plan_in):
    plan = plan_in(P.DRAFT)
    with pytest.raises(DomainError, match="Only the salesperson"):
        services.plan_update(plan=plan, actor=manager, data=plan_data(title="Manager's title"))

    services.plan_update(plan=plan, actor=salesperson, data=plan_data(title="  Summer  "))
    plan.refresh_from_db()
    assert plan.title == "Summer"

    in_review = plan_in(P.IN_REVIEW)
    with pytest.raises(DomainError, match="Only a draft"):
        services.plan_update(plan=in_review, actor=salesperson, data=plan_data(title="Late"))
    in_review.refresh_from_db()
    assert in_review.title == "Spring campaign"


def test_submitting_freezes_a_version_and_asks_the_manager_and_their_delegate(
    salesperson, manager, deputy, other_manager, director
):
    plan = make_plan(salesperson)

    services.plan_submit(plan=plan, actor=salesperson)

    plan.refresh_from_db()
    assert (plan.state, plan.version) == (P.IN_REVIEW, 1)
    version = plan.versions.get()
    assert version.number == 1
    assert version.content["title"] == "Spring campaign"
    assert version.content["budget"] == "200000.00"
    assert version.content["period_start"] == "2027-03-01"
    assert (version.created_at, version.created_by, version.outcome) == (
        NOW,
        salesperson,
        PlanVersion.Outcome.PENDING,
    )
    assert recipients_of("plan_review_requested") == {"manager", "deputy"}
    asked = Notification.objects.get(kind="plan_review_requested", recipient=manager)
    assert asked.actor == salesperson
    assert asked.params["version"] == 1


def test_a_salesperson_without_a_manager_cannot_submit_a_plan(db):
    loner = UserFactory(username="loner", team=None)
    plan = make_plan(loner)

    with pytest.raises(DomainError, match="no manager"):
        services.plan_submit(plan=plan, actor=loner)

    plan.refresh_from_db()
    assert (plan.state, plan.version) == (P.DRAFT, 0)
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize("comment", ["", "   "])
def test_rejecting_a_plan_needs_a_reason(plan_in, manager, comment):
    plan = plan_in(P.IN_REVIEW)

    with pytest.raises(DomainError, match="why"):
        services.plan_review(plan=plan, actor=manager, approve=False, comment=comment)

    plan.refresh_from_db()
    assert plan.state == P.IN_REVIEW
    assert not Signature.objects.exists()


def test_a_rejected_plan_is_a_draft_again_with_the_reason_signed_and_told(
    plan_in, salesperson, manager
):
    plan = plan_in(P.IN_REVIEW)

    services.plan_review(plan=plan, actor=manager, approve=False, comment=" Too vague. ")

    plan.refresh_from_db()
    assert (plan.state, plan.return_reason) == (P.DRAFT, "Too vague.")
    signature = plan.signatures.get()
    assert (signature.step, signature.decision, signature.revision) == (
        Step.PLAN_REVIEW,
        Decision.REJECTED,
        1,
    )
    assert (signature.signer, signature.on_behalf_of, signature.delegation) == (
        manager,
        manager,
        None,
    )
    assert (signature.signed_at, signature.comment) == (NOW, "Too vague.")
    version = plan.versions.get()
    assert (version.outcome, version.outcome_reason, version.outcome_at) == (
        PlanVersion.Outcome.REJECTED,
        "Too vague.",
        NOW,
    )
    told = Notification.objects.get(kind="plan_review_rejected")
    assert (told.recipient, told.actor, told.body) == (salesperson, manager, "Too vague.")


def test_a_revised_plan_is_a_new_version_the_old_one_kept(plan_in, salesperson, manager):
    plan = plan_in(P.IN_REVIEW)
    services.plan_review(plan=plan, actor=manager, approve=False, comment="Too vague.")
    services.plan_update(plan=plan, actor=salesperson, data=plan_data(title="Sharper plan"))

    services.plan_submit(plan=plan, actor=salesperson)
    services.plan_review(plan=plan, actor=manager, approve=True, comment="Good.")

    plan.refresh_from_db()
    assert (plan.state, plan.version, plan.return_reason) == (P.APPROVED, 2, "")
    versions = {v.number: v for v in plan.versions.all()}
    assert versions[1].content["title"] == "Spring campaign"
    assert versions[1].outcome == PlanVersion.Outcome.REJECTED
    assert versions[2].content["title"] == "Sharper plan"
    assert versions[2].outcome == PlanVersion.Outcome.APPROVED
    assert [(s.revision, s.decision) for s in plan.signatures.all()] == [
        (1, Decision.REJECTED),
        (2, Decision.APPROVED),
    ]
    assert Notification.objects.get(kind="plan_review_passed").recipient == salesperson
    assert services.plan_is_valid(plan)


def test_a_plan_keeps_a_history_row_for_every_step(plan_in, salesperson, manager):
    plan = make_plan(salesperson)
    counts = [plan.history.count()]
    services.plan_submit(plan=plan, actor=salesperson)
    counts.append(plan.history.count())
    services.plan_review(plan=plan, actor=manager, approve=True)
    counts.append(plan.history.count())
    services.plan_send(plan=plan, actor=salesperson)
    counts.append(plan.history.count())
    services.plan_accept(plan=plan, actor=manager)
    counts.append(plan.history.count())

    assert counts == [1, 2, 3, 4, 5]
    assert history_states(plan) == [P.DRAFT, P.IN_REVIEW, P.APPROVED, P.SUBMITTED, P.ACCEPTED]


def test_sending_a_plan_records_the_server_time(plan_in, salesperson):
    plan = plan_in(P.APPROVED)

    services.plan_send(plan=plan, actor=salesperson)

    plan.refresh_from_db()
    assert (plan.state, plan.submitted_to_customer_at) == (P.SUBMITTED, NOW)


@pytest.mark.parametrize("feedback", ["", "  "])
def test_a_decline_needs_the_customers_feedback(plan_in, salesperson, feedback):
    plan = plan_in(P.SUBMITTED)

    with pytest.raises(DomainError, match="feedback"):
        services.plan_decline(plan=plan, actor=salesperson, feedback=feedback)

    plan.refresh_from_db()
    assert plan.state == P.SUBMITTED


def test_a_declined_plan_goes_back_to_revise_with_the_feedback(plan_in, salesperson, manager):
    plan = plan_in(P.SUBMITTED)

    services.plan_decline(plan=plan, actor=salesperson, feedback=" Too expensive. ")

    plan.refresh_from_db()
    assert (plan.state, plan.return_reason, plan.customer_decided_at) == (
        P.DRAFT,
        "Too expensive.",
        NOW,
    )
    version = plan.versions.get()
    assert (version.outcome, version.outcome_reason) == (
        PlanVersion.Outcome.DECLINED,
        "Too expensive.",
    )
    told = Notification.objects.get(kind="plan_declined")
    assert (told.recipient, told.body) == (manager, "Too expensive.")
    assert not services.plan_is_valid(plan)


def test_accepting_a_plan_drafts_the_agreement_from_it(plan_in, salesperson, manager):
    plan = plan_in(P.SUBMITTED)

    agreement = services.plan_accept(plan=plan, actor=salesperson)

    plan.refresh_from_db()
    assert (plan.state, plan.customer_decided_at) == (P.ACCEPTED, NOW)
    assert plan.versions.get().outcome == PlanVersion.Outcome.ACCEPTED
    assert agreement.state == A.DRAFT
    assert agreement.number == "AD2026-0001"
    assert (agreement.plan, agreement.customer, agreement.salesperson) == (
        plan,
        plan.customer,
        salesperson,
    )
    assert (agreement.title, agreement.period_start, agreement.period_end) == (
        "Spring campaign",
        date(2027, 3, 1),
        date(2027, 5, 31),
    )
    assert (agreement.revision, agreement.created_at) == (0, NOW)
    assert recipients_of("plan_accepted") == {"manager"}
    assert Notification.objects.filter(kind="plan_accepted").first().params["number"] == (
        "AD2026-0001"
    )


def test_another_agreement_is_drafted_only_when_the_first_was_cancelled(
    plan_in, salesperson, manager
):
    plan = plan_in(P.SUBMITTED)
    first = services.plan_accept(plan=plan, actor=salesperson)

    with pytest.raises(DomainError, match="already has an agreement"):
        services.agreement_create(plan=plan, actor=salesperson)
    services.agreement_cancel(agreement=first, actor=salesperson, reason="Wrong terms.")
    with pytest.raises(DomainError, match="Only the salesperson"):
        services.agreement_create(plan=plan, actor=manager)

    second = services.agreement_create(plan=plan, actor=salesperson)

    assert (second.plan, second.number) == (plan, "AD2026-0002")


@pytest.mark.parametrize("state", [P.DRAFT, P.IN_REVIEW, P.APPROVED, P.SUBMITTED, P.CANCELLED])
def test_an_agreement_is_drafted_only_from_an_accepted_plan(plan_in, salesperson, state):
    plan = plan_in(state)

    with pytest.raises(DomainError, match="accepted"):
        services.agreement_create(plan=plan, actor=salesperson)

    assert not Agreement.objects.exists()


# --- the plan's send-gate ---------------------------------------------------------------------


@pytest.mark.parametrize("state", [P.DRAFT, P.IN_REVIEW])
def test_a_plan_forced_to_approved_without_its_review_is_not_sent(plan_in, salesperson, state):
    plan = plan_in(state)
    Plan.objects.filter(pk=plan.pk).update(state=P.APPROVED)  # a bypass of the services
    plan.refresh_from_db()

    assert services.plan_missing_signatures(plan) == [Step.PLAN_REVIEW]
    assert not services.plan_is_valid(plan)
    with pytest.raises(DomainError, match="not passed the internal review"):
        services.plan_send(plan=plan, actor=salesperson)

    plan.refresh_from_db()
    assert (plan.state, plan.submitted_to_customer_at) == (P.APPROVED, None)


def test_a_rejection_is_no_review_signature(plan_in, salesperson, manager):
    plan = plan_in(P.IN_REVIEW)
    services.plan_review(plan=plan, actor=manager, approve=False, comment="No.")
    Plan.objects.filter(pk=plan.pk).update(state=P.APPROVED)
    plan.refresh_from_db()

    with pytest.raises(DomainError, match="not passed the internal review"):
        services.plan_send(plan=plan, actor=salesperson)


def test_a_reopened_plan_needs_a_new_review_before_it_goes_out(plan_in, salesperson, manager):
    plan = plan_in(P.APPROVED)
    assert services.plan_is_valid(plan)

    services.plan_reopen(plan=plan, actor=salesperson)
    plan.refresh_from_db()
    assert not services.plan_is_valid(plan)
    services.plan_submit(plan=plan, actor=salesperson)
    Plan.objects.filter(pk=plan.pk).update(state=P.APPROVED)  # skip the second review
    plan.refresh_from_db()

    assert plan.version == 2
    assert services.plan_missing_signatures(plan) == [Step.PLAN_REVIEW]
    with pytest.raises(DomainError, match="not passed the internal review"):
        services.plan_send(plan=plan, actor=salesperson)


# --- agreements: drafting ---------------------------------------------------------------------


def test_a_draft_takes_its_list_prices_from_the_price_list_and_sums_its_lines(salesperson, manager):
    tv = make_product(list_price="1000.00")
    radio = make_product(list_price="250.00")
    agreement = accepted_agreement(salesperson, manager)

    services.agreement_update(
        agreement=agreement,
        actor=salesperson,
        data=agreement_terms(),
        lines=[
            line(tv, agreed_price="900.00", quantity=10, list_price=D("1.00")),
            line(radio, agreed_price="250.00", quantity=4),
        ],
    )

    agreement.refresh_from_db()
    assert [(li.position, li.list_price, li.agreed_price) for li in agreement.lines.all()] == [
        (1, D("1000.00"), D("900.00")),
        (2, D("250.00"), D("250.00")),
    ]
    assert (agreement.list_total, agreement.total) == (D("11000.00"), D("10000.00"))
    assert agreement.discount == D("1000.00")
    assert agreement.discount_percent == D("9.09")
    assert (agreement.free_changes, agreement.fee_per_change) == (2, D("800.00"))

    tv.list_price = D("2000.00")  # a later change of the price list
    tv.save()
    agreement.refresh_from_db()
    assert agreement.lines.get(position=1).list_price == D("1000.00")


@pytest.mark.parametrize(
    ("terms", "line_fields", "message"),
    [
        ({"title": " "}, {}, "title"),
        ({"period_start": date(2027, 6, 1)}, {}, "end on or after"),
        ({"fee_per_change": D("-1")}, {}, "negative"),
        (
            {},
            {"start": date(2027, 3, 1), "period_end": date(2027, 2, 1)},
            "Line 1: the period",
        ),
        ({}, {"quantity": 0}, "Line 1: quantity and price"),
        ({}, {"agreed_price": D("-0.01")}, "Line 1: quantity and price"),
    ],
)
def test_a_bad_draft_is_refused_and_changes_nothing(
    salesperson, manager, terms, line_fields, message
):
    product = make_product()
    agreement = accepted_agreement(salesperson, manager)

    with pytest.raises(DomainError, match=message):
        services.agreement_update(
            agreement=agreement,
            actor=salesperson,
            data=agreement_terms(**terms),
            lines=[line(product, **line_fields)],
        )

    agreement.refresh_from_db()
    assert agreement.title == "Spring campaign"
    assert not agreement.lines.exists()


def test_an_empty_period_is_taken_from_the_lines(salesperson, manager):
    product = make_product()
    agreement = accepted_agreement(salesperson, manager)

    services.agreement_update(
        agreement=agreement,
        actor=salesperson,
        data=agreement_terms(period_start=None, period_end=None),
        lines=[
            line(product, start=date(2027, 4, 1), days=10),
            line(product, start=date(2027, 3, 15), days=5),
        ],
    )

    agreement.refresh_from_db()
    assert (agreement.period_start, agreement.period_end) == (date(2027, 3, 15), date(2027, 4, 11))


def test_a_product_off_the_price_list_cannot_be_agreed(salesperson, manager):
    product = make_product(active=False)
    agreement = accepted_agreement(salesperson, manager)

    with pytest.raises(DomainError, match="no longer on the price list"):
        services.agreement_update(
            agreement=agreement, actor=salesperson, data=agreement_terms(), lines=[line(product)]
        )


def test_only_the_salesperson_changes_and_only_a_draft(salesperson, manager, agreement_in):
    product = make_product()
    draft = agreement_in(A.DRAFT)
    with pytest.raises(DomainError, match="Only the salesperson"):
        services.agreement_update(
            agreement=draft, actor=manager, data=agreement_terms(), lines=[line(product)]
        )

    submitted = agreement_in(A.MANAGER_REVIEW)
    with pytest.raises(DomainError, match="Only a draft"):
        services.agreement_update(
            agreement=submitted,
            actor=salesperson,
            data=agreement_terms(title="Changed"),
            lines=[line(product)],
        )
    submitted.refresh_from_db()
    assert submitted.title == "Spring campaign agreement"


@pytest.mark.parametrize(
    ("terms", "with_lines", "message"),
    [
        ({}, False, "at least one line"),
        ({"payment_terms": "  "}, True, "payment terms"),
        ({"period_start": None}, True, "period"),
    ],
)
def test_an_incomplete_agreement_is_not_submitted(salesperson, manager, terms, with_lines, message):
    agreement = draft_agreement(salesperson, manager, lines_for() if with_lines else [])
    if terms:  # written straight to the row: the service never saves these empty
        Agreement.objects.filter(pk=agreement.pk).update(**terms)

    with pytest.raises(DomainError, match=message):
        services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision, agreement.submitted_at) == (A.DRAFT, 0, None)
    assert not Notification.objects.filter(kind="agreement_submitted").exists()


def test_submitting_asks_the_manager_and_their_delegate(
    salesperson, manager, deputy, other_manager, director
):
    agreement = draft_agreement(salesperson, manager, lines_for())

    services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision, agreement.submitted_at) == (
        A.MANAGER_REVIEW,
        1,
        NOW,
    )
    assert recipients_of("agreement_submitted") == {"manager", "deputy"}


# --- the major rule through the submission ----------------------------------------------------


def set_threshold(amount):
    Policy.objects.update_or_create(pk=1, defaults={"major_agreement_threshold": D(amount)})


def submit_with(salesperson, manager, *, list_price, agreed_price, quantity=1):
    product = make_product(list_price=list_price)
    lines = [line(product, agreed_price=agreed_price, quantity=quantity)]
    return submitted_agreement(salesperson, manager, lines)


@pytest.mark.parametrize(
    ("authority", "agreed_price", "is_major"),
    [
        ("10", "90.00", False),  # exactly at the authority
        ("10", "89.99", True),  # one cent below
        ("10", "95.00", False),  # above it
        ("0", "100.00", False),  # no authority: the list price only
        ("0", "99.99", True),
        ("12.5", "87.50", False),
        ("12.5", "87.49", True),
    ],
)
def test_a_line_below_the_salespersons_authority_makes_the_agreement_major(
    salesperson, manager, director, authority, agreed_price, is_major
):
    salesperson.discount_authority = D(authority)
    salesperson.save(update_fields=["discount_authority"])

    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price=agreed_price)

    assert agreement.is_major is is_major
    assert [r["kind"] for r in agreement.major_reasons] == (["line"] if is_major else [])
    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert agreement.state == (A.DIRECTOR_REVIEW if is_major else A.APPROVED)


@pytest.mark.parametrize(
    ("list_price", "is_major"),
    [("10000.00", False), ("10000.01", True), ("9999.99", False)],
)
def test_a_total_above_the_company_threshold_makes_the_agreement_major(
    salesperson, manager, director, list_price, is_major
):
    set_threshold("10000.00")

    agreement = submit_with(salesperson, manager, list_price=list_price, agreed_price=list_price)

    assert agreement.is_major is is_major
    if is_major:
        assert agreement.major_reasons == [
            {"kind": "total", "total": "10000.01", "threshold": "10000.00"}
        ]


def test_the_default_threshold_is_half_a_million(salesperson, manager, director):
    at_it = submit_with(salesperson, manager, list_price="250000.00", agreed_price="250000.00",
                        quantity=2)  # fmt: skip
    above = submit_with(salesperson, manager, list_price="500000.01", agreed_price="500000.01")

    assert (at_it.is_major, above.is_major) == (False, True)


def test_a_major_agreement_goes_to_the_directors_who_see_why_on_the_agreement(
    salesperson, manager, director, director_deputy
):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="80.00")

    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.DIRECTOR_REVIEW, None)
    assert recipients_of("agreement_needs_director") == {"director", "director_deputy"}
    told = Notification.objects.filter(kind="agreement_needs_director").first()
    # The reasons are shown on the agreement, in the reader's language, not frozen in the note.
    assert notifications.message(told) == (
        f"Agreement {agreement.number} with {agreement.customer.name} is major and needs "
        "your approval."
    )
    assert told.url == services.agreement_url(agreement)
    assert "20.00% off" in rules.describe(agreement.major_reasons[0])
    assert recipients_of("agreement_manager_approved") == {"salesperson"}
    assert not Notification.objects.filter(kind="agreement_approved").exists()


def test_a_major_agreement_with_no_director_cannot_be_submitted(salesperson, manager):
    agreement = draft_agreement(salesperson, manager, lines_for(major=True))

    with pytest.raises(DomainError, match="no marketing director"):
        services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision) == (A.DRAFT, 0)


def test_a_non_major_agreement_is_approved_by_the_manager_alone(salesperson, manager, director):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="100.00")

    services.agreement_decide(agreement=agreement, actor=manager, approve=True, comment="OK")

    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.APPROVED, NOW)
    assert [s.step for s in agreement.signatures.all()] == [Step.MANAGER]
    told = Notification.objects.get(kind="agreement_approved")
    assert (told.recipient, told.actor, told.body) == (salesperson, manager, "OK")
    assert not Notification.objects.filter(kind="agreement_needs_director").exists()


def test_the_director_approves_a_major_agreement_and_both_are_told(salesperson, manager, director):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="80.00")
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    services.agreement_decide(agreement=agreement, actor=director, approve=True)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.APPROVED, NOW)
    assert [(s.step, s.signer) for s in agreement.signatures.all()] == [
        (Step.MANAGER, manager),
        (Step.DIRECTOR, director),
    ]
    assert recipients_of("agreement_approved") == {"salesperson", "manager"}
    assert history_states(agreement) == [
        A.DRAFT,  # drafted from the plan
        A.DRAFT,  # the lines saved
        A.MANAGER_REVIEW,
        A.DIRECTOR_REVIEW,
        A.APPROVED,
    ]


def test_the_salesperson_can_never_skip_the_director(salesperson, manager, director):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="80.00")
    with pytest.raises(DomainError):
        services.agreement_decide(agreement=agreement, actor=salesperson, approve=True)
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    # Not by approving, sending or signing it themselves,
    for attempt in (
        lambda: services.agreement_decide(agreement=agreement, actor=salesperson, approve=True),
        lambda: services.agreement_send(agreement=agreement, actor=salesperson),
        lambda: services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY),
    ):
        with pytest.raises(DomainError):
            attempt()
    # nor by the manager approving again,
    with pytest.raises(DomainError):
        services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    # nor under a delegation from the director (never recorded for a salesperson by the
    # services; written straight to the table here),
    with pytest.raises(DomainError, match="active manager or director"):
        delegate(director, salesperson)
    Delegation.objects.create(
        delegator=director,
        delegate=salesperson,
        valid_from=TODAY,
        valid_until=TODAY,
        created_by=director,
        created_at=NOW,
    )
    with pytest.raises(DomainError, match="may not"):
        services.agreement_decide(agreement=agreement, actor=salesperson, approve=True)
    assert services.agreement_moves(agreement, salesperson) == {A.DRAFT}

    agreement.refresh_from_db()
    assert agreement.state == A.DIRECTOR_REVIEW
    assert [s.step for s in agreement.signatures.all()] == [Step.MANAGER]


def test_the_major_rule_is_decided_again_at_each_submission(salesperson, manager, director):
    product = make_product(list_price="100.00")
    agreement = submitted_agreement(salesperson, manager, [line(product, agreed_price="80.00")])
    assert agreement.is_major
    services.agreement_withdraw(agreement=agreement, actor=salesperson)
    services.agreement_update(
        agreement=agreement,
        actor=salesperson,
        data=agreement_terms(),
        lines=[line(product, agreed_price="95.00")],
    )

    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)

    assert (agreement.revision, agreement.major_reasons) == (2, [])


# --- signatures -------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "  \n "])
def test_rejecting_an_agreement_needs_a_reason(agreement_in, manager, comment):
    agreement = agreement_in(A.MANAGER_REVIEW)

    with pytest.raises(DomainError, match="why"):
        services.agreement_decide(
            agreement=agreement, actor=manager, approve=False, comment=comment
        )

    agreement.refresh_from_db()
    assert agreement.state == A.MANAGER_REVIEW
    assert not agreement.signatures.exists()


def test_a_rejection_is_signed_and_returns_the_agreement_to_draft_with_the_reason(
    agreement_in, salesperson, manager
):
    agreement = agreement_in(A.MANAGER_REVIEW)

    services.agreement_decide(
        agreement=agreement, actor=manager, approve=False, comment="  Price too low.  "
    )

    agreement.refresh_from_db()
    assert (agreement.state, agreement.return_reason) == (A.DRAFT, "Price too low.")
    signature = agreement.signatures.get()
    assert (signature.step, signature.decision, signature.revision) == (
        Step.MANAGER,
        Decision.REJECTED,
        1,
    )
    assert (signature.signer, signature.on_behalf_of, signature.delegation) == (
        manager,
        manager,
        None,
    )
    assert (signature.signed_at, signature.comment) == (NOW, "Price too low.")
    assert not signature.delegated
    told = Notification.objects.get(kind="agreement_rejected")
    assert (told.recipient, told.body) == (salesperson, "Price too low.")

    resubmitted = services.agreement_submit(agreement=agreement, actor=salesperson)
    assert (resubmitted.revision, resubmitted.return_reason) == (2, "")


def test_the_directors_rejection_is_told_to_the_salesperson_and_the_manager(
    agreement_in, salesperson, manager, director
):
    agreement = agreement_in(A.DIRECTOR_REVIEW)

    services.agreement_decide(agreement=agreement, actor=director, approve=False, comment="No.")

    agreement.refresh_from_db()
    assert (agreement.state, agreement.return_reason) == (A.DRAFT, "No.")
    assert [(s.step, s.decision) for s in agreement.signatures.all()] == [
        (Step.MANAGER, Decision.APPROVED),
        (Step.DIRECTOR, Decision.REJECTED),
    ]
    assert recipients_of("agreement_rejected") == {"salesperson", "manager"}


def test_the_signature_time_is_the_servers(agreement_in, manager, time_machine):
    agreement = agreement_in(A.MANAGER_REVIEW)
    later = NOW + timedelta(hours=3, minutes=7)
    time_machine.move_to(later, tick=False)

    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    assert agreement.signatures.get().signed_at == later


def test_a_signature_is_never_changed_or_removed_through_the_model(agreement_in):
    agreement = agreement_in(A.APPROVED)
    signature = agreement.signatures.get()

    signature.comment = "Changed afterwards"
    with pytest.raises(ValueError, match="never changed"):
        signature.save()
    with pytest.raises(ValueError, match="never removed"):
        signature.delete()

    assert Signature.objects.get(pk=signature.pk).comment == ""


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE contracts_signature SET comment = 'forged' WHERE id = %s",
        "UPDATE contracts_signature SET decision = 'rejected' WHERE id = %s",
        "DELETE FROM contracts_signature WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_remove_a_signature(agreement_in, statement):
    agreement = agreement_in(A.APPROVED)
    signature = agreement.signatures.get()

    refused = pytest.raises(DatabaseError, match="a signature is never changed or removed")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [signature.pk])

    kept = Signature.objects.get(pk=signature.pk)
    assert (kept.comment, kept.decision) == ("", Decision.APPROVED)


def test_the_database_refuses_queryset_updates_and_deletes_of_signatures(agreement_in):
    agreement = agreement_in(A.APPROVED)

    with pytest.raises(DatabaseError, match="never changed or removed"), transaction.atomic():
        Signature.objects.filter(agreement=agreement).update(comment="forged")
    with pytest.raises(DatabaseError, match="never changed or removed"), transaction.atomic():
        Signature.objects.filter(agreement=agreement).delete()

    assert Signature.objects.filter(agreement=agreement, comment="").count() == 1


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


# --- the agreement's send-gate ----------------------------------------------------------------


def test_missing_signatures_of_a_non_major_agreement(agreement_in, manager):
    agreement = agreement_in(A.DRAFT)
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER]
    assert not services.agreement_is_valid(agreement)

    agreement = services.agreement_submit(agreement=agreement, actor=agreement.salesperson)
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER]
    assert not services.agreement_is_valid(agreement)

    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert services.agreement_missing_signatures(agreement) == []
    assert services.agreement_is_valid(agreement)


def test_missing_signatures_of_a_major_agreement(agreement_in, manager, director):
    agreement = agreement_in(A.MANAGER_REVIEW, major=True)
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER, Step.DIRECTOR]

    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert services.agreement_missing_signatures(agreement) == [Step.DIRECTOR]
    assert not services.agreement_is_valid(agreement)

    agreement = services.agreement_decide(agreement=agreement, actor=director, approve=True)
    assert services.agreement_missing_signatures(agreement) == []
    assert services.agreement_is_valid(agreement)


@pytest.mark.parametrize("state", [A.SENT, A.SIGNED])
def test_a_sent_or_signed_agreement_with_its_signatures_is_valid(agreement_in, state):
    agreement = agreement_in(state)

    assert services.agreement_is_valid(agreement)
    services.require_valid_agreement(agreement)


@pytest.mark.parametrize(
    ("state", "major", "missing"),
    [
        (A.DRAFT, False, "Sales manager's approval"),
        (A.MANAGER_REVIEW, False, "Sales manager's approval"),
        (A.MANAGER_REVIEW, True, "Sales manager's approval, Marketing director's approval"),
        (A.DIRECTOR_REVIEW, True, "missing: Marketing director's approval\\)"),
    ],
)
def test_an_agreement_forced_to_approved_without_its_signatures_is_not_sent(
    agreement_in, salesperson, state, major, missing
):
    agreement = agreement_in(state, major=major)
    Agreement.objects.filter(pk=agreement.pk).update(state=A.APPROVED)  # a bypass
    agreement.refresh_from_db()

    assert not services.agreement_is_valid(agreement)
    with pytest.raises(DomainError, match=missing):
        services.require_valid_agreement(agreement)
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.sent_at, agreement.sent_by) == (A.APPROVED, None, None)


def test_an_agreement_forced_to_sent_without_its_signatures_is_not_signed(
    agreement_in, salesperson
):
    agreement = agreement_in(A.DIRECTOR_REVIEW)
    Agreement.objects.filter(pk=agreement.pk).update(state=A.SENT, sent_at=NOW)
    agreement.refresh_from_db()

    with pytest.raises(DomainError, match="not valid"):
        services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == (A.SENT, None)
    assert agreement.customer.pipeline_class != PipelineClass.SIGNED
    assert not ClassChange.objects.filter(to_class=PipelineClass.SIGNED).exists()


def test_a_rejection_by_the_director_is_no_signature_for_the_gate(
    agreement_in, salesperson, director
):
    agreement = agreement_in(A.DIRECTOR_REVIEW)
    services.agreement_decide(agreement=agreement, actor=director, approve=False, comment="No.")
    Agreement.objects.filter(pk=agreement.pk).update(state=A.APPROVED)
    agreement.refresh_from_db()

    assert services.agreement_missing_signatures(agreement) == [Step.DIRECTOR]
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)


def test_a_reopened_agreement_needs_every_signature_again(agreement_in, salesperson, manager):
    agreement = agreement_in(A.APPROVED)
    assert agreement.revision == 1

    services.agreement_reopen(agreement=agreement, actor=salesperson)
    agreement.refresh_from_db()
    assert not services.agreement_is_valid(agreement)
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)

    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)
    assert agreement.revision == 2
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER]
    Agreement.objects.filter(pk=agreement.pk).update(state=A.APPROVED)  # skip the approval
    agreement.refresh_from_db()
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)

    Agreement.objects.filter(pk=agreement.pk).update(state=A.MANAGER_REVIEW)
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    agreement = services.agreement_send(agreement=agreement, actor=salesperson)
    assert agreement.state == A.SENT
    assert [s.revision for s in agreement.signatures.all()] == [1, 2]


def test_sending_records_who_and_the_server_time(agreement_in, manager):
    agreement = agreement_in(A.APPROVED)

    services.agreement_send(agreement=agreement, actor=manager)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.sent_at, agreement.sent_by) == (A.SENT, NOW, manager)


# --- signing and the customer's class ---------------------------------------------------------


def test_signing_moves_the_customer_to_signed_with_who_and_why(agreement_in, salesperson, manager):
    agreement = agreement_in(A.SENT)
    customer = agreement.customer
    assert customer.pipeline_class == PipelineClass.UNCLASSIFIED

    services.agreement_sign(agreement=agreement, actor=manager, signed_on=TODAY)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on, agreement.signed_recorded_at) == (
        A.SIGNED,
        TODAY,
        NOW,
    )
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    change = customer.class_changes.get()
    assert (change.from_class, change.to_class, change.changed_by, change.changed_at) == (
        PipelineClass.UNCLASSIFIED,
        PipelineClass.SIGNED,
        manager,
        NOW,
    )
    assert change.reason == f"Agreement {agreement.number} signed on 2026-03-02"
    # Nobody is told of their own action: the manager recorded it, the salesperson is told.
    assert recipients_of("agreement_signed") == {"salesperson"}
    told = Notification.objects.filter(kind="agreement_signed").first()
    assert told.params["total"] == "10000.00"


def test_signing_a_major_agreement_also_tells_the_director(agreement_in, salesperson):
    agreement = agreement_in(A.SENT, major=True)

    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    assert recipients_of("agreement_signed") == {"manager", "director"}


def test_a_customer_already_signed_stays_signed_without_a_new_class_change(
    agreement_in, salesperson, manager
):
    first = agreement_in(A.SIGNED)
    customer = first.customer
    plan = make_plan(salesperson, customer=customer)
    services.plan_submit(plan=plan, actor=salesperson)
    services.plan_review(plan=plan, actor=manager, approve=True)
    services.plan_send(plan=plan, actor=salesperson)
    second = services.plan_accept(plan=plan, actor=salesperson)
    services.agreement_update(
        agreement=second, actor=salesperson, data=agreement_terms(), lines=lines_for()
    )
    services.agreement_submit(agreement=second, actor=salesperson)
    services.agreement_decide(agreement=second, actor=manager, approve=True)
    services.agreement_send(agreement=second, actor=salesperson)

    services.agreement_sign(agreement=second, actor=salesperson, signed_on=TODAY)

    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert customer.class_changes.count() == 1


@pytest.mark.parametrize(
    ("signed_on", "message"),
    [
        (TODAY + timedelta(days=1), "future"),
        (TODAY - timedelta(days=1), "before the agreement was sent"),
    ],
)
def test_the_signing_date_is_between_sending_and_today(
    agreement_in, salesperson, signed_on, message
):
    agreement = agreement_in(A.SENT)

    with pytest.raises(DomainError, match=message):
        services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=signed_on)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == (A.SENT, None)
    assert not ClassChange.objects.exists()


def test_a_letter_of_intent_moves_the_customer_to_loi_then_signing_to_signed(
    agreement_in, salesperson
):
    agreement = agreement_in(A.APPROVED)
    customer = agreement.customer
    customer_change_class(
        customer=customer, actor=salesperson, to_class=PipelineClass.KEY, reason="Big budget"
    )

    services.agreement_record_loi(agreement=agreement, actor=salesperson, signed_on=TODAY)

    agreement.refresh_from_db()
    assert agreement.loi_signed_on == TODAY
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.LETTER_OF_INTENT
    change = customer.class_changes.first()
    assert (change.from_class, change.to_class, change.changed_by) == (
        PipelineClass.KEY,
        PipelineClass.LETTER_OF_INTENT,
        salesperson,
    )
    assert change.reason == f"Letter of intent for {agreement.number} signed on 2026-03-02"

    services.agreement_send(agreement=agreement, actor=salesperson)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert list(customer.class_changes.values_list("to_class", flat=True)) == [
        PipelineClass.SIGNED,
        PipelineClass.LETTER_OF_INTENT,
        PipelineClass.KEY,
    ]


def test_a_letter_of_intent_never_moves_a_signed_customer_back(agreement_in, salesperson):
    agreement = agreement_in(A.DRAFT)
    customer = agreement.customer
    customer_change_class(
        customer=customer,
        actor=salesperson,
        to_class=PipelineClass.SIGNED,
        reason="Signed an earlier agreement",
        system=True,
    )

    services.agreement_record_loi(agreement=agreement, actor=salesperson, signed_on=TODAY)

    agreement.refresh_from_db()
    assert agreement.loi_signed_on == TODAY
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert customer.class_changes.count() == 1


@pytest.mark.parametrize(
    ("state", "persona", "signed_on", "message"),
    [
        (A.DRAFT, "salesperson", TODAY + timedelta(days=1), "future"),
        (A.SIGNED, "salesperson", TODAY, "before the agreement is signed"),
        (A.CANCELLED, "salesperson", TODAY, "before the agreement is signed"),
        (A.DRAFT, "teammate", TODAY, "may not make this change"),
        (A.DRAFT, "director", TODAY, "may not make this change"),
    ],
)
def test_a_letter_of_intent_is_refused(request, agreement_in, state, persona, signed_on, message):
    agreement = agreement_in(state)
    changes = ClassChange.objects.count()

    with pytest.raises(DomainError, match=message):
        services.agreement_record_loi(
            agreement=agreement, actor=request.getfixturevalue(persona), signed_on=signed_on
        )

    agreement.refresh_from_db()
    assert agreement.loi_signed_on is None
    assert ClassChange.objects.count() == changes


def test_a_letter_of_intent_is_recorded_once(agreement_in, manager):
    agreement = agreement_in(A.DRAFT)
    services.agreement_record_loi(agreement=agreement, actor=manager, signed_on=TODAY)

    with pytest.raises(DomainError, match="already recorded"):
        services.agreement_record_loi(
            agreement=agreement, actor=manager, signed_on=TODAY - timedelta(days=1)
        )

    agreement.refresh_from_db()
    assert agreement.loi_signed_on == TODAY


# --- numbering --------------------------------------------------------------------------------


def test_agreements_are_numbered_in_sequence_within_the_year(salesperson, manager):
    numbers = [accepted_agreement(salesperson, manager).number for _ in range(3)]

    assert numbers == ["AD2026-0001", "AD2026-0002", "AD2026-0003"]
    assert AgreementCounter.objects.get(year=2026).last == 3


def test_the_numbering_restarts_each_year_by_local_date(plan_in, salesperson):
    plans = [plan_in(P.SUBMITTED) for _ in range(4)]
    moments = [
        at(2026, 12, 31, 23, 59),
        at(2027, 1, 1, 0, 30),  # still 2026 in UTC
        at(2027, 6, 1, 9, 0),
        at(2026, 12, 31, 12, 0),  # a late 2026 one still continues 2026's sequence
    ]

    numbers = [
        services.plan_accept(plan=plan, actor=salesperson, now=moment).number
        for plan, moment in zip(plans, moments, strict=True)
    ]

    assert numbers == ["AD2026-0001", "AD2027-0001", "AD2027-0002", "AD2026-0002"]


def test_next_number_counts_on_from_the_counter(db):
    AgreementCounter.objects.create(year=2030, last=41)

    with transaction.atomic():
        assert services.next_number(2030) == "AD2030-0042"
        assert services.next_number(2031) == "AD2031-0001"


# --- change requests (rule 4.1) ---------------------------------------------------------------


def add_change(agreement, actor, *, kind=ChangeRequest.Kind.ARTWORK, description="New artwork"):
    return services.change_request_add(
        agreement=agreement, actor=actor, kind=kind, description=description
    )


def test_changes_are_free_while_the_allowance_lasts_then_each_shows_the_fee(
    agreement_in, salesperson, manager
):
    agreement = agreement_in(A.SIGNED)  # 2 free changes, then 800.00 each
    assert services.allowance(agreement) == {
        "used": 0,
        "free": 2,
        "left": 2,
        "next_fee": D("0.00"),
        "charged": 0,
    }

    changes = [add_change(agreement, salesperson) for _ in range(2)]
    assert [(c.number, c.free, c.fee) for c in changes] == [
        (1, True, D("0.00")),
        (2, True, D("0.00")),
    ]
    assert not Notification.objects.filter(kind="change_charged").exists()
    assert services.allowance(agreement) == {
        "used": 2,
        "free": 2,
        "left": 0,
        "next_fee": D("800.00"),
        "charged": 0,
    }

    third = add_change(agreement, manager, kind=ChangeRequest.Kind.REVISION, description=" Copy ")
    fourth = add_change(agreement, salesperson)

    assert [(c.number, c.free, c.fee) for c in (third, fourth)] == [
        (3, False, D("800.00")),
        (4, False, D("800.00")),
    ]
    assert (third.kind, third.description, third.recorded_by, third.requested_at) == (
        ChangeRequest.Kind.REVISION,
        "Copy",
        manager,
        NOW,
    )
    assert services.allowance(agreement) == {
        "used": 4,
        "free": 2,
        "left": 0,
        "next_fee": D("800.00"),
        "charged": 2,
    }
    # Each is told to the other of the two (nobody is told of their own action).
    to_salesperson = Notification.objects.filter(kind="change_charged", recipient=salesperson)
    to_manager = Notification.objects.filter(kind="change_charged", recipient=manager)
    assert [n.params["change"] for n in to_salesperson] == [3]
    assert [n.params["change"] for n in to_manager] == [4]
    assert to_salesperson.get().params["fee"] == "800.00"


def test_with_no_free_changes_the_first_one_is_charged(salesperson, manager, director):
    agreement = approved_agreement(
        salesperson, manager, lines_for(), free_changes=0, fee_per_change=D("150.50")
    )
    services.agreement_send(agreement=agreement, actor=salesperson)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    change = add_change(agreement, salesperson)

    assert (change.number, change.free, change.fee) == (1, False, D("150.50"))
    assert recipients_of("change_charged") == {"manager"}
    assert services.allowance(agreement)["charged"] == 1


@pytest.mark.parametrize("state", [A.DRAFT, A.MANAGER_REVIEW, A.APPROVED, A.SENT, A.CANCELLED])
def test_changes_are_recorded_only_against_a_signed_agreement(agreement_in, salesperson, state):
    agreement = agreement_in(state)

    with pytest.raises(DomainError, match="signed agreement"):
        add_change(agreement, salesperson)

    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("persona", "kind", "description", "message"),
    [
        ("teammate", "artwork", "New artwork", "may not make this change"),
        ("director", "artwork", "New artwork", "may not make this change"),
        ("salesperson", "other", "New artwork", "what kind"),
        ("salesperson", "artwork", "   ", "Describe"),
    ],
)
def test_a_bad_change_request_is_refused(
    request, agreement_in, persona, kind, description, message
):
    agreement = agreement_in(A.SIGNED)

    with pytest.raises(DomainError, match=message):
        add_change(agreement, request.getfixturevalue(persona), kind=kind, description=description)

    assert not ChangeRequest.objects.exists()


# --- cancelling -------------------------------------------------------------------------------


def test_cancelling_records_when_and_why(agreement_in, plan_in, manager):
    agreement = agreement_in(A.SENT)
    plan = plan_in(P.SUBMITTED)

    services.agreement_cancel(agreement=agreement, actor=manager, reason=" Budget cut. ")
    services.plan_cancel(plan=plan, actor=manager, reason=" Budget cut. ")

    agreement.refresh_from_db()
    assert (agreement.state, agreement.cancelled_at, agreement.cancel_reason) == (
        A.CANCELLED,
        NOW,
        "Budget cut.",
    )
    assert not services.agreement_is_valid(agreement)
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason) == (P.CANCELLED, "Budget cut.")
    assert plan.versions.get().outcome == PlanVersion.Outcome.CANCELLED
