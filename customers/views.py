from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import access, selectors, services
from customers.filters import QUICK, CustomerFilter, PoolFilter
from customers.forms import (
    AssignForm,
    CheckForm,
    ClaimDecisionForm,
    ClaimForm,
    ClassChangeForm,
    ContactPersonForm,
    CustomerFileForm,
    ExtensionForm,
    NoteForm,
    QuickCaptureForm,
    ReassignForm,
    ReturnForm,
)
from customers.models import ContactPerson, Customer
from customers.resources import CustomerExportResource
from salescrm import idempotency, panels, people, saved_views, timeline
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import can, capability_required
from salescrm.web import attempt

PAGE_SIZES = (25, 50, 100, 200)
CLAIM_SALT = "customers.claim"
CLAIM_MAX_AGE = 7 * 24 * 3600


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("size", 50))
    except ValueError:
        return 50
    return size if size in PAGE_SIZES else 50


def filtered_customers(request):
    """The list the user sees, with the filters of the request applied (list and export)."""
    return CustomerFilter(
        request.GET or None, queryset=selectors.customer_list(request.user), user=request.user
    )


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@require_GET
@capability_required(C.READ_SALES)
def customer_export(request):
    """The visible list, with the same filters, as CSV (UTF-8 with BOM for Excel) or XLSX."""
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORT_FORMATS:
        raise Http404
    customers = filtered_customers(request).qs
    dataset = CustomerExportResource().export(queryset=customers)
    content_type, extension = EXPORT_FORMATS[file_format]
    # The byte-order mark tells Excel the CSV is UTF-8 (Chinese names stay readable).
    body = "\ufeff" + dataset.csv if file_format == "csv" else dataset.xlsx
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.{extension}"'
    return response


@require_GET
@capability_required(C.READ_SALES)
def customer_list(request):
    customer_filter = filtered_customers(request)
    page = Paginator(customer_filter.qs, _page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    show_owner = not can(request.user, C.SELL)  # a salesperson's list is all theirs
    columns = [
        ("name", _("Company"), ""),
        ("", _("Class"), ""),
        *([("", _("Owner"), "d-none d-md-table-cell")] if show_owner else []),
        ("entered", _("Entered"), "d-none d-lg-table-cell"),
        ("contact", _("Last contact"), "d-none d-md-table-cell"),
        ("", _("Next deadline"), ""),
    ]
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter": customer_filter,
            "page": page,
            "query": query.urlencode(),
            "query_without_sort": without_sort.urlencode(),
            "sort_key": request.GET.get("sort", ""),
            "columns": columns,
            "show_owner": show_owner,
            "quick_filters": QUICK,
            "more_filters_used": any(
                request.GET.get(name)
                for name in ("credit_code", "pipeline_class", "source", "owner", "overdue")
            ),
            "saved_views": saved_views.for_page(request.user, "customers:list"),
            "saved_view_page": "customers:list",
            "page_sizes": PAGE_SIZES,
            "now": timezone.now(),
        },
    )


def _team_salespeople(manager):
    """The salespeople a manager may give customers to (none for a manager without a team)."""
    return people.salespeople(team=people.managed_team_id(manager))


# The same create form arrived twice (a double click): the first made the record.
SENT_TWICE = gettext_lazy("This form was sent twice; it was saved once.")


def claim_token(customer, user) -> str:
    return signing.dumps({"c": customer.pk, "u": user.pk}, salt=CLAIM_SALT)


# Quick capture at a trade show: what "save and add another" keeps for the next lead.
KEPT_FOR_THE_NEXT = ("source", "source_detail", "collected_on")
def duplicate_help(user, duplicate: services.DuplicateCustomer | None) -> dict:
    """What a refusal for a customer already on file offers: the file when it is the user's
    (or one they may open), the claim form when a salesperson may claim it, the pool for a
    manager; never more about the owner than the refusal itself says."""
    if duplicate is None:
        return {"duplicate": None, "claim_url": None, "file_url": None, "pool_url": None}
    existing = duplicate.existing
    mine = existing.owner_id == user.pk
    readable = access.customers_for(user).filter(pk=existing.pk).exists()
    return {
        "duplicate": duplicate,
        "mine": mine,
        "file_url": reverse("customers:detail", kwargs={"pk": existing.pk}) if readable else None,
        "claim_url": _claim_url(existing, user) if can(user, C.SELL) and not mine else None,
        "pool_url": reverse("customers:pool")
        if existing.owner_id is None and can(user, C.MANAGE_TEAM)
        else None,
    }


def _today_count(user) -> dict:
    """Files the user entered today against the daily target (rule 1.1.3; none on a day off)."""
    today = timezone.localdate()
    working = salescrm_selectors.work_calendar(today=today).is_working_day(today)
    return {
        "new_today": selectors.new_files_today(user, today=today),
        "daily_target": salescrm_selectors.policy().daily_new_customers_target if working else 0,
    }


@require_http_methods(["GET", "POST"])
@capability_required(C.RECORD_CUSTOMERS)
def customer_create(request):
    """Quick capture; "save and add another" comes back to an empty form keeping the source.

    The form carries a one-time token (salescrm.idempotency): a double tap files the lead
    once, and the second request is shown where the first went.
    """
    initial = {
        key: request.GET[key] for key in KEPT_FOR_THE_NEXT if request.GET.get(key, "").strip()
    }
    form = QuickCaptureForm(request.POST or None, initial=initial)
    duplicate = None
    if request.method == "POST" and form.is_valid():

        def create():
            customer = services.customer_create(
                actor=request.user,
                data=form.cleaned_data,
                to_pool=can(request.user, C.MANAGE_TEAM) and "to_pool" in request.POST,
            )
            return customer, _next_after_capture(request, customer, form)

        try:
            outcome = idempotency.once(
                user=request.user, token=form.cleaned_data[idempotency.FIELD], create=create
            )
        except services.DuplicateCustomer as error:
            duplicate = error
            form.add_error(None, str(error))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if outcome.created:
                _say_captured(request, outcome.value)
            else:
                messages.info(request, SENT_TWICE)
            return redirect(outcome.url)
    return render(
        request,
        "customers/customer_create.html",
        {
            "form": form,
            **duplicate_help(request.user, duplicate),
            **_today_count(request.user),
        },
    )


def _say_captured(request, customer) -> None:
    if customer.owner_id is None:
        messages.success(
            request,
            _(
                "%(name)s is on file in the unowned pool: customers from company "
                "events are assigned by the sales manager."
            )
            % {"name": customer},
        )
    else:
        messages.success(
            request,
            _("%(name)s is on file. Complete it within the deadline.") % {"name": customer},
        )


def _next_after_capture(request, customer, form) -> str:
    """The file, or an empty form for the next lead keeping its source ("add another")."""
    if "add_another" in request.POST:
        kept = {key: form.data.get(key, "") for key in KEPT_FOR_THE_NEXT}
        return f"{reverse('customers:create')}?{urlencode(kept)}"
    if customer.owner_id is None and not (
        access.customers_for(request.user).filter(pk=customer.pk).exists()
    ):
        return reverse("customers:pool")
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def _claim_url(customer, user) -> str:
    return reverse("customers:claim", kwargs={"token": claim_token(customer, user)})


@require_GET
@capability_required(C.READ_SALES)
def customer_detail(request, pk):
    customer = access.customer_for_user(request.user, pk)
    context = {
        "customer": customer,
        "can_change": access.can_change(request.user, customer),
        "manages": access.manages(request.user, customer),
        "now": timezone.now(),
        "class_form": ClassChangeForm(),
        "return_form": ReturnForm(),
        "note_form": NoteForm(),
        **selectors.customer_detail(customer),
        # Contacts, visits, plans and agreements: drawn by the apps that own them.
        "panels": panels.for_slot("customer_detail", request, customer),
    }
    context["events"], context["older"] = timeline.events("customer", request.user, customer)
    if context["manages"]:
        team_id = people.managed_team_id(request.user)
        context["reassign_form"] = ReassignForm(team_members=people.salespeople(team=team_id))
        context["proposed"] = selectors.proposed_assignee(team_id, now=timezone.now())
    return render(request, "customers/customer_detail.html", context)


@require_GET
@capability_required(C.READ_SALES)
def customer_timeline(request, pk):
    """Older events of the customer's timeline, before the moment `before` (ISO)."""
    customer = access.customer_for_user(request.user, pk)
    try:
        before = parse_datetime(request.GET.get("before", ""))
    except ValueError:
        before = None
    if before is None or timezone.is_naive(before):
        raise Http404
    events, older = timeline.events("customer", request.user, customer, before=before)
    return render(
        request,
        "customers/_timeline.html"
        if request.headers.get("HX-Request")
        else "customers/customer_timeline.html",
        {"customer": customer, "events": events, "older": older},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL, C.MANAGE_TEAM)
def customer_edit(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = CustomerFileForm(request.POST or None, instance=customer)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, actor=request.user, data=form.cleaned_data)
        except services.DuplicateCustomer as error:
            duplicate = error
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("File saved."))
            return redirect("customers:detail", pk=customer.pk)
    # A failed form must not leave the instance half-changed for the page.
    customer.refresh_from_db()
    return render(
        request,
        "customers/customer_edit.html",
        {"form": form, "customer": customer, **duplicate_help(request.user, duplicate)},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SELL, C.MANAGE_TEAM)
def contact_person_edit(request, pk, contact_pk=None):
    customer = access.customer_for_user(request.user, pk, write=True)
    contact = (
        get_object_or_404(ContactPerson, pk=contact_pk, customer=customer) if contact_pk else None
    )
    form = ContactPersonForm(request.POST or None, instance=contact)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(idempotency.FIELD)

        def save():
            saved = services.contact_person_save(
                customer=customer,
                actor=request.user,
                contact=contact,
                data=services.ContactPersonData(**data),
            )
            return saved, reverse("customers:detail", kwargs={"pk": customer.pk})

        try:
            # Adding one is done once per form sent; changing one is the same twice.
            outcome = idempotency.once(
                user=request.user, token=token if contact is None else None, create=save
            )
        except services.DuplicateCustomer as error:
            duplicate = error
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Contact person saved.") if outcome.created else SENT_TWICE)
            return redirect(outcome.url)
    return render(
        request,
        "customers/contact_person_form.html",
        {
            "form": form,
            "customer": customer,
            "contact": contact,
            **duplicate_help(request.user, duplicate),
        },
    )


@require_POST
@capability_required(C.SELL, C.MANAGE_TEAM)
def contact_person_delete(request, pk, contact_pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    contact = get_object_or_404(ContactPerson, pk=contact_pk, customer=customer)
    services.contact_person_delete(contact=contact, actor=request.user)
    messages.success(request, _("Contact person removed."))
    return redirect("customers:detail", pk=customer.pk)


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


# --- ownership claims ------------------------------------------------------------------


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


# --- weekly check -------------------------------------------------------------------------


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


# --- the reassignment queue (missed first contacts) ----------------------------------------


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


# --- the unowned pool ------------------------------------------------------------------------

POOL_SALT = "customers.pool.selection"
POOL_SELECTION_MAX_AGE = 3600


def _pool_filter(request, data) -> PoolFilter:
    return PoolFilter(data or None, queryset=selectors.pool(request.user), user=request.user)


@require_GET
@capability_required(C.READ_SALES)
def pool(request):
    pool_filter = _pool_filter(request, request.GET)
    page = Paginator(pool_filter.qs, _page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": pool_filter,
        "page": page,
        "query": query.urlencode(),
        "can_assign": can(request.user, C.MANAGE_TEAM),
        "limit": services.ASSIGN_LIMIT,
        "page_sizes": PAGE_SIZES,
    }
    if context["can_assign"]:
        now = timezone.now()
        team_id = people.managed_team_id(request.user)
        context["has_team"] = team_id is not None
        context["loads"] = selectors.team_loads(team_id, now=now)
        context["proposed"] = selectors.proposed_assignee(team_id, now=now)
        context["form"] = AssignForm(team_members=people.salespeople(team=team_id))
    return render(request, "customers/pool.html", context)


class _Refused(Exception):
    """The selection cannot be used; the message says why."""


def _selected_ids(request) -> tuple[list[int], str]:
    """The pool customers a pool form names, and the filters to go back to: the ticked ones,
    or (scope "all") every customer the filters match, evaluated here on the server."""
    pool_filter = _pool_filter(request, request.POST)
    back = urlencode(pool_filter.params)
    if request.POST.get("scope") == "all":
        if pool_filter.is_bound and not pool_filter.is_valid():
            raise _Refused(_("The filters are not valid: check them and try again."))
        ids = list(pool_filter.qs.values_list("pk", flat=True)[: services.ASSIGN_LIMIT + 1])
    else:
        try:
            ids = sorted({int(pk) for pk in request.POST.getlist("customers")})
        except ValueError:
            raise _Refused(_("Choose the customers to assign.")) from None
    if not ids:
        raise _Refused(_("Choose the customers to assign."))
    if len(ids) > services.ASSIGN_LIMIT:
        raise _Refused(
            _("More than %(limit)d customers match: narrow the filters and assign them in parts.")
            % {"limit": services.ASSIGN_LIMIT}
        )
    return ids, back


def _pool_url(back: str) -> str:
    return f"{reverse('customers:pool')}?{back}" if back else reverse("customers:pool")


def split_text(split: list[tuple[object, int]]) -> str:
    """ "刘静 31 · 杨磊 19": who gets how many."""
    return " · ".join(f"{person} {count}" for person, count in split)


def _split(picks) -> list[tuple[object, int]]:
    counts = Counter(picks)
    return sorted(counts.items(), key=lambda entry: (-entry[1], str(entry[0])))


@require_POST
@capability_required(C.MANAGE_TEAM)
def pool_assign(request):
    """Step 1 (preview): who would get how many of the chosen customers. Step 2 (confirm,
    with the signed selection of step 1): assign exactly those still in the pool."""
    form = AssignForm(request.POST, team_members=_team_salespeople(request.user))
    if "selection" in request.POST:
        return _pool_assign_confirm(request, form)
    try:
        ids, back = _selected_ids(request)
    except _Refused as refusal:
        messages.error(request, str(refusal))
        return redirect(_pool_url(urlencode(_pool_filter(request, request.POST).params)))
    if not form.is_valid():
        messages.error(request, _("Choose a salesperson of your team, or a balanced split."))
        return redirect(_pool_url(back))
    in_pool = list(
        Customer.objects.filter(pk__in=ids, owner__isnull=True)
        .order_by("entered_at", "pk")
        .only("pk", "name", "pool_team_id", "owner_id")
    )
    team_id = people.managed_team_id(request.user)
    foreign = [c for c in in_pool if not access.in_pool_of(team_id, c)]
    if foreign:
        # Another team's pool: not this manager's to assign (nor to see).
        messages.error(
            request,
            ngettext(
                "%(count)d of the chosen customers is not in your pools. Nothing was assigned.",
                "%(count)d of the chosen customers are not in your pools. Nothing was assigned.",
                len(foreign),
            )
            % {"count": len(foreign)},
        )
        return redirect(_pool_url(back))
    chosen = in_pool
    if not chosen:
        messages.error(request, _("None of the chosen customers is in the pool any more."))
        return redirect(_pool_url(back))
    try:
        picks = services.assignment_plan(
            count=len(chosen), actor=request.user, assignee=form.cleaned_data["assignee"]
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_pool_url(back))
    selection = signing.dumps(
        {"ids": [c.pk for c in chosen], "u": request.user.pk, "back": back},
        salt=POOL_SALT,
        compress=True,
    )
    return render(
        request,
        "customers/pool_preview.html",
        {
            "count": len(chosen),
            "split": _split(picks),
            "assignee": form.cleaned_data["assignee"],
            "examples": chosen[:10],
            "gone": len(ids) - len(chosen),
            "selection": selection,
            "back_url": _pool_url(back),
        },
    )


def _pool_assign_confirm(request, form):
    try:
        data = signing.loads(
            request.POST["selection"], salt=POOL_SALT, max_age=POOL_SELECTION_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("This preview is too old: preview the assignment again."))
        return redirect("customers:pool")
    if data.get("u") != request.user.pk:
        raise Http404
    back = data.get("back", "")
    if not form.is_valid():
        messages.error(request, _("Choose a salesperson of your team, or a balanced split."))
        return redirect(_pool_url(back))
    ids = data["ids"]
    try:
        done = services.customers_assign(
            customers=Customer.objects.filter(pk__in=ids).only("pk"),
            actor=request.user,
            assignee=form.cleaned_data["assignee"],
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_pool_url(back))
    messages.success(
        request,
        ngettext(
            "%(count)d customer assigned: %(split)s.",
            "%(count)d customers assigned: %(split)s.",
            len(done),
        )
        % {"count": len(done), "split": split_text(_split(done.values()))},
    )
    skipped = len(ids) - len(done)
    if skipped:
        messages.warning(
            request,
            _("%(count)d were no longer in the pool and were left alone.") % {"count": skipped},
        )
    return redirect(_pool_url(back))


@require_POST
@capability_required(C.MANAGE_TEAM)
def pool_team(request):
    """Keep the chosen pool customers in the manager's team's pool, or give them to the
    company's pool."""
    try:
        ids, back = _selected_ids(request)
    except _Refused as refusal:
        messages.error(request, str(refusal))
        return redirect(_pool_url(urlencode(_pool_filter(request, request.POST).params)))
    team_only = request.POST.get("team_only") == "1"
    try:
        count = services.pool_set_team(
            customers=Customer.objects.filter(pk__in=ids).only("pk"),
            actor=request.user,
            team_only=team_only,
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_pool_url(back))
    if team_only:
        text = ngettext(
            "%(count)d customer moved to your team's pool.",
            "%(count)d customers moved to your team's pool.",
            count,
        )
    else:
        text = ngettext(
            "%(count)d customer moved to the company's pool.",
            "%(count)d customers moved to the company's pool.",
            count,
        )
    messages.success(request, text % {"count": count})
    return redirect(_pool_url(back))


@require_GET
@capability_required(C.OVERSEE)
def board(request):
    return render(request, "customers/board.html", selectors.board(request.user))
