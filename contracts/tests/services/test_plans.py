"""Plans through the services (Figure 1) and the plan's send-gate."""

from datetime import date

import pytest

from contracts import services
from contracts.models import Agreement, Decision, Plan, PlanVersion, Signature, Step
from contracts.tests.factories import make_plan, plan_data
from contracts.tests.services.helpers import NOW, A, D, P, history_states, recipients_of
from customers.tests.factories import make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.tests.factories import UserFactory

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
