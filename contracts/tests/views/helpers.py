"""Builders and small checks shared by the contracts view tests (not a test module itself).

Plans and agreements are walked through the services, so every state is one the app
could reach; the few states the app could not reach are forced with a queryset update,
and say so.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Agreement, AgreementState, Plan, PlanState, Signature
from contracts.tests.factories import (
    accepted_agreement,
    agreement_terms,
    line,
    make_plan,
    make_product,
)
from salescrm import people
from salescrm.models import User
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory

WATERMARK = "UNAPPROVED — NOT VALID"
WATERMARK_ZH = "未审批 — 无效"


def plan_url(name, plan, **kwargs) -> str:
    return reverse(f"contracts:{name}", kwargs={"pk": plan.pk, **kwargs})


def plan_act(plan, action) -> str:
    return reverse("contracts:plan_act", kwargs={"pk": plan.pk, "action": action})


def agreement_url(name, agreement) -> str:
    return reverse(f"contracts:{name}", kwargs={"pk": agreement.pk})


def agreement_act(agreement, action) -> str:
    return reverse("contracts:agreement_act", kwargs={"pk": agreement.pk, "action": action})


def the_director() -> User:
    """The marketing director (the one a test already has, or a new one)."""
    return User.objects.filter(role=Role.DIRECTOR).order_by("pk").first() or UserFactory(
        role=Role.DIRECTOR
    )


def make_plan_in(state, salesperson, *, customer=None, **fields) -> Plan:
    """A plan of `salesperson` walked through the services to `state`."""
    manager = people.manager_of(salesperson)
    plan = make_plan(salesperson, customer=customer, **fields)
    if state == PlanState.DRAFT:
        return plan
    if state == PlanState.CANCELLED:
        return services.plan_cancel(plan=plan, actor=salesperson, reason="Budget frozen")
    plan = services.plan_submit(plan=plan, actor=salesperson)
    if state == PlanState.IN_REVIEW:
        return plan
    plan = services.plan_review(plan=plan, actor=manager, approve=True)
    if state == PlanState.APPROVED:
        return plan
    plan = services.plan_send(plan=plan, actor=salesperson)
    if state == PlanState.SUBMITTED:
        return plan
    services.plan_accept(plan=plan, actor=salesperson)
    return Plan.objects.get(pk=plan.pk)


def a_line(product=None, **fields) -> dict:
    """A line at list price (not major) unless `agreed_price` says otherwise."""
    return line(product or make_product(list_price="1000.00"), **fields)


def a_major_line(product=None) -> dict:
    """20% off list price: beyond the 10% authority the test salespeople have."""
    return a_line(product, agreed_price="800.00")


def make_agreement_in(
    state, salesperson, *, major=False, lines=None, customer=None, **terms
) -> Agreement:
    """An agreement of `salesperson` walked through the services to `state`.

    It is drafted from an accepted plan, given `lines` (one line at list price, or 20%
    off it when `major`), and approved by the team's manager (and the director when major).
    """
    manager = people.manager_of(salesperson)
    agreement = accepted_agreement(salesperson, manager, customer=customer)
    if state == AgreementState.CANCELLED:
        return services.agreement_cancel(agreement=agreement, actor=salesperson, reason="Lost")
    lines = lines or [a_major_line() if major else a_line()]
    agreement = services.agreement_update(
        agreement=agreement, actor=salesperson, data=agreement_terms(**terms), lines=lines
    )
    if state == AgreementState.DRAFT:
        return agreement
    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)
    if state == AgreementState.MANAGER_REVIEW:
        return agreement
    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    if state == AgreementState.DIRECTOR_REVIEW:
        assert agreement.state == AgreementState.DIRECTOR_REVIEW, "only a major one goes there"
        return agreement
    if agreement.state == AgreementState.DIRECTOR_REVIEW:
        agreement = services.agreement_decide(
            agreement=agreement, actor=the_director(), approve=True
        )
    if state == AgreementState.APPROVED:
        return agreement
    agreement = services.agreement_send(agreement=agreement, actor=salesperson)
    if state == AgreementState.SENT:
        return agreement
    return services.agreement_sign(
        agreement=agreement, actor=salesperson, signed_on=timezone.localdate()
    )


def force_state(document, state):
    """Put `document` in `state` behind the services' back (no signature is added)."""
    type(document).objects.filter(pk=document.pk).update(state=state)
    document.refresh_from_db()
    return document


def snapshot(document) -> dict:
    """Everything a refused action must leave as it was."""
    document.refresh_from_db()
    fields = {f.attname: getattr(document, f.attname) for f in document._meta.concrete_fields}
    target = "plan" if isinstance(document, Plan) else "agreement"
    fields["signatures"] = Signature.objects.filter(**{target: document}).count()
    fields["history"] = document.history.count()
    return fields


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def tomorrow():
    return timezone.localdate() + timedelta(days=1)
