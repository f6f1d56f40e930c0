"""Signed agreements with their collection plan, built through the services."""

from decimal import Decimal

from contracts.models import AgreementState
from contracts.tests.factories import make_agreement_in
from receivables import services
from receivables.models import CollectionPlan
from salescrm import people


def signed_agreement(salesperson, **terms):
    """A signed agreement of 10 spots at 1,000.00 (its plan proposed on signing: 30 % now, the
    balance later, unless the terms say otherwise)."""
    terms.setdefault("payment_terms", "30% on signing, the balance after the campaign starts")
    return make_agreement_in(AgreementState.SIGNED, salesperson, **terms)


def plan_of(agreement) -> CollectionPlan:
    return CollectionPlan.objects.get(agreement=agreement)


def confirmed_plan(salesperson, instalments=None, **terms) -> CollectionPlan:
    agreement = signed_agreement(salesperson, **terms)
    plan = plan_of(agreement)
    if instalments is not None:
        services.plan_update(plan=plan, actor=salesperson, instalments=instalments)
    return services.plan_confirm(plan=plan, actor=people.manager_of(salesperson))


def receipt(agreement, finance, amount, *, confirm=True, **fields):
    from django.utils import timezone

    made = services.receipt_record(
        agreement=agreement,
        actor=finance,
        amount=Decimal(amount),
        received_on=fields.pop("received_on", timezone.localdate()),
        method=fields.pop("method", "transfer"),
        **fields,
    )
    if confirm:
        made = services.receipt_confirm(receipt=made, actor=finance)
    return made
