"""Reads of plans and agreements, scoped by contracts.access, joins declared."""

from django.db.models import Count, Q, QuerySet, Sum

from contracts import access
from contracts.models import Agreement, AgreementState, Plan, PlanState, Signature
from salescrm.models import User

PLAN_JOINS = ("customer", "salesperson")
AGREEMENT_JOINS = ("customer", "salesperson")


# Orderings a list offers (?sort=): each ends with the id, so pages never repeat a row.
PLAN_SORTS = {
    "": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "customer": ("customer__name", "pk"),
}
AGREEMENT_SORTS = {**PLAN_SORTS, "total": ("-total", "-pk"), "number": ("number", "pk")}


def plan_list(user: User, *, state: str = "", q: str = "", sort: str = "") -> QuerySet[Plan]:
    qs = access.plans_for(user).select_related(*PLAN_JOINS)
    if state in PlanState.values:
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(customer__name__icontains=q.strip()))
    return qs.order_by(*PLAN_SORTS.get(sort, PLAN_SORTS[""]))


def agreement_list(
    user: User, *, state: str = "", q: str = "", sort: str = ""
) -> QuerySet[Agreement]:
    qs = access.agreements_for(user).select_related(*AGREEMENT_JOINS)
    if state in AgreementState.values:
        qs = qs.filter(state=state)
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(number__icontains=text) | Q(title__icontains=text) | Q(customer__name__icontains=text)
        )
    return qs.order_by(*AGREEMENT_SORTS.get(sort, AGREEMENT_SORTS[""]))


def for_customer(user: User, customer) -> dict:
    """The customer's plans and agreements that `user` may open (for the customer file)."""
    return {
        "plans": list(plan_list(user).filter(customer=customer)[:20]),
        "agreements": list(agreement_list(user).filter(customer=customer)[:20]),
    }


def plans_to_review(user: User) -> QuerySet[Plan]:
    """Plans waiting for a review `user` may sign (their own right or delegated), oldest first."""
    return (
        Plan.objects.filter(access.awaiting_signature(user, plan=True))
        .select_related(*PLAN_JOINS)
        .order_by("pk")
    )


def agreements_to_approve(user: User) -> QuerySet[Agreement]:
    """Agreements waiting for an approval `user` may sign, oldest submission first."""
    return (
        Agreement.objects.filter(access.awaiting_signature(user, plan=False))
        .select_related(*AGREEMENT_JOINS)
        .order_by("submitted_at", "pk")
    )


def returned_to_draft(user: User) -> dict:
    """The salesperson's plans and agreements sent back to them (rejected or declined)."""
    return {
        "plans": list(
            Plan.objects.filter(salesperson=user, state=PlanState.DRAFT)
            .exclude(return_reason="")
            .select_related("customer")[:20]
        ),
        "agreements": list(
            Agreement.objects.filter(salesperson=user, state=AgreementState.DRAFT)
            .exclude(return_reason="")
            .select_related("customer")[:20]
        ),
    }


def state_counts(qs) -> dict[str, int]:
    return dict(qs.order_by().values_list("state").annotate(n=Count("pk")))


def signatures_of_plan(plan: Plan) -> QuerySet[Signature]:
    return plan.signatures.select_related("signer", "on_behalf_of", "delegation")


def signatures_of_agreement(agreement: Agreement) -> QuerySet[Signature]:
    return agreement.signatures.select_related("signer", "on_behalf_of", "delegation")


def signed_between(qs: QuerySet[Agreement], start, end) -> dict:
    """How many agreements were signed on days in [start, end), and their value."""
    signed = qs.filter(state=AgreementState.SIGNED, signed_on__gte=start, signed_on__lt=end)
    figures = signed.aggregate(count=Count("pk"), value=Sum("total"))
    return {"count": figures["count"], "value": figures["value"] or 0}


def keeps_customer_owned(today):
    """Customers with an open plan, an agreement on its way, or a signed agreement still
    running (an Exists on Customer): the pool rules' exemption (customers.recycling)."""
    from django.db.models import Exists, OuterRef

    open_plan = Plan.objects.filter(customer=OuterRef("pk")).exclude(
        state__in=[PlanState.ACCEPTED, PlanState.CANCELLED]
    )
    live_agreement = (
        Agreement.objects.filter(customer=OuterRef("pk"))
        .exclude(state=AgreementState.CANCELLED)
        .exclude(state=AgreementState.SIGNED, period_end__lt=today)
    )
    return Exists(open_plan) | Exists(live_agreement)
