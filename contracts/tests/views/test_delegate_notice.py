"""A delegate is told, before signing, whom they sign for and until when: the delegation
the signature will record (services.delegation_in_use, decided by signing_authority)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import AgreementState, Delegation, PlanState, Signature
from contracts.tests.factories import make_agreement_in, make_plan_in
from contracts.tests.views.helpers import agreement_act, agreement_url, plan_url
from salescrm.roles import Role
from salescrm.testing.http import html, text_of
from salescrm.tests.factories import UserFactory


def delegate(delegator, to, *, start=0, end=0) -> Delegation:
    today = timezone.localdate()
    return services.delegation_create(
        delegator=delegator,
        delegate=to,
        valid_from=today + timedelta(days=start),
        valid_until=today + timedelta(days=end),
        actor=delegator,
    )


@pytest.fixture
def named_manager(manager):
    manager.first_name, manager.last_name = "张伟", ""
    manager.save(update_fields=["first_name", "last_name"])
    return manager


def test_the_delegate_sees_whom_they_sign_for_before_approving_the_agreement(
    client_for, salesperson, named_manager, other_manager
):
    away = delegate(named_manager, other_manager, end=273)  # until 9 December 2026
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(other_manager)

    notice = text_of(client.get(agreement_url("agreement", agreement)), "delegate-notice")

    assert away.valid_until == date(2026, 12, 9)
    assert notice == (
        f"You are signing for {named_manager} under the delegation valid until 9 Dec 2026."
    )
    client.post(agreement_act(agreement, "approve"))
    signature = Signature.objects.get(agreement=agreement)
    assert (signature.on_behalf_of, signature.delegation) == (named_manager, away)


def test_the_notice_is_in_chinese_for_a_chinese_reader(
    client_for, salesperson, named_manager, other_manager
):
    delegate(named_manager, other_manager, end=273)
    other_manager.language = "zh-hans"
    other_manager.save(update_fields=["language"])
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)

    response = client_for(other_manager).get(agreement_url("agreement", agreement))

    assert (
        text_of(response, "delegate-notice")
        == "您正在代张伟签字，依据的授权代签有效期至2026年12月9日。"
    )


def test_the_delegate_sees_it_before_passing_a_plans_review(
    client_for, salesperson, named_manager, other_manager
):
    delegate(named_manager, other_manager, end=2)
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)

    response = client_for(other_manager).get(plan_url("plan", plan))

    assert "You are signing for 张伟 under the delegation valid until" in text_of(
        response, "delegate-notice"
    )


def test_who_signs_in_their_own_right_sees_no_notice(
    client_for, salesperson, manager, other_manager
):
    delegate(manager, other_manager)
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)

    response = client_for(manager).get(agreement_url("agreement", agreement))

    assert agreement_act(agreement, "approve") in html(response)
    assert 'data-testid="delegate-notice"' not in html(response)


def test_no_notice_once_nothing_waits_for_a_signature(
    client_for, salesperson, manager, other_manager
):
    delegate(manager, other_manager)
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(other_manager)
    client.post(agreement_act(agreement, "approve"))

    response = client.get(agreement_url("agreement", agreement))

    assert response.status_code == 200
    assert 'data-testid="delegate-notice"' not in html(response)


def test_of_two_delegations_the_notice_names_the_one_the_signature_records(
    client_for, salesperson, director, other_manager
):
    """Two directors away, both delegating to another team's manager: the notice and the
    signature agree on which delegation is used."""
    second = UserFactory(username="second_director", role=Role.DIRECTOR, first_name="刘静",
                         last_name="")  # fmt: skip
    later = delegate(director, other_manager, start=0, end=5)
    earlier = services.delegation_create(
        delegator=second,
        delegate=other_manager,
        valid_from=timezone.localdate() - timedelta(days=3),
        valid_until=timezone.localdate() + timedelta(days=1),
        actor=second,
    )
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)
    client = client_for(other_manager)

    notice = text_of(client.get(agreement_url("agreement", agreement)), "delegate-notice")
    client.post(agreement_act(agreement, "approve"))

    signature = Signature.objects.get(agreement=agreement, step="director")
    assert signature.delegation == earlier != later
    assert notice == "You are signing for 刘静 under the delegation valid until 12 Mar 2026."
