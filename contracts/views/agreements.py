"""Advertising sales service agreements (广告销售服务协议, Figure 2): the page, its actions,
change requests and the printed and signed documents."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from contracts import access, documents, rules, selectors, services
from contracts.forms import (
    ChangeRequestForm,
    CommentForm,
    ReasonForm,
    SignedOnForm,
)
from contracts.models import AgreementState
from contracts.views.common import SELLERS, SIGNERS, _action_kwargs, _pdf
from customers import access as customer_access
from salescrm import panels, stored_text
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import can_any, capability_required
from salescrm.web import attempt


@require_GET
@capability_required(C.READ_SALES)
def agreement_detail(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    lines = agreement.lines.select_related("product")
    major_now = (
        services.major_reasons_now(agreement)
        if agreement.state == AgreementState.DRAFT
        else agreement.major_reasons
    )
    return render(
        request,
        "contracts/agreement_detail.html",
        {
            "agreement": agreement,
            "lines": lines,
            "moves": services.agreement_moves(agreement, request.user),
            "delegation": services.delegation_in_use(
                request.user, agreement, on=timezone.localdate()
            ),
            "acts": services.may_act(request.user, agreement),
            "valid": services.agreement_is_valid(agreement),
            "missing": services.agreement_missing_signatures(agreement),
            "major": [rules.describe(r) for r in major_now],
            "signatures": selectors.signatures_of_agreement(agreement),
            "changes": agreement.change_requests.select_related("recorded_by"),
            "allowance": services.allowance(agreement),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "signed_form": SignedOnForm(initial={"signed_on": timezone.localdate()}),
            "loi_form": SignedOnForm(prefix="loi", initial={"signed_on": timezone.localdate()}),
            "plan_visible": access.plans_for(request.user).filter(pk=agreement.plan_id).exists(),
            "customer_visible": customer_access.customers_for(request.user)
            .filter(pk=agreement.customer_id)
            .exists(),
            "change_form": ChangeRequestForm(),
            "history": agreement.history.select_related("history_user").order_by("-history_date")[
                :30
            ],
            # Slots higher apps fill (receivables: received and outstanding).
            "panels": panels.for_slot("agreement_detail", request, agreement),
        },
    )


AGREEMENT_ACTIONS = {
    "submit": (
        services.agreement_submit,
        (C.SELL,),
        gettext_lazy("Sent for approval."),
        None,
    ),
    "withdraw": (
        services.agreement_withdraw,
        (C.SELL,),
        gettext_lazy("Agreement taken back."),
        None,
    ),
    "approve": (
        services.agreement_decide,
        SIGNERS,
        gettext_lazy("Approved and signed."),
        "approve",
    ),
    "reject": (
        services.agreement_decide,
        SIGNERS,
        gettext_lazy("Agreement sent back to revise."),
        "reject",
    ),
    "reopen": (
        services.agreement_reopen,
        SELLERS,
        gettext_lazy("Agreement reopened to revise."),
        None,
    ),
    "send": (
        services.agreement_send,
        SELLERS,
        gettext_lazy("Recorded as sent to the customer."),
        None,
    ),
    "sign": (
        services.agreement_sign,
        SELLERS,
        gettext_lazy("Signed: the customer is now signed."),
        "signed_on",
    ),
    "loi": (
        services.agreement_record_loi,
        SELLERS,
        gettext_lazy("Letter of intent recorded."),
        "loi",
    ),
    "cancel": (services.agreement_cancel, SELLERS, gettext_lazy("Agreement cancelled."), "reason"),
}


@require_POST
@capability_required(C.READ_SALES)
def agreement_act(request, pk, action):
    if action not in AGREEMENT_ACTIONS:
        raise Http404
    service, needs, success, extra = AGREEMENT_ACTIONS[action]
    if not can_any(request.user, *needs):
        raise Http404
    agreement = access.agreement_for_user(request.user, pk)
    kwargs = _action_kwargs(request, extra)
    if kwargs is not None:
        attempt(request, success, service, agreement=agreement, **kwargs)
    return redirect("contracts:agreement", pk=agreement.pk)


@require_POST
@capability_required(*SELLERS)
def change_request_add(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    form = ChangeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of change and describe it."))
    else:
        try:
            change = services.change_request_add(
                agreement=agreement, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if change.free:
                messages.success(request, _("Change recorded: within the free allowance."))
            else:
                messages.warning(
                    request,
                    _("Change recorded: beyond the free allowance, fee %(fee)s.")
                    % {"fee": stored_text.money(change.fee)},
                )
    return redirect("contracts:agreement", pk=agreement.pk)


@require_GET
@capability_required(C.READ_SALES)
def agreement_print(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    return render(request, "contracts/print_agreement.html", documents.agreement_context(agreement))


@require_GET
@capability_required(C.READ_SALES)
def agreement_pdf(request, pk):
    """The agreement as a PDF: watermarked on every page while a signature is missing."""
    agreement = access.agreement_for_user(request.user, pk)
    suffix = "" if services.agreement_is_valid(agreement) else "-UNAPPROVED"
    return _pdf(documents.agreement_pdf(agreement), f"{agreement.number}{suffix}.pdf")


@require_GET
@capability_required(C.READ_SALES)
def agreement_final_pdf(request, pk):
    """The final agreement: refused while a required signature is missing."""
    agreement = access.agreement_for_user(request.user, pk)
    try:
        services.require_valid_agreement(agreement)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("contracts:agreement", pk=agreement.pk)
    return _pdf(documents.agreement_pdf(agreement), f"{agreement.number}.pdf")
