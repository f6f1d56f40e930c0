from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import access, documents, rules, selectors, services
from contracts.forms import (
    AgreementForm,
    ChangeRequestForm,
    CommentForm,
    DelegationForm,
    FeedbackForm,
    LineFormSet,
    PlanForm,
    ReasonForm,
    SignedOnForm,
)
from contracts.models import AgreementState, Delegation, PlanState, PlanVersion
from customers import access as customer_access
from salescrm import saved_views, stored_text
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import can, can_any, capability_required
from salescrm.web import attempt

# Who opens plans and agreements at all; access.* decides which ones.
# Who may ask for an action at all; the service decides on the document itself.
SIGNERS = (C.SIGN,)
SELLERS = (C.SELL, C.MANAGE_TEAM)  # the document's salesperson or their manager
PAGE_SIZE = 50


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


def _counts(counts: dict, states) -> list[tuple[str, str, int]]:
    return [(state.value, state.label, counts.get(state.value, 0)) for state in states]


SORT_LABELS = {
    "": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "customer": _l("Customer"),
    "total": _l("Largest total"),
    "number": _l("Number"),
}


def _list_controls(request, page: str, *, sorts: dict) -> dict:
    """The search box, the sort choice and the saved views of a document list."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "q": request.GET.get("q", ""),
        "sort": request.GET.get("sort", ""),
        "sorts": [(key, SORT_LABELS[key]) for key in sorts],
        "query": query.urlencode(),
        "saved_views": saved_views.for_page(request.user, page),
        "saved_view_page": page,
    }


def _paged(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


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


# --- plans ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def plan_create(request, customer_pk):
    customer = customer_access.customer_for_user(request.user, customer_pk, write=True)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                customer=customer, actor=request.user, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Plan drafted. Submit it for internal review."))
            return redirect("contracts:plan", pk=plan.pk)
    return render(request, "contracts/plan_form.html", {"form": form, "customer": customer})


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def plan_edit(request, pk):
    plan = access.plan_for_user(request.user, pk)
    if plan.salesperson_id != request.user.pk or plan.state != PlanState.DRAFT:
        messages.error(request, _("Only a draft plan can be changed."))
        return redirect("contracts:plan", pk=plan.pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Plan saved."))
            return redirect("contracts:plan", pk=plan.pk)
    plan.refresh_from_db()
    return render(
        request, "contracts/plan_form.html", {"form": form, "customer": plan.customer, "plan": plan}
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


def _action_kwargs(request, extra) -> dict | None:
    """The service's extra argument from the posted form; None when the form is invalid."""
    if extra in ("approve", "reject"):
        form = CommentForm(request.POST)
        form.is_valid()
        return {"approve": extra == "approve", "comment": form.cleaned_data.get("comment", "")}
    if extra == "feedback":
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the customer's feedback."))
            return None
        return {"feedback": form.cleaned_data["feedback"]}
    if extra == "reason":
        form = ReasonForm(request.POST)
        form.is_valid()
        return {"reason": form.cleaned_data.get("reason", "")}
    if extra in ("signed_on", "loi"):
        # The letter-of-intent form sits on the same page as the signing form: its own prefix.
        form = SignedOnForm(request.POST, prefix="loi" if extra == "loi" else None)
        if not form.is_valid():
            messages.error(request, _("Give the date the customer signed."))
            return None
        return {"signed_on": form.cleaned_data["signed_on"]}
    return {}


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


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


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


# --- agreements -------------------------------------------------------------------------------


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
        },
    )


def _editable(agreement) -> bool:
    return agreement.state == AgreementState.DRAFT


def _own_draft(request, pk):
    """The draft agreement `pk` its salesperson edits; 404 for anyone or anything else."""
    agreement = access.agreement_for_user(request.user, pk)
    if agreement.salesperson_id != request.user.pk or not _editable(agreement):
        raise Http404
    return agreement


def _editor_preview(agreement, lines) -> dict:
    """The editor's live figures for the formset `lines` (bound or not).

    Each form gets its row (form.figures) for the figures shown in its line; removed and
    untouched empty lines get none. Saved lines (unbound) are figured as saved.
    """
    kept = []
    for index, form in enumerate(lines.forms):
        form.figures = None
        if lines.is_bound:
            if not lines.is_kept(index, form):
                form.removed = lines.is_removed(form)
                continue
            data = getattr(form, "cleaned_data", {})
        else:
            data = form.initial
            if not data:
                continue
        kept.append(
            {
                "index": index,
                "form": form,
                "product": data.get("product"),
                "quantity": data.get("quantity"),
                "agreed_price": data.get("agreed_price"),
            }
        )
    preview = services.agreement_preview(agreement=agreement, lines=kept)
    for row in preview["lines"]:
        row["form"].figures = row
    return preview


def _line_initial(agreement) -> list[dict]:
    return [
        {
            "product": line.product,
            "description": line.description,
            "period_start": line.period_start,
            "period_end": line.period_end,
            "quantity": line.quantity,
            "agreed_price": line.agreed_price,
        }
        for line in agreement.lines.select_related("product")
    ]


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def agreement_edit(request, pk):
    agreement = access.agreement_for_user(request.user, pk)
    if agreement.salesperson_id != request.user.pk or not _editable(agreement):
        messages.error(request, _("Only a draft agreement can be changed."))
        return redirect("contracts:agreement", pk=agreement.pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    lines = LineFormSet(request.POST or None, initial=_line_initial(agreement), prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            services.agreement_update(
                agreement=agreement, actor=request.user, data=form.cleaned_data, lines=lines.lines()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("contracts:agreement", pk=agreement.pk)
    agreement.refresh_from_db()
    if lines.is_bound:
        lines.is_valid()  # the preview reads each line's cleaned data
    return render(
        request,
        "contracts/agreement_form.html",
        {
            "form": form,
            "lines": lines,
            "agreement": agreement,
            "preview": _editor_preview(agreement, lines),
        },
    )


@require_POST
@capability_required(C.SELL)
def agreement_preview(request, pk):
    """The editor's figures and the major warning for the lines as typed; saves nothing.

    The lines are parsed by the edit page's formset and figured and judged by the
    services that save and submit (services.agreement_preview). Answers an htmx request
    with the preview panel and, out of band, each line's figures.
    """
    agreement = _own_draft(request, pk)
    lines = LineFormSet(request.POST, prefix="lines")
    lines.is_valid()
    preview = _editor_preview(agreement, lines)
    return render(
        request,
        "contracts/_agreement_preview.html",
        {"preview": preview, "lines": lines, "agreement": agreement, "oob": True},
    )


@require_GET
@capability_required(C.SELL)
def agreement_line(request, pk):
    """A new empty line for the editor (htmx), numbered after the `lines-TOTAL_FORMS`
    lines the page has, with the page's line count raised out of band; saves nothing."""
    agreement = _own_draft(request, pk)
    lines = LineFormSet(prefix="lines")
    try:
        index = int(request.GET.get("lines-TOTAL_FORMS", ""))
    except ValueError:
        index = -1
    if not 0 <= index < lines.max_num:
        return render(
            request,
            "contracts/_agreement_line.html",
            {"agreement": agreement, "full": index >= lines.max_num, "max_num": lines.max_num},
        )
    line = lines.form(
        auto_id=lines.auto_id,
        prefix=lines.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        renderer=lines.renderer,
    )
    lines.add_fields(line, index)
    return render(
        request,
        "contracts/_agreement_line.html",
        {"agreement": agreement, "line": line, "index": index, "total": index + 1},
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


# --- delegations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(*SIGNERS)
def delegations(request):
    """My delegations: who may sign for me, and for whom I may sign."""
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(
                delegator=request.user, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Delegation recorded."))
            return redirect("contracts:delegations")
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
