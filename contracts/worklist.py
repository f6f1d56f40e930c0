"""Plans' and agreements' work for the home page's worklist (salescrm.worklist)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts import selectors
from contracts.models import Agreement, AgreementState, Plan
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.workdays import WorkCalendar
from salescrm.worklist import SOURCE_LIMIT, WorkItem


def _plan_url(plan: Plan) -> str:
    return reverse("contracts:plan", kwargs={"pk": plan.pk})


def _agreement_url(agreement: Agreement) -> str:
    return reverse("contracts:agreement", kwargs={"pk": agreement.pk})


def my_documents(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """The salesperson's plans and agreements sent back to revise, and approved agreements
    still to send to the customer."""
    if not can(user, Capability.SELL):
        return
    returned = selectors.returned_to_draft(user)
    for plan in returned["plans"][:SOURCE_LIMIT]:
        yield WorkItem(
            source="contracts.my_documents",
            what=_("Revise the plan"),
            title=f"{plan.title} · {plan.customer.name}",
            url=_plan_url(plan),
            action=_("Revise"),
            detail=plan.return_reason,
            waiting_since=plan.customer_decided_at or plan.created_at,
        )
    for agreement in returned["agreements"][:SOURCE_LIMIT]:
        yield WorkItem(
            source="contracts.my_documents",
            what=_("Revise the agreement"),
            title=f"{agreement.number} · {agreement.customer.name}",
            url=_agreement_url(agreement),
            action=_("Revise"),
            detail=agreement.return_reason,
            waiting_since=agreement.submitted_at or agreement.created_at,
        )
    to_send = (
        Agreement.objects.filter(salesperson=user, state=AgreementState.APPROVED)
        .select_related("customer")
        .order_by("approved_at", "pk")
    )
    for agreement in to_send[:SOURCE_LIMIT]:
        yield WorkItem(
            source="contracts.my_documents",
            what=_("Send the approved agreement"),
            title=f"{agreement.number} · {agreement.customer.name}",
            url=_agreement_url(agreement),
            action=_("Send"),
            waiting_since=agreement.approved_at,
        )


def documents_to_sign(user: User, now: datetime, calendar: WorkCalendar) -> Iterator[WorkItem]:
    """Plans to review and agreements to approve that `user` may sign (in their own right
    or under a delegation), oldest first."""
    if not can(user, Capability.SIGN):
        return
    plans = selectors.plans_to_review(user).annotate(submitted=Max("versions__created_at"))
    for plan in plans[:SOURCE_LIMIT]:
        yield WorkItem(
            source="contracts.documents_to_sign",
            what=_("Review the plan"),
            title=f"{plan.title} · {plan.customer.name} · {plan.salesperson}",
            url=_plan_url(plan),
            action=_("Review"),
            waiting_since=plan.submitted,
        )
    for agreement in selectors.agreements_to_approve(user)[:SOURCE_LIMIT]:
        major = agreement.state == AgreementState.DIRECTOR_REVIEW
        yield WorkItem(
            source="contracts.documents_to_sign",
            what=_("Approve the major agreement") if major else _("Approve the agreement"),
            title=f"{agreement.number} · {agreement.customer.name} · {agreement.salesperson}",
            url=_agreement_url(agreement),
            action=_("Decide"),
            waiting_since=agreement.submitted_at,
        )

