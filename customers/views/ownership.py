"""Who owns a customer (rule 1.3): reassignment, ownership claims, and the queue of missed
first contacts (rule 1.3.3)."""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import access, selectors, services
from customers.forms import (
    ClaimDecisionForm,
    ClaimForm,
    ExtensionForm,
    ReassignForm,
)
from customers.models import Customer
from customers.views.common import CLAIM_MAX_AGE, CLAIM_SALT, SENT_TWICE, _team_salespeople
from salescrm import idempotency
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required
from salescrm.web import attempt


@require_POST
@capability_required(C.MANAGE_TEAM)
def customer_reassign(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = ReassignForm(request.POST, team_members=_team_salespeople(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a salesperson of your team."))
        return redirect("customers:detail", pk=customer.pk)
    attempt(
        request,
        _("Reassigned to %(person)s.") % {"person": form.cleaned_data["assignee"]},
        services.customer_reassign,
        customer=customer,
        assignee=form.cleaned_data["assignee"],
    )
    return redirect("customers:detail", pk=customer.pk)


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def claim_create(request, token):
    """File a claim on the customer a refusal named; the signed token is the only way in."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    if data.get("u") != request.user.pk:
        raise Http404
    customer = get_object_or_404(Customer.objects.select_related("owner"), pk=data.get("c"))
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = idempotency.once(
                user=request.user,
                token=form.cleaned_data[idempotency.FIELD],
                create=lambda: (
                    services.claim_file(
                        customer=customer,
                        claimant=request.user,
                        reason=form.cleaned_data["reason"],
                    ),
                    reverse("customers:my_claims"),
                ),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Claim filed. Your manager will decide.") if outcome.created else SENT_TWICE,
            )
            return redirect(outcome.url)
    return render(request, "customers/claim_form.html", {"form": form, "customer": customer})


@require_GET
@capability_required(C.SELL)
def my_claims(request):
    return render(
        request, "customers/claim_mine.html", {"claims": selectors.claims_by(request.user)}
    )


@require_GET
@capability_required(C.MANAGE_TEAM)
def claim_queue(request):
    return render(
        request,
        "customers/claim_queue.html",
        {"claims": selectors.claims_to_decide(request.user), "form": ClaimDecisionForm()},
    )


@require_POST
@capability_required(C.MANAGE_TEAM)
def claim_decide(request, claim_pk):
    claim = get_object_or_404(selectors.claims_for_decision(request.user), pk=claim_pk)
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose keep or transfer."))
        return redirect("customers:claims")
    attempt(
        request,
        _("Claim decided."),
        services.claim_decide,
        claim=claim,
        transfer=form.cleaned_data["decision"] == "transfer",
        comment=form.cleaned_data["comment"],
    )
    return redirect("customers:claims")


@require_GET
@capability_required(C.MANAGE_TEAM)
def reassignment_queue(request):
    """Missed first contacts: reassign each (the balanced proposal pre-selected) or extend once."""
    members = list(_team_salespeople(request.user))
    customers = list(selectors.reassignment_queue(request.user))
    proposals = selectors.reassignment_proposals(customers, members, now=timezone.now())
    rows = [
        (customer, proposals.get(customer.pk), [p for p in members if p.pk != customer.owner_id])
        for customer in customers
    ]
    return render(request, "customers/reassignment_queue.html", {"rows": rows})


@require_POST
@capability_required(C.MANAGE_TEAM)
def queue_reassign(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = ReassignForm(request.POST, team_members=_team_salespeople(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a salesperson of your team."))
    elif not selectors.reassignment_queue(request.user).filter(pk=customer.pk).exists():
        # Contacted, extended or reassigned (perhaps automatically) since the page was loaded.
        messages.error(request, _("This customer is not waiting in the reassignment queue."))
    else:
        attempt(
            request,
            _("Reassigned to %(person)s.") % {"person": form.cleaned_data["assignee"]},
            services.customer_reassign,
            customer=customer,
            assignee=form.cleaned_data["assignee"],
        )
    return redirect("customers:reassignment_queue")


@require_POST
@capability_required(C.MANAGE_TEAM)
def queue_extend(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the extension is granted."))
    else:
        attempt(
            request,
            _("Extension granted: %(owner)s has one more week to contact %(customer)s.")
            % {"owner": customer.owner, "customer": customer.name},
            services.first_contact_extend,
            customer=customer,
            reason=form.cleaned_data["reason"],
        )
    return redirect("customers:reassignment_queue")
