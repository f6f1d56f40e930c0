"""Plans and agreements built through the services, so every starting state is a valid one.

Step by step with the approvers given (make_plan, approved_plan, accepted_agreement,
draft_agreement, submitted_agreement, approved_agreement), or straight to a state with
the salesperson's own team deciding (make_plan_in, make_agreement_in).
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from contracts import services
from contracts.models import Agreement, AgreementState, Medium, Plan, PlanState, Product, Unit
from customers.tests.factories import make_customer
from salescrm import people
from salescrm.models import User
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory

_codes = itertools.count(1)


def make_product(*, list_price="1000.00", active=True, **fields) -> Product:
    number = next(_codes)
    data = {
        "code": f"P{number:04d}",
        "name": f"Prime-time spot {number}",
        "medium": Medium.TV,
        "unit": Unit.SPOT,
        "list_price": Decimal(list_price),
        "active": active,
    }
    data.update(fields)
    return Product.objects.create(**data)


def plan_data(**fields) -> dict:
    data = {
        "title": "Spring campaign",
        "objectives": "Launch the new product line",
        "audience": "Families in Shanghai",
        "media_mix": "TV prime time and outdoor screens",
        "schedule": "March to May",
        "budget": Decimal("200000.00"),
        "period_start": date(2027, 3, 1),
        "period_end": date(2027, 5, 31),
    }
    data.update(fields)
    return data


def make_plan(salesperson, *, customer=None, **fields):
    customer = customer or make_customer(salesperson)
    return services.plan_create(customer=customer, actor=salesperson, data=plan_data(**fields))


def approved_plan(salesperson, manager, **fields):
    plan = make_plan(salesperson, **fields)
    services.plan_submit(plan=plan, actor=salesperson)
    return services.plan_review(plan=plan, actor=manager, approve=True)


def accepted_agreement(salesperson, manager, **fields):
    """The draft agreement drafted when the customer accepts an approved plan."""
    plan = approved_plan(salesperson, manager, **fields)
    services.plan_send(plan=plan, actor=salesperson)
    return services.plan_accept(plan=plan, actor=salesperson)


def line(product, *, agreed_price=None, quantity=10, start=date(2027, 3, 1), days=30, **fields):
    data = {
        "product": product,
        "description": "",
        "period_start": start,
        "period_end": start + timedelta(days=days),
        "quantity": quantity,
        "agreed_price": Decimal(agreed_price) if agreed_price is not None else product.list_price,
    }
    data.update(fields)
    return data


def agreement_terms(**fields) -> dict:
    data = {
        "title": "Spring campaign agreement",
        "period_start": date(2027, 3, 1),
        "period_end": date(2027, 5, 31),
        "free_changes": 2,
        "fee_per_change": Decimal("800.00"),
        "payment_terms": "50% on signing, 50% within 30 days of the last broadcast",
        "notes": "",
    }
    data.update(fields)
    return data


def draft_agreement(salesperson, manager, lines, **terms):
    """A draft agreement with `lines` (dicts from line())."""
    agreement = accepted_agreement(salesperson, manager)
    return services.agreement_update(
        agreement=agreement, actor=salesperson, data=agreement_terms(**terms), lines=lines
    )


def submitted_agreement(salesperson, manager, lines, **terms):
    agreement = draft_agreement(salesperson, manager, lines, **terms)
    return services.agreement_submit(agreement=agreement, actor=salesperson)


def approved_agreement(salesperson, manager, lines, *, director=None, **terms):
    agreement = submitted_agreement(salesperson, manager, lines, **terms)
    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    if agreement.is_major:
        agreement = services.agreement_decide(agreement=agreement, actor=director, approve=True)
    return agreement


# --- a document in any state, approved by the salesperson's own team ---------------------------


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


def lines_for(*, major=False) -> list[dict]:
    """The lines of a one-line agreement: a new product at list price, or 20% off when `major`."""
    return [a_major_line() if major else a_line()]


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
    lines = lines or lines_for(major=major)
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
