"""The two transition tables and the move every service makes through them (Figures 1
and 2), and the signatures recorded for each decision."""

import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from contracts import services
from contracts.models import Agreement, Decision, PlanVersion, Signature, Step
from contracts.services import AGREEMENT_TRANSITIONS, PLAN_TRANSITIONS
from contracts.tests.services.helpers import NOW, TODAY, A, P, history_states, recipients_of
from customers.models import ClassChange
from salescrm.errors import DomainError
from salescrm.models import Notification

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
                table.move(document, to, every_capacity)
                assert document.state == to
            else:
                with pytest.raises(DomainError, match="not possible now"):
                    table.move(document, to, every_capacity)
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
