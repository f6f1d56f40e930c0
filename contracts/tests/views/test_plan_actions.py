"""Figure 1 through the views: draft, review, send, the customer's answer, cancel."""

import pytest
from django.urls import reverse

from contracts.models import Agreement, AgreementState, Plan, PlanState, PlanVersion, Signature
from contracts.tests.factories import make_agreement_in, make_plan_in, plan_data
from contracts.tests.views.helpers import agreement_url, plan_act, plan_url, snapshot
from salescrm.models import Notification
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import html, messages_of, shown, text_of


def create_url(customer) -> str:
    return reverse("contracts:plan_create", kwargs={"customer_pk": customer.pk})


def form_data(**fields) -> dict:
    data = {key: "" if value is None else str(value) for key, value in plan_data().items()}
    data.update(fields)
    return data


# --- drafting -------------------------------------------------------------------------------


def test_the_owner_drafts_a_plan_for_their_customer(client_for, salesperson, customer):
    client = client_for(salesperson)

    assert client.get(create_url(customer)).status_code == 200
    response = client.post(create_url(customer), form_data(title="Summer push"))

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == ["Plan drafted. Submit it for internal review."]
    assert (plan.title, plan.customer, plan.salesperson) == ("Summer push", customer, salesperson)
    assert (plan.state, plan.version) == (PlanState.DRAFT, 0)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": "  "}, "This field is required."),
        ({"objectives": ""}, "This field is required."),
        (
            {"period_start": "2027-05-01", "period_end": "2027-04-01"},
            "The campaign must end on or after its first day.",
        ),
        ({"budget": "lots"}, "Enter a number."),
        ({"budget": "-1"}, "The budget cannot be negative."),
        ({"period_start": "2027-02-30"}, "Enter a valid date."),
    ],
    ids=[
        "no title",
        "no objectives",
        "ends before it starts",
        "budget not a number",
        "negative budget",
        "bad date",
    ],
)
def test_bad_input_is_shown_and_no_plan_is_drafted(
    client_for, salesperson, customer, fields, error
):
    response = client_for(salesperson).post(create_url(customer), form_data(**fields))

    assert response.status_code == 200
    assert error in html(response)
    assert not Plan.objects.exists()


def test_the_owner_revises_a_draft(client_for, salesperson):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    client = client_for(salesperson)

    assert client.get(plan_url("plan_edit", plan)).status_code == 200
    response = client.post(
        plan_url("plan_edit", plan), with_version(plan, form_data(title="Revised title"))
    )

    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == ["Plan saved."]
    plan.refresh_from_db()
    assert plan.title == "Revised title"


def test_a_bad_revision_changes_nothing(client_for, salesperson):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    before = snapshot(plan)

    response = client_for(salesperson).post(
        plan_url("plan_edit", plan),
        with_version(
            plan, form_data(title="Never saved", period_start="2027-06-01", period_end="2027-01-01")
        ),
    )

    assert response.status_code == 200
    assert "The campaign must end on or after its first day." in html(response)
    assert snapshot(plan) == before


@pytest.mark.parametrize("state", [PlanState.IN_REVIEW, PlanState.APPROVED, PlanState.ACCEPTED])
def test_only_a_draft_is_revised(client_for, salesperson, state):
    plan = make_plan_in(state, salesperson)
    before = snapshot(plan)

    shown_page = client_for(salesperson).get(plan_url("plan_edit", plan))
    posted = client_for(salesperson).post(
        plan_url("plan_edit", plan), with_version(plan, form_data(title="Sneaky"))
    )

    for response in (shown_page, posted):
        assert response.status_code == 302
        assert response.url == plan_url("plan", plan)
        assert messages_of(response) == ["Only a draft plan can be changed."]
    assert snapshot(plan) == before


# --- review ---------------------------------------------------------------------------------


def test_the_salesperson_submits_and_the_manager_is_asked(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.DRAFT, salesperson)

    response = client_for(salesperson).post(plan_act(plan, "submit"))

    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == ["Sent to your manager for review."]
    plan.refresh_from_db()
    assert (plan.state, plan.version) == (PlanState.IN_REVIEW, 1)
    assert PlanVersion.objects.get(plan=plan).content["title"] == plan.title
    assert Notification.objects.filter(recipient=manager, kind="plan_review_requested").exists()


def test_a_double_submit_submits_once(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    client = client_for(salesperson)

    client.post(plan_act(plan, "submit"), follow=True)  # sees "Sent to your manager..."
    before = snapshot(plan)
    response = client.post(plan_act(plan, "submit"))

    assert messages_of(response) == ["That is not possible now: the plan is “In internal review”."]
    assert snapshot(plan) == before
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    assert Notification.objects.filter(recipient=manager, kind="plan_review_requested").count() == 1


def test_the_salesperson_withdraws_from_review(client_for, salesperson):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)

    response = client_for(salesperson).post(plan_act(plan, "withdraw"))

    assert messages_of(response) == ["Plan taken back from review."]
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert PlanVersion.objects.get(plan=plan).outcome == PlanVersion.Outcome.WITHDRAWN


def test_the_manager_passes_the_review_and_it_is_signed(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    client = client_for(manager)

    response = client.post(plan_act(plan, "approve"), {"comment": "Good mix"})

    assert messages_of(response) == ["Review passed and signed."]
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    signature = Signature.objects.get(plan=plan)
    assert (signature.signer, signature.on_behalf_of, signature.revision) == (manager, manager, 1)
    assert signature.comment == "Good mix"
    page = client.get(plan_url("plan", plan))
    assert shown(manager) in text_of(page, "signatures")
    assert Notification.objects.filter(recipient=salesperson, kind="plan_review_passed").exists()


def test_a_double_click_on_pass_signs_once(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    client = client_for(manager)

    client.post(plan_act(plan, "approve"), follow=True)
    before = snapshot(plan)
    response = client.post(plan_act(plan, "approve"))

    assert messages_of(response) == ["That is not possible now: the plan is “Review passed”."]
    assert snapshot(plan) == before
    assert Signature.objects.filter(plan=plan).count() == 1


def test_the_manager_rejects_with_a_reason(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)

    response = client_for(manager).post(plan_act(plan, "reject"), {"comment": "Budget too thin"})

    assert messages_of(response) == ["Plan sent back to revise."]
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason) == (PlanState.DRAFT, "Budget too thin")
    signature = Signature.objects.get(plan=plan)
    assert signature.decision == "rejected"
    page = client_for(salesperson).get(plan_url("plan", plan))
    assert "Budget too thin" in text_of(page, "return-reason")


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_a_rejection_without_a_reason_is_refused(client_for, salesperson, manager, comment):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    before = snapshot(plan)
    data = {} if comment is None else {"comment": comment}

    response = client_for(manager).post(plan_act(plan, "reject"), data)

    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == ["Say why the plan is rejected."]
    assert snapshot(plan) == before


def test_another_teams_plan_is_not_in_the_managers_reach(client_for, other_salesperson, manager):
    plan = make_plan_in(PlanState.IN_REVIEW, other_salesperson)
    before = snapshot(plan)

    assert client_for(manager).post(plan_act(plan, "approve")).status_code == 404
    assert snapshot(plan) == before


def test_the_owner_reopens_a_passed_plan(client_for, salesperson):
    plan = make_plan_in(PlanState.APPROVED, salesperson)

    response = client_for(salesperson).post(plan_act(plan, "reopen"))

    assert messages_of(response) == ["Plan reopened to revise."]
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_the_manager_may_not_reopen(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.APPROVED, salesperson)
    before = snapshot(plan)

    response = client_for(manager).post(plan_act(plan, "reopen"))

    assert response.status_code == 404
    assert snapshot(plan) == before


# --- the customer ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_the_plan_is_sent_to_the_customer(request, client_for, salesperson, persona):
    plan = make_plan_in(PlanState.APPROVED, salesperson)

    response = client_for(request.getfixturevalue(persona)).post(plan_act(plan, "send"))

    assert messages_of(response) == ["Plan submitted to the customer."]
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


def test_a_double_send_sends_once(client_for, salesperson):
    plan = make_plan_in(PlanState.APPROVED, salesperson)
    client = client_for(salesperson)

    client.post(plan_act(plan, "send"), follow=True)
    before = snapshot(plan)
    response = client.post(plan_act(plan, "send"))

    assert messages_of(response) == ["That is not possible now: the plan is “With the customer”."]
    assert snapshot(plan) == before


def test_the_customer_accepts_and_the_agreement_opens(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.SUBMITTED, salesperson)

    response = client_for(salesperson).post(plan_act(plan, "accept"))

    agreement = Agreement.objects.get(plan=plan)
    assert response.status_code == 302
    assert response.url == agreement_url("agreement", agreement)
    assert messages_of(response) == ["Accepted: the agreement is drafted."]
    plan.refresh_from_db()
    assert plan.state == PlanState.ACCEPTED
    assert (agreement.state, agreement.customer, agreement.title) == (
        AgreementState.DRAFT,
        plan.customer,
        plan.title,
    )
    assert agreement.number.startswith("AD2026-")
    assert Notification.objects.filter(recipient=manager, kind="plan_accepted").exists()


def test_a_double_accept_drafts_one_agreement(client_for, salesperson):
    plan = make_plan_in(PlanState.SUBMITTED, salesperson)
    client = client_for(salesperson)

    client.post(plan_act(plan, "accept"), follow=True)
    before = snapshot(plan)
    response = client.post(plan_act(plan, "accept"))

    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == [
        "That is not possible now: the plan is “Accepted by the customer”."
    ]
    assert snapshot(plan) == before
    assert Agreement.objects.filter(plan=plan).count() == 1


def test_accepting_a_plan_not_with_the_customer_is_refused(client_for, salesperson):
    plan = make_plan_in(PlanState.APPROVED, salesperson)
    before = snapshot(plan)

    response = client_for(salesperson).post(plan_act(plan, "accept"))

    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == ["That is not possible now: the plan is “Review passed”."]
    assert snapshot(plan) == before
    assert not Agreement.objects.exists()


def test_the_customer_declines_with_feedback(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.SUBMITTED, salesperson)

    response = client_for(salesperson).post(
        plan_act(plan, "decline"), {"feedback": "Wants more online"}
    )

    assert messages_of(response) == ["Declined: revise the plan."]
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason) == (PlanState.DRAFT, "Wants more online")
    assert PlanVersion.objects.get(plan=plan).outcome == PlanVersion.Outcome.DECLINED
    assert Notification.objects.filter(recipient=manager, kind="plan_declined").exists()


@pytest.mark.parametrize("feedback", [None, "", "   "])
def test_a_decline_needs_the_customers_feedback(client_for, salesperson, feedback):
    plan = make_plan_in(PlanState.SUBMITTED, salesperson)
    before = snapshot(plan)
    data = {} if feedback is None else {"feedback": feedback}

    response = client_for(salesperson).post(plan_act(plan, "decline"), data)

    assert response.url == plan_url("plan", plan)
    assert messages_of(response) == ["Write the customer's feedback."]
    assert snapshot(plan) == before


@pytest.mark.parametrize("state", [PlanState.DRAFT, PlanState.APPROVED, PlanState.SUBMITTED])
def test_the_plan_is_cancelled_with_a_reason(client_for, salesperson, state):
    plan = make_plan_in(state, salesperson)

    response = client_for(salesperson).post(plan_act(plan, "cancel"), {"reason": "Budget cut"})

    assert messages_of(response) == ["Plan cancelled."]
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason) == (PlanState.CANCELLED, "Budget cut")


def test_a_plan_in_review_cannot_be_cancelled(client_for, salesperson):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    before = snapshot(plan)

    response = client_for(salesperson).post(plan_act(plan, "cancel"))

    assert messages_of(response) == ["That is not possible now: the plan is “In internal review”."]
    assert snapshot(plan) == before


def test_another_agreement_is_drafted_once_the_first_is_cancelled(client_for, salesperson):
    first = make_agreement_in(AgreementState.CANCELLED, salesperson)
    plan = first.plan
    client = client_for(salesperson)

    response = client.post(plan_url("plan_new_agreement", plan))
    client.get(response.url)  # the message is read

    second = Agreement.objects.exclude(pk=first.pk).get()
    assert response.url == agreement_url("agreement", second)
    assert messages_of(response) == ["Agreement drafted."]
    again = client.post(plan_url("plan_new_agreement", plan))
    assert messages_of(again) == ["This plan already has an agreement in progress."]
    assert Agreement.objects.filter(plan=plan).count() == 2


# --- what the page offers -------------------------------------------------------------------


def test_the_page_offers_each_person_their_own_moves(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)

    owner_page = html(client_for(salesperson).get(plan_url("plan", plan)))
    manager_page = html(client_for(manager).get(plan_url("plan", plan)))

    assert plan_act(plan, "withdraw") in owner_page
    assert plan_act(plan, "approve") not in owner_page
    assert plan_act(plan, "approve") in manager_page
    assert plan_act(plan, "reject") in manager_page
    assert plan_act(plan, "withdraw") not in manager_page


def test_every_version_stays_readable(client_for, salesperson, manager):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson, title="First idea")
    client_for(manager).post(plan_act(plan, "reject"), {"comment": "Rethink"})
    owner = client_for(salesperson)
    owner.post(plan_url("plan_edit", plan), with_version(plan, form_data(title="Second idea")))
    owner.post(plan_act(plan, "submit"))

    first = owner.get(plan_url("plan_version", plan, number=1))
    second = owner.get(plan_url("plan_version", plan, number=2))

    assert "First idea" in html(first)
    assert text_of(first, "outcome") == "Rejected in review"
    assert "Second idea" in html(second)
    assert text_of(second, "outcome") == "In review"
