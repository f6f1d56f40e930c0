"""Thin views of collections: fetch through receivables.access, call one service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from receivables import access, selectors, services
from receivables.forms import (
    BillingForm,
    InstalmentFormSet,
    InvoiceIssueForm,
    InvoiceRequestForm,
    ReceiptForm,
)
from receivables.models import BillingDetails, CollectionPlan, PlanState
from salescrm import concurrency
from salescrm.concurrency import VersionForm
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required
from salescrm.transitions import Capacity
from salescrm.web import attempt

MONEY_READERS = (C.READ_SALES, C.COLLECT)


def _plan(agreement) -> CollectionPlan | None:
    return CollectionPlan.objects.filter(agreement=agreement).first()


def agreement_panel(request, agreement) -> dict | None:
    """The agreement page's received / outstanding panel (salescrm.panels)."""
    if not access.agreements_for(request.user).filter(pk=agreement.pk).exists():
        return None
    money = selectors.with_money(access.agreements_for(request.user)).get(pk=agreement.pk)
    return {
        "agreement": agreement,
        "plan": _plan(agreement),
        "received": money.received,
        "pending": money.pending,
        "invoiced": money.invoiced,
        "outstanding": agreement.total - money.received,
    }


def billing_panel(request, customer) -> dict:
    """The customer file's billing details (开票信息) panel."""
    return {
        "customer": customer,
        "details": BillingDetails.objects.filter(customer=customer).first(),
        "can_edit": access.may_change_billing(request.user, customer),
    }


@require_GET
@capability_required(*MONEY_READERS)
def money_list(request):
    agreements = selectors.money_list(access.agreements_for(request.user))
    page = Paginator(agreements, 50).get_page(request.GET.get("page"))
    return render(request, "receivables/agreement_list.html", {"page": page})


@require_GET
@capability_required(*MONEY_READERS)
def agreement_money(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    money = selectors.with_money(access.agreements_for(request.user)).get(pk=agreement.pk)
    plan = _plan(agreement)
    held = services.capacities(request.user, agreement)
    return render(
        request,
        "receivables/agreement_money.html",
        {
            "agreement": agreement,
            "plan": plan,
            "instalments": plan.instalments.all() if plan else [],
            "receipts": agreement.receipts.select_related(
                "recorded_by", "confirmed_by", "reversed_by"
            ),
            "received": money.received,
            "pending": money.pending,
            "outstanding": agreement.total - money.received,
            "may_edit": plan is not None
            and plan.state == PlanState.DRAFT
            and Capacity.OWNER in held,
            "may_confirm": plan is not None
            and plan.state == PlanState.DRAFT
            and Capacity.MANAGER in held,
            "is_finance": Capacity.FINANCE in held,
            "receipt_form": ReceiptForm(initial={"received_on": timezone.localdate()}),
            "invoices": agreement.invoices.select_related("requested_by", "issued_by", "voided_by"),
            "invoiced": money.invoiced,
            "may_request_invoice": Capacity.OWNER in held,
            "invoice_form": InvoiceRequestForm(),
            "issue_form": InvoiceIssueForm(initial={"issued_on": timezone.localdate()}),
        },
    )


@require_POST
@capability_required(C.SELL, C.MANAGE_TEAM)
def plan_propose(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    attempt(request, _("The collection plan is proposed."), services.plan_propose,
            agreement=agreement)  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def plan_edit(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    plan = _plan(agreement)
    if plan is None or plan.state != PlanState.DRAFT or agreement.salesperson_id != request.user.pk:
        return redirect("receivables:agreement", pk=agreement.pk)
    status = 200
    if request.method == "POST":
        formset = InstalmentFormSet(request.POST)
        version_form = VersionForm(request.POST)
        if formset.is_valid() and version_form.is_valid():
            instalments = [
                (form.cleaned_data["due_on"], form.cleaned_data["amount"])
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            try:
                services.plan_update(
                    plan=plan,
                    actor=request.user,
                    instalments=instalments,
                    expected_version=version_form.cleaned_data[concurrency.FIELD],
                )
            except concurrency.StaleEdit as error:
                # The instalments as typed stay in the form; those saved meanwhile are listed.
                concurrency.stale_form(version_form, error)
                status = 409
            except DomainError as error:
                formset._non_form_errors = formset.error_class([str(error)])
            else:
                messages.success(request, _("The collection plan is saved."))
                return redirect("receivables:agreement", pk=agreement.pk)
    else:
        formset = InstalmentFormSet(
            initial=[{"due_on": i.due_on, "amount": i.amount} for i in plan.instalments.all()]
        )
        version_form = VersionForm(initial={concurrency.FIELD: plan.edit_version})
    return render(
        request,
        "receivables/plan_form.html",
        {
            "agreement": agreement,
            "plan": plan,
            "formset": formset,
            "version_form": version_form,
            "saved_instalments": plan.instalments.all() if status == 409 else None,
        },
        status=status,
    )


@require_POST
@capability_required(C.MANAGE_TEAM)
def plan_confirm(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    plan = _plan(agreement)
    if plan is not None:
        attempt(request, _("The collection plan is confirmed."), services.plan_confirm, plan=plan)
    return redirect("receivables:agreement", pk=agreement.pk)


@require_POST
@capability_required(C.COLLECT)
def receipt_add(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        attempt(request, _("The receipt is recorded."), services.receipt_record,
                agreement=agreement, **form.cleaned_data)  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_POST
@capability_required(C.COLLECT)
def receipt_confirm(request, pk, receipt_pk):
    agreement = access.agreement_for_user(request.user, pk)
    receipt = agreement.receipts.filter(pk=receipt_pk).first()
    if receipt is not None:
        attempt(request, _("The receipt is confirmed."), services.receipt_confirm,
                receipt=receipt)  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_POST
@capability_required(C.COLLECT)
def receipt_reverse(request, pk, receipt_pk):
    """Finance reverses a receipt recorded wrongly, with the reason (never an edit)."""
    agreement = access.agreement_for_user(request.user, pk)
    receipt = agreement.receipts.filter(pk=receipt_pk).first()
    if receipt is not None:
        attempt(request, _("The receipt is reversed."), services.receipt_reverse,
                receipt=receipt, reason=request.POST.get("reason", ""))  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_POST
@capability_required(C.COLLECT)
def invoice_void(request, pk, invoice_pk):
    """Finance voids an issued invoice (红冲), with the reason."""
    agreement = access.agreement_for_user(request.user, pk)
    invoice = agreement.invoices.filter(pk=invoice_pk).first()
    if invoice is not None:
        attempt(request, _("The invoice is voided (红冲)."), services.invoice_void,
                invoice=invoice, reason=request.POST.get("reason", ""))  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_POST
@capability_required(C.SELL)
def invoice_request(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    form = InvoiceRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        attempt(request, _("The invoice is requested."), services.invoice_request,
                agreement=agreement, **form.cleaned_data)  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_POST
@capability_required(C.COLLECT)
def invoice_issue(request, pk, invoice_pk):
    agreement = access.agreement_for_user(request.user, pk)
    invoice = agreement.invoices.filter(pk=invoice_pk).first()
    form = InvoiceIssueForm(request.POST)
    if invoice is None or not form.is_valid():
        messages.error(request, _("Give the invoice number and the date it was issued."))
    else:
        attempt(request, _("The invoice is marked issued."), services.invoice_issue,
                invoice=invoice, **form.cleaned_data)  # fmt: skip
    return redirect("receivables:agreement", pk=agreement.pk)


@require_http_methods(["GET", "POST"])
@capability_required(C.RECORD_CUSTOMERS, C.SELL, C.MANAGE_TEAM)
def billing_edit(request, customer_pk):
    customer = access.customer_for_billing(request.user, customer_pk, write=True)
    details = BillingDetails.objects.filter(customer=customer).first()
    form = BillingForm(request.POST or None, instance=details)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop(concurrency.FIELD)
        try:
            services.billing_update(
                customer=customer, actor=request.user, data=data, expected_version=version
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The billing details are saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "receivables/billing_form.html",
        {"customer": customer, "form": form},
        status=status,
    )


@require_GET
@capability_required(C.COLLECT, C.READ_SALES)
def billing_detail(request, customer_pk):
    customer = access.customer_for_billing(request.user, customer_pk)
    return render(
        request,
        "receivables/billing_detail.html",
        {"customer": customer, "details": BillingDetails.objects.filter(customer=customer).first()},
    )
