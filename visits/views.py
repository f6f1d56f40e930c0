from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import access as customer_access
from salescrm import concurrency, idempotency, saved_views
from salescrm.errors import DomainError
from salescrm.idempotency import SENT_TWICE
from salescrm.permissions import Capability as C
from salescrm.permissions import can, capability_required
from salescrm.web import attempt
from visits import access, selectors, services
from visits.forms import (
    ContactRecordForm,
    LateNoticeForm,
    NewSlipForm,
    ReasonForm,
    SlipForm,
    VisitLogForm,
)
from visits.models import ContactRecord, SlipState, VisitLog

PAGE_SIZE = 50
# Contact records and slips shown on the customer file.
ON_CUSTOMER_FILE = 20


def customer_panel(request, customer) -> dict:
    """The customer file's "Contacts and visits" panel (salescrm.panels)."""
    return {
        "customer": customer,
        "can_record": customer.owner_id == request.user.pk,
        "contact_records": list(selectors.contact_records(customer)[:ON_CUSTOMER_FILE]),
        "visit_slips": list(selectors.customer_slips(customer)[:ON_CUSTOMER_FILE]),
    }


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def contact_record_add(request, customer_pk):
    customer = customer_access.customer_for_user(request.user, customer_pk, write=True)
    form = ContactRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(idempotency.FIELD)

        def create():
            record = services.contact_record_add(customer=customer, actor=request.user, data=data)
            if record.meeting_at:
                url = reverse("visits:create", kwargs={"customer_pk": customer.pk})
                return record, f"{url}?contact={record.pk}"
            return record, reverse("customers:detail", kwargs={"pk": customer.pk})

        try:
            outcome = idempotency.once(user=request.user, token=token, create=create)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Contact recorded.") if outcome.created else SENT_TWICE)
            return redirect(outcome.url)
    return render(request, "visits/contact_record_form.html", {"form": form, "customer": customer})


@require_GET
@capability_required(C.READ_SALES)
def slip_list(request):
    now = timezone.now()
    q, state, sort = (request.GET.get(key, "") for key in ("q", "state", "sort"))
    slips = selectors.slip_list(request.user, q=q, state=state, sort=sort)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(slips, PAGE_SIZE).get_page(request.GET.get("page")),
        "now": now,
        "q": q,
        "state": state,
        "sort": sort,
        "states": SlipState.choices,
        "sorts": [
            ("", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("customer", _("Customer")),
        ],
        "query": query.urlencode(),
        "saved_views": saved_views.for_page(request.user, "visits:list"),
        "saved_view_page": "visits:list",
    }
    if can(request.user, C.MANAGE_TEAM):
        context["queue"] = selectors.approval_queue(request.user)
        context["late"] = selectors.late_returns(request.user, now=now)
        context["team_week"] = selectors.team_week(request.user, now=now)
    return render(request, "visits/slip_list.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def slip_create(request, customer_pk):
    customer = customer_access.customer_for_user(request.user, customer_pk, write=True)
    record = None
    contact = request.GET.get("contact", "")
    if contact.isascii() and contact.isdecimal():
        record = ContactRecord.objects.filter(pk=contact, customer=customer).first()
    initial = {}
    if record and record.meeting_at:
        initial = {
            "planned_departure": timezone.localtime(record.meeting_at) - timedelta(hours=1),
            "expected_return": timezone.localtime(record.meeting_at) + timedelta(hours=2),
        }
    form = NewSlipForm(request.POST or None, initial=initial)
    revisit = services.is_revisit(customer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(idempotency.FIELD)

        def create():
            slip = services.slip_create(
                customer=customer, actor=request.user, data=data, contact_record=record
            )
            return slip, reverse("visits:detail", kwargs={"pk": slip.pk})

        try:
            outcome = idempotency.once(user=request.user, token=token, create=create)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Visit slip drafted. Submit it for approval.") if outcome.created else SENT_TWICE,
            )
            return redirect(outcome.url)
    return render(
        request,
        "visits/slip_form.html",
        {"form": form, "customer": customer, "revisit": revisit, "slip": None},
    )


@require_GET
@capability_required(C.READ_SALES, C.RUN_DESK)
def slip_detail(request, pk):
    slip = access.slip_for_user(request.user, pk)
    return render(
        request,
        "visits/slip_detail.html",
        {
            "slip": slip,
            "moves": services.slip_moves(slip, request.user),
            # The front desk sees times and buttons, not what was said at the customer's.
            "log": None
            if can(request.user, C.RUN_DESK)
            else VisitLog.objects.filter(slip=slip).first(),
            "reason_form": ReasonForm(),
            "late_form": LateNoticeForm(),
            "history": slip.history.select_related("history_user").order_by("-history_date")[:30],
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def slip_edit(request, pk):
    slip = access.slip_for_user(request.user, pk)
    if slip.salesperson_id != request.user.pk or slip.state != SlipState.DRAFT:
        messages.error(request, _("Only a draft slip can be changed."))
        return redirect("visits:detail", pk=slip.pk)
    form = SlipForm(request.POST or None, instance=slip)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop(concurrency.FIELD)
        try:
            services.slip_update(
                slip=slip, actor=request.user, data=data, expected_version=version
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Slip saved."))
            return redirect("visits:detail", pk=slip.pk)
    slip.refresh_from_db()
    return render(
        request,
        "visits/slip_form.html",
        {"form": form, "customer": slip.customer, "revisit": slip.is_revisit, "slip": slip},
        status=status,
    )


def _act(request, pk, action, success, **kwargs):
    """Run one slip move for the request's user; the loser of a race gets the reason."""
    slip = access.slip_for_user(request.user, pk)
    attempt(request, success, action, slip=slip, **kwargs)
    return _back(request, default=reverse("visits:detail", kwargs={"pk": slip.pk}))


def _back(request, *, default: str):
    """Where a slip action returns: the desk, the list or the home page when it came from
    there, else `default`."""
    back = request.POST.get("next")
    if back == "home":
        return redirect("home")
    if back in ("desk", "list"):
        return redirect(f"visits:{back}")
    return redirect(default)


@require_POST
@capability_required(C.SELL)
def slip_submit(request, pk):
    return _act(request, pk, services.slip_submit, _("Sent to your manager for approval."))


@require_POST
@capability_required(C.MANAGE_TEAM)
def slip_approve(request, pk):
    return _act(request, pk, services.slip_approve, _("Visit approved."))


@require_POST
@capability_required(C.MANAGE_TEAM)
def slips_approve(request):
    """Approve the ticked slips of the manager's queue at once."""
    ids = [pk for pk in request.POST.getlist("slip") if pk.isascii() and pk.isdecimal()]
    slips = list(selectors.approval_queue(request.user).filter(pk__in=ids))
    approved, refused = services.slips_approve(slips=slips, actor=request.user)
    if approved:
        messages.success(
            request,
            ngettext("%(count)d visit approved.", "%(count)d visits approved.", len(approved))
            % {"count": len(approved)},
        )
    for slip, error in refused:
        messages.error(request, f"{slip.customer.name}: {error}")
    gone = len(ids) - len(slips)
    if gone:
        messages.warning(
            request,
            ngettext(
                "%(count)d was no longer waiting for your approval.",
                "%(count)d were no longer waiting for your approval.",
                gone,
            )
            % {"count": gone},
        )
    return _back(request, default=reverse("visits:list"))


@require_POST
@capability_required(C.MANAGE_TEAM)
def slip_reject(request, pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the slip is rejected."))
        return redirect("visits:detail", pk=access.slip_for_user(request.user, pk).pk)
    return _act(
        request,
        pk,
        services.slip_reject,
        _("Slip sent back to draft."),
        reason=form.cleaned_data["reason"],
    )


@require_POST
@capability_required(C.RUN_DESK)
def slip_depart(request, pk):
    return _act(request, pk, services.slip_depart, _("Departure registered."))


@require_POST
@capability_required(C.RUN_DESK, C.SELL)
def slip_return(request, pk):
    return _act(request, pk, services.slip_return, _("Return registered."))


@require_POST
@capability_required(C.SELL, C.MANAGE_TEAM)
def slip_cancel(request, pk):
    return _act(
        request,
        pk,
        services.slip_cancel,
        _("Visit cancelled."),
        reason=request.POST.get("reason", ""),
    )


@require_POST
@capability_required(C.SELL)
def slip_late(request, pk):
    form = LateNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new return time."))
        return redirect("visits:detail", pk=access.slip_for_user(request.user, pk).pk)
    return _act(
        request,
        pk,
        services.slip_late_notice,
        _("Your manager has been told."),
        new_return=form.cleaned_data["new_return"],
        text=form.cleaned_data["text"],
    )


@require_GET
@capability_required(C.RUN_DESK)
def desk(request):
    """Today's visits in three groups: to leave, out, back; a fresh registration can be undone."""
    now = timezone.now()
    slips = list(selectors.desk_slips(now=now))
    undo_after = now - timedelta(seconds=services.UNDO_SECONDS)
    for slip in slips:
        registered = {
            SlipState.DEPARTED: (slip.departure_by_id, slip.departed_at),
            SlipState.RETURNED: (slip.return_by_id, slip.returned_at),
        }.get(slip.state)
        slip.can_undo = bool(
            registered and registered[0] == request.user.pk and registered[1] > undo_after
        )
        slip.undo_until = services.undo_until(slip) if slip.can_undo else None
    groups = [
        ("to-leave", pgettext("front desk group", "To leave"), SlipState.APPROVED),
        ("out", pgettext("front desk group", "Out"), SlipState.DEPARTED),
        ("back", pgettext("front desk group", "Back"), SlipState.RETURNED),
    ]
    return render(
        request,
        "visits/desk.html",
        {
            "slips": slips,
            "groups": [
                (key, title, [slip for slip in slips if slip.state == state])
                for key, title, state in groups
            ],
            "now": now,
        },
    )


DESK_MOVES = {"depart": SlipState.APPROVED, "return": SlipState.DEPARTED}


@require_GET
@capability_required(C.RUN_DESK)
def desk_confirm(request, pk, move):
    """Ask the desk to confirm a departure or a return, naming the person (htmx: in the card)."""
    slip = access.slip_for_user(request.user, pk)
    if move not in DESK_MOVES:
        raise Http404
    if slip.state != DESK_MOVES[move]:
        messages.error(
            request, _("This visit has moved on: %(state)s.") % {"state": slip.get_state_display()}
        )
        return redirect("visits:desk")
    context = {"slip": slip, "move": move, "now": timezone.now()}
    if request.headers.get("HX-Request"):
        return render(request, "visits/_desk_confirm.html", context)
    return render(request, "visits/desk_confirm.html", context)


@require_POST
@capability_required(C.RUN_DESK)
def slip_undo(request, pk):
    slip = access.slip_for_user(request.user, pk)
    attempt(
        request,
        _("Undone: %(person)s, %(customer)s.")
        % {"person": slip.salesperson, "customer": slip.customer.name},
        services.slip_undo,
        slip=slip,
    )
    return redirect("visits:desk")


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL)
def log_edit(request, pk):
    log = access.log_for_user(request.user, pk)
    form = VisitLogForm(request.POST or None, instance=log)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop(concurrency.FIELD)
        try:
            services.visit_log_write(
                log=log, actor=request.user, data=data, expected_version=version
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Visit log saved."))
            return redirect("visits:detail", pk=log.slip_id)
    log.refresh_from_db()
    return render(request, "visits/log_form.html", {"form": form, "log": log}, status=status)


@require_POST
@capability_required(C.SELL)
def log_apply_class(request, pk):
    log = access.log_for_user(request.user, pk)
    try:
        services.apply_suggested_class(log=log, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Class changed as the log suggests."))
    return redirect("visits:detail", pk=log.slip_id)
