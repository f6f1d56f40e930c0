"""Advertising plans (广告推广方案, Figure 1): create, edit, review, versions, print."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import access, documents, selectors, services
from contracts.forms import (
    CommentForm,
    FeedbackForm,
    NewPlanForm,
    PlanForm,
    ReasonForm,
)
from contracts.models import PlanState, PlanVersion
from contracts.views.common import SELLERS, SIGNERS, _action_kwargs, _pdf
from customers import access as customer_access
from salescrm import concurrency, idempotency
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import can_any, capability_required
from salescrm.web import attempt


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def plan_create(request, customer_pk):
    customer = customer_access.customer_for_user(request.user, customer_pk, write=True)
    form = NewPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(idempotency.FIELD)

        def create():
            plan = services.plan_create(customer=customer, actor=request.user, data=data)
            return plan, reverse("contracts:plan", kwargs={"pk": plan.pk})

        try:
            outcome = idempotency.once(user=request.user, token=token, create=create)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Plan drafted. Submit it for internal review.")
                if outcome.created
                else idempotency.SENT_TWICE,
            )
            return redirect(outcome.url)
    return render(request, "contracts/plan_form.html", {"form": form, "customer": customer})


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def plan_edit(request, pk):
    plan = access.plan_for_user(request.user, pk)
    if plan.salesperson_id != request.user.pk or plan.state != PlanState.DRAFT:
        messages.error(request, _("Only a draft plan can be changed."))
        return redirect("contracts:plan", pk=plan.pk)
    form = PlanForm(request.POST or None, instance=plan)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop(concurrency.FIELD)
        try:
            services.plan_update(
                plan=plan, actor=request.user, data=data, expected_version=version
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Plan saved."))
            return redirect("contracts:plan", pk=plan.pk)
    plan.refresh_from_db()
    return render(
        request,
        "contracts/plan_form.html",
        {"form": form, "customer": plan.customer, "plan": plan},
        status=status,
    )


@require_GET
@capability_required(C.READ_SALES)
def plan_detail(request, pk):
    plan = access.plan_for_user(request.user, pk)
    return render(
        request,
        "contracts/plan_detail.html",
        {
            "plan": plan,
            "moves": services.plan_moves(plan, request.user),
            "delegation": services.delegation_in_use(request.user, plan, on=timezone.localdate()),
            "valid": services.plan_is_valid(plan),
            "customer_visible": customer_access.customers_for(request.user)
            .filter(pk=plan.customer_id)
            .exists(),
            "versions": plan.versions.select_related("created_by"),
            "signatures": selectors.signatures_of_plan(plan),
            "agreements": plan.agreements.all(),
            "comment_form": CommentForm(),
            "feedback_form": FeedbackForm(),
            "reason_form": ReasonForm(),
            "history": plan.history.select_related("history_user").order_by("-history_date")[:30],
        },
    )


@require_GET
@capability_required(C.READ_SALES)
def plan_version(request, pk, number):
    plan = access.plan_for_user(request.user, pk)
    version = get_object_or_404(
        PlanVersion.objects.select_related("created_by"), plan=plan, number=number
    )
    return render(
        request,
        "contracts/plan_version.html",
        {
            "plan": plan,
            "version": version,
            "signatures": selectors.signatures_of_plan(plan).filter(revision=number),
        },
    )


PLAN_ACTIONS = {
    # action: (service, capabilities (any), success message, extra argument from the form)
    "submit": (
        services.plan_submit,
        (C.SELL,),
        gettext_lazy("Sent to your manager for review."),
        None,
    ),
    "withdraw": (
        services.plan_withdraw,
        (C.SELL,),
        gettext_lazy("Plan taken back from review."),
        None,
    ),
    "approve": (
        services.plan_review,
        SIGNERS,
        gettext_lazy("Review passed and signed."),
        "approve",
    ),
    "reject": (services.plan_review, SIGNERS, gettext_lazy("Plan sent back to revise."), "reject"),
    "reopen": (
        services.plan_reopen,
        (C.SELL,),
        gettext_lazy("Plan reopened to revise."),
        None,
    ),
    "send": (services.plan_send, SELLERS, gettext_lazy("Plan submitted to the customer."), None),
    "accept": (
        services.plan_accept,
        SELLERS,
        gettext_lazy("Accepted: the agreement is drafted."),
        None,
    ),
    "decline": (
        services.plan_decline,
        SELLERS,
        gettext_lazy("Declined: revise the plan."),
        "feedback",
    ),
    "cancel": (services.plan_cancel, SELLERS, gettext_lazy("Plan cancelled."), "reason"),
}


@require_POST
@capability_required(C.READ_SALES)
def plan_act(request, pk, action):
    if action not in PLAN_ACTIONS:
        raise Http404
    service, needs, success, extra = PLAN_ACTIONS[action]
    if not can_any(request.user, *needs):
        raise Http404
    plan = access.plan_for_user(request.user, pk)
    kwargs = _action_kwargs(request, extra)
    if kwargs is None:
        return redirect("contracts:plan", pk=plan.pk)
    if action == "accept":
        try:
            agreement = services.plan_accept(plan=plan, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("contracts:plan", pk=plan.pk)
        messages.success(request, success)
        return redirect("contracts:agreement", pk=agreement.pk)
    attempt(request, success, service, plan=plan, **kwargs)
    return redirect("contracts:plan", pk=plan.pk)


@require_POST
@capability_required(C.SELL)
def plan_new_agreement(request, pk):
    plan = access.plan_for_user(request.user, pk)
    try:
        agreement = services.agreement_create(plan=plan, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("contracts:plan", pk=plan.pk)
    messages.success(request, _("Agreement drafted."))
    return redirect("contracts:agreement", pk=agreement.pk)


@require_GET
@capability_required(C.READ_SALES)
def plan_print(request, pk):
    plan = access.plan_for_user(request.user, pk)
    return render(request, "contracts/print_plan.html", documents.plan_context(plan))


@require_GET
@capability_required(C.READ_SALES)
def plan_pdf(request, pk):
    """The plan as a PDF: watermarked on every page until the review has passed."""
    plan = access.plan_for_user(request.user, pk)
    suffix = "" if services.plan_is_valid(plan) else "-UNAPPROVED"
    return _pdf(documents.plan_pdf(plan), f"plan-{plan.pk}-v{plan.version}{suffix}.pdf")


@require_GET
@capability_required(C.READ_SALES)
def plan_final_pdf(request, pk):
    """The final plan for the customer: refused while the review signature is missing."""
    plan = access.plan_for_user(request.user, pk)
    try:
        services.require_valid_plan(plan)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("contracts:plan", pk=plan.pk)
    return _pdf(documents.plan_pdf(plan), f"plan-{plan.pk}-v{plan.version}.pdf")
