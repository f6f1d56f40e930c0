"""Signing under a delegation, and the delegations page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import AgreementState, Delegation, PlanState, Signature
from contracts.tests.factories import make_agreement_in, make_plan_in
from contracts.tests.views.helpers import agreement_act, agreement_url, plan_act, plan_url, snapshot
from salescrm.testing.http import html, messages_of, shown, text_of

DELEGATIONS = reverse("contracts:delegations")


def delegate(delegator, to, *, start=0, end=0) -> Delegation:
    """`to` may sign for `delegator` from today+start to today+end (days)."""
    today = timezone.localdate()
    return services.delegation_create(
        delegator=delegator,
        delegate=to,
        valid_from=today + timedelta(days=start),
        valid_until=today + timedelta(days=end),
        reason="Away at the trade fair",
        actor=delegator,
    )


def revoke(delegation) -> str:
    return reverse("contracts:delegation_revoke", kwargs={"pk": delegation.pk})


@pytest.fixture
def away(manager, other_manager):
    """The manager is away today; the other team's manager signs for them."""
    return delegate(manager, other_manager)


# --- signing for someone --------------------------------------------------------------------


def test_the_delegate_opens_and_approves_the_agreement_waiting_for_the_manager(
    client_for, salesperson, manager, other_manager, away
):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(other_manager)

    overview = client.get(reverse("contracts:list"))
    assert list(overview.context["agreements_to_approve"]) == [agreement]
    detail = client.get(agreement_url("agreement", agreement))
    assert detail.status_code == 200
    assert agreement_act(agreement, "approve") in html(detail)

    response = client.post(agreement_act(agreement, "approve"), {"comment": "For the manager"})

    assert messages_of(response) == ["Approved and signed."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.APPROVED
    signature = Signature.objects.get(agreement=agreement)
    assert (signature.signer, signature.on_behalf_of, signature.delegation) == (
        other_manager,
        manager,
        away,
    )
    page = client_for(salesperson).get(agreement_url("agreement", agreement))
    assert f"{shown(other_manager)} for {shown(manager)}" in text_of(page, "signatures")
    # What the delegate signed stays open to them.
    assert client.get(agreement_url("agreement", agreement)).status_code == 200


def test_the_delegate_passes_a_plan_review(client_for, salesperson, manager, other_manager, away):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    client = client_for(other_manager)

    assert list(client.get(reverse("contracts:list")).context["plans_to_review"]) == [plan]
    response = client.post(plan_act(plan, "approve"))

    assert messages_of(response) == ["Review passed and signed."]
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    page = client_for(manager).get(plan_url("plan", plan))
    assert f"{shown(other_manager)} for {shown(manager)}" in text_of(page, "signatures")


def test_the_delegate_sees_nothing_else_of_the_team(client_for, salesperson, other_manager, away):
    draft = make_agreement_in(AgreementState.DRAFT, salesperson)
    approved = make_agreement_in(AgreementState.APPROVED, salesperson)
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    client = client_for(other_manager)

    assert client.get(agreement_url("agreement", draft)).status_code == 404
    assert client.get(agreement_url("agreement", approved)).status_code == 404
    assert client.get(plan_url("plan", plan)).status_code == 404
    before = snapshot(approved)
    assert client.post(agreement_act(approved, "send")).status_code == 404
    assert snapshot(approved) == before


def test_a_managers_delegate_does_not_sign_for_the_director(
    client_for, salesperson, director, other_manager, away
):
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)
    before = snapshot(agreement)
    client = client_for(other_manager)

    assert client.get(agreement_url("agreement", agreement)).status_code == 404
    assert client.post(agreement_act(agreement, "approve")).status_code == 404
    assert snapshot(agreement) == before


def test_the_directors_delegate_approves_a_major_agreement(
    client_for, salesperson, director, other_manager
):
    delegate(director, other_manager)
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)
    client = client_for(other_manager)

    response = client.post(agreement_act(agreement, "approve"))

    assert messages_of(response) == ["Approved and signed."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.APPROVED
    page = client.get(agreement_url("agreement", agreement))
    assert f"{shown(other_manager)} for {shown(director)}" in text_of(page, "signatures")


@pytest.mark.parametrize(
    ("start", "end", "revoked"),
    [(1, 3, False), (-5, -1, False), (0, 3, True)],
    ids=["not yet valid", "over", "revoked"],
)
def test_a_delegation_not_valid_today_opens_nothing(
    client_for, salesperson, manager, other_manager, start, end, revoked
):
    if start < 0:
        delegation = Delegation.objects.create(
            delegator=manager,
            delegate=other_manager,
            valid_from=timezone.localdate() + timedelta(days=start),
            valid_until=timezone.localdate() + timedelta(days=end),
            created_by=manager,
            created_at=timezone.now() - timedelta(days=10),
        )
    else:
        delegation = delegate(manager, other_manager, start=start, end=end)
    if revoked:
        services.delegation_revoke(delegation=delegation, actor=manager)
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    before = snapshot(agreement)
    client = client_for(other_manager)

    assert client.get(agreement_url("agreement", agreement)).status_code == 404
    assert client.post(agreement_act(agreement, "approve")).status_code == 404
    assert list(client.get(reverse("contracts:list")).context["agreements_to_approve"]) == []
    assert snapshot(agreement) == before


# --- the delegations page -------------------------------------------------------------------


def test_a_manager_records_a_delegation_and_both_see_it(client_for, manager, other_manager):
    client = client_for(manager)

    response = client.post(
        DELEGATIONS,
        {
            "delegate": other_manager.pk,
            "valid_from": "2026-03-11",
            "valid_until": "2026-03-20",
            "reason": "Holiday",
        },
    )

    assert response.status_code == 302
    assert response.url == DELEGATIONS
    assert messages_of(response) == ["Delegation recorded."]
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate, delegation.created_by) == (
        manager,
        other_manager,
        manager,
    )
    assert shown(other_manager) in text_of(client.get(DELEGATIONS), "given")
    assert shown(manager) in text_of(client_for(other_manager).get(DELEGATIONS), "received")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"valid_from": "2026-03-20", "valid_until": "2026-03-11"},
            "The delegation must end on or after its first day.",
        ),
        (
            {"valid_from": "2026-03-01", "valid_until": "2026-03-10"},
            "The delegation would already be over.",
        ),
        ({"delegate": "self"}, "Select a valid choice."),
        ({"delegate": "salesperson"}, "Select a valid choice."),
        ({"valid_until": ""}, "This field is required."),
    ],
    ids=["ends before it starts", "already over", "to oneself", "to a salesperson", "no end"],
)
def test_a_bad_delegation_is_explained_and_not_recorded(
    request, client_for, manager, other_manager, data, error
):
    form = {"delegate": other_manager.pk, "valid_from": "2026-03-11", "valid_until": "2026-03-12"}
    form.update(data)
    if form["delegate"] == "self":
        form["delegate"] = manager.pk
    elif form["delegate"] == "salesperson":
        form["delegate"] = request.getfixturevalue("salesperson").pk

    response = client_for(manager).post(DELEGATIONS, form)

    assert response.status_code == 200
    assert error in html(response)
    assert not Delegation.objects.exists()


def test_the_delegator_revokes_it_once(client_for, manager, other_manager, away):
    client = client_for(manager)

    response = client.post(revoke(away))

    assert response.url == DELEGATIONS
    assert messages_of(response) == ["Delegation revoked."]
    away.refresh_from_db()
    assert away.revoked_at == timezone.now()
    client.get(DELEGATIONS)  # the message is read

    again = client.post(revoke(away))

    assert messages_of(again) == ["This delegation is already revoked."]


@pytest.mark.parametrize("persona", ["other_manager", "director"])
def test_only_the_delegator_revokes(request, client_for, away, persona):
    response = client_for(request.getfixturevalue(persona)).post(revoke(away))

    assert response.status_code == 404
    away.refresh_from_db()
    assert away.revoked_at is None


def test_the_delegate_is_offered_the_decision_and_nothing_else(
    client_for, salesperson, other_manager, away
):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(other_manager)

    page = html(client.get(agreement_url("agreement", agreement)))

    assert agreement_act(agreement, "approve") in page
    for action in ["loi", "cancel", "send", "withdraw", "submit"]:
        assert agreement_act(agreement, action) not in page, action
    before = snapshot(agreement)
    refused = client.post(agreement_act(agreement, "loi"), {"loi-signed_on": "2026-03-11"})
    assert messages_of(refused) == ["You may not make this change to the agreement."]
    assert snapshot(agreement) == before


def test_the_delegate_is_not_offered_change_requests_on_what_they_signed(
    client_for, salesperson, manager, other_manager, away
):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(other_manager)
    client.post(agreement_act(agreement, "approve"), follow=True)
    services.agreement_send(agreement=agreement, actor=salesperson)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=timezone.localdate())

    page = html(client.get(agreement_url("agreement", agreement)))

    assert reverse("contracts:change_add", kwargs={"pk": agreement.pk}) not in page
    assert reverse("contracts:change_add", kwargs={"pk": agreement.pk}) in html(
        client_for(manager).get(agreement_url("agreement", agreement))
    )
