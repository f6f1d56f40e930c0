"""Overviews: the customer file's panel, the plans and agreements lists, delegations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import access, selectors, services
from contracts.forms import (
    DelegationForm,
)
from contracts.models import AgreementState, Delegation, PlanState
from contracts.views.common import SIGNERS, _counts, _list_controls, _paged
from salescrm import idempotency
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import can, capability_required
from salescrm.web import attempt


def customer_panel(request, customer) -> dict:
    """The customer file's "Plans and agreements" panel (salescrm.panels)."""
    return {
        "customer": customer,
        "can_draft": customer.owner_id == request.user.pk,
        **selectors.for_customer(request.user, customer),
    }


@require_GET
@capability_required(C.READ_SALES)
def overview(request):
    """Queues first (what waits for me), then my documents by state."""
    user = request.user
    plans = access.plans_for(user)
    agreements = access.agreements_for(user)
    to_approve = selectors.agreements_to_approve(user)
    return render(
        request,
        "contracts/overview.html",
        {
            "signs": can(user, C.SIGN),
            "plans_to_review": selectors.plans_to_review(user),
            "agreements_to_approve": to_approve,
            "plan_counts": _counts(selectors.state_counts(plans), PlanState),
            "agreement_counts": _counts(selectors.state_counts(agreements), AgreementState),
        },
    )


@require_GET
@capability_required(C.READ_SALES)
def plan_list(request):
    state, q, sort = (request.GET.get(key, "") for key in ("state", "q", "sort"))
    return render(
        request,
        "contracts/plan_list.html",
        {
            "page": _paged(request, selectors.plan_list(request.user, state=state, q=q, sort=sort)),
            **_list_controls(request, "contracts:plans", sorts=selectors.PLAN_SORTS),
            "state": state,
            "states": PlanState.choices,
        },
    )


@require_GET
@capability_required(C.READ_SALES)
def agreement_list(request):
    state, q, sort = (request.GET.get(key, "") for key in ("state", "q", "sort"))
    return render(
        request,
        "contracts/agreement_list.html",
        {
            "page": _paged(
                request, selectors.agreement_list(request.user, state=state, q=q, sort=sort)
            ),
            **_list_controls(request, "contracts:agreements", sorts=selectors.AGREEMENT_SORTS),
            "state": state,
            "states": AgreementState.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(*SIGNERS)
def delegations(request):
    """My delegations: who may sign for me, and for whom I may sign."""
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(idempotency.FIELD)

        def create():
            delegation = services.delegation_create(
                delegator=request.user, actor=request.user, **data
            )
            return delegation, reverse("contracts:delegations")

        try:
            outcome = idempotency.once(user=request.user, token=token, create=create)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Delegation recorded.") if outcome.created else idempotency.SENT_TWICE,
            )
            return redirect(outcome.url)
    return render(
        request,
        "contracts/delegations.html",
        {
            "form": form,
            "given": Delegation.objects.filter(delegator=request.user).select_related("delegate"),
            "received": Delegation.objects.filter(delegate=request.user).select_related(
                "delegator"
            ),
            "today": timezone.localdate(),
        },
    )


@require_POST
@capability_required(*SIGNERS)
def delegation_revoke(request, pk):
    delegation = get_object_or_404(Delegation, pk=pk, delegator=request.user)
    attempt(request, _("Delegation revoked."), services.delegation_revoke, delegation=delegation)
    return redirect("contracts:delegations")
