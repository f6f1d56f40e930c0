"""The file under review: class changes (rule 3.1), escalation and guidance notes
(rule 2.3.2), the manager's weekly check (rule 1.2) and the class board."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers import access, selectors, services
from customers.forms import (
    CheckForm,
    ClassChangeForm,
    NoteForm,
    ReturnForm,
)
from customers.views.common import SENT_TWICE
from salescrm import idempotency, people
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required
from salescrm.web import attempt


@require_POST
@capability_required(C.SELL, C.MANAGE_TEAM)
def customer_change_class(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = ClassChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a class and say why."))
        return redirect("customers:detail", pk=customer.pk)
    attempt(
        request,
        _("Class changed."),
        services.customer_change_class,
        customer=customer,
        to_class=form.cleaned_data["to_class"],
        reason=form.cleaned_data["reason"],
    )
    return redirect("customers:detail", pk=customer.pk)


@require_POST
@capability_required(C.SELL, C.MANAGE_TEAM)
def note_add(request, pk):
    customer = access.customer_for_user(request.user, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        if form.has_error("body", "max_length"):
            messages.error(request, " ".join(form.errors["body"]))
        else:
            messages.error(request, _("Write something first."))
        return redirect("customers:detail", pk=customer.pk)
    detail = reverse("customers:detail", kwargs={"pk": customer.pk})
    try:
        outcome = idempotency.once(
            user=request.user,
            token=form.cleaned_data[idempotency.FIELD],
            create=lambda: (
                services.note_add(
                    customer=customer,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    body=form.cleaned_data["body"],
                ),
                detail,
            ),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Added to the thread.") if outcome.created else SENT_TWICE)
    return redirect(detail)


@require_POST
@capability_required(C.MANAGE_TEAM)
def escalation_close(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    attempt(request, _("Escalation closed."), services.escalation_close, customer=customer)
    return redirect("customers:detail", pk=customer.pk)


CHECKS_URL = "customers:checks"


@require_GET
@capability_required(C.MANAGE_TEAM)
def check_queue(request):
    """Every week with files waiting for the check: what the home page counts, no more."""
    weeks = selectors.check_queue(request.user)
    return render(
        request,
        "customers/check_queue.html",
        {"weeks": weeks, "total": sum(week.count for week in weeks)},
    )


def _team_files(request):
    team_id = people.managed_team_id(request.user)
    if team_id is None:
        raise Http404
    return access.customers_for(request.user).filter(owner__team_id=team_id)


def _row_notes(request, pks) -> dict[int, str]:
    """The comment typed on each file's row of the check page."""
    return {pk: request.POST.get(f"note-{pk}", "").strip() for pk in pks}


@require_POST
@capability_required(C.MANAGE_TEAM)
def check_mark(request):
    form = CheckForm(request.POST, queryset=_team_files(request))
    if not form.is_valid():
        messages.error(request, _("Choose the files you checked."))
    else:
        chosen = list(form.cleaned_data["customers"])
        count = services.files_mark_checked(
            customers=chosen,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            comments=_row_notes(request, [c.pk for c in chosen]),
        )
        messages.success(request, _("%(count)d files marked checked.") % {"count": count})
    return redirect(CHECKS_URL)


@require_POST
@capability_required(C.MANAGE_TEAM)
def check_return(request):
    """Return one file from its row of the check page, with the comment typed on the row."""
    try:
        pk = int(request.POST.get("return", ""))
    except ValueError:
        raise Http404 from None
    customer = access.customer_for_user(request.user, pk, write=True)
    reason = _row_notes(request, [pk])[pk]
    if not reason:
        messages.error(
            request,
            _("Say what needs correcting in %(customer)s: type it on its row.")
            % {"customer": customer.name},
        )
    else:
        attempt(
            request,
            _("%(customer)s returned to %(owner)s for correction.")
            % {"customer": customer.name, "owner": customer.owner},
            services.file_return,
            customer=customer,
            reason=reason,
        )
    return redirect(CHECKS_URL)


@require_POST
@capability_required(C.MANAGE_TEAM)
def file_return(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what needs correcting."))
    else:
        attempt(
            request,
            _("Returned to %(owner)s for correction.") % {"owner": customer.owner},
            services.file_return,
            customer=customer,
            reason=form.cleaned_data["reason"],
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("customers:detail", kwargs={"pk": customer.pk})
    return HttpResponseRedirect(next_url)  # a URL, never a view name to reverse


@require_POST
@capability_required(C.SELL)
def file_resubmit(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    attempt(
        request,
        _("Sent back to your manager's check queue."),
        services.file_resubmit,
        customer=customer,
    )
    return redirect("customers:detail", pk=customer.pk)


@require_GET
@capability_required(C.OVERSEE)
def board(request):
    return render(request, "customers/board.html", selectors.board(request.user))
