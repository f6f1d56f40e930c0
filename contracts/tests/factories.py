"""Plans and agreements built through the services, so every starting state is a valid one."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from contracts import services
from contracts.models import Medium, Product, Unit
from customers.tests.factories import make_customer

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
