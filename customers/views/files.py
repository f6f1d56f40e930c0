"""The customer file: the list and its export, quick capture, the file page, its timeline,
editing it and its contact people."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import access, recycling, selectors, services
from customers.filters import QUICK, CustomerFilter
from customers.forms import (
    ClassChangeForm,
    ContactPersonForm,
    CustomerFileForm,
    NoteForm,
    QuickCaptureForm,
    ReassignForm,
    ReturnForm,
)
from customers.models import ContactPerson
from customers.resources import CustomerExportResource
from customers.views.common import PAGE_SIZES, SENT_TWICE, _claim_url, _page_size
from salescrm import concurrency, exports, idempotency, panels, people, saved_views, timeline
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.paging import BoundedPaginator
from salescrm.permissions import Capability as C
from salescrm.permissions import can, capability_required


def filtered_customers(request):
    """The list the user sees, with the filters of the request applied (list and export)."""
    return CustomerFilter(
        request.GET or None, queryset=selectors.customer_list(request.user), user=request.user
    )


@require_GET
@capability_required(C.READ_SALES)
def customer_export(request):
    """The visible list, with the same filters, as CSV (UTF-8 with BOM for Excel) or XLSX."""
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.CONTENT_TYPES:
        raise Http404
    customers = filtered_customers(request).qs
    resource = CustomerExportResource()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":  # streamed, in chunks from the database: bounded memory
        return exports.stream_csv(
            [str(header) for header in resource.get_export_headers()],
            (resource.export_resource(c) for c in customers.iterator(chunk_size=2000)),
            filename=f"customers-{stamp}",
        )
    dataset = resource.export(queryset=customers)
    return exports.download(dataset, file_format=file_format, filename=f"customers-{stamp}")


@require_GET
@capability_required(C.READ_SALES)
def customer_list(request):
    customer_filter = filtered_customers(request)
    paginator = BoundedPaginator(customer_filter.qs, _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
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
    calendar = salescrm_selectors.work_calendar()
    pool_return = recycling.return_due(customer, now=context["now"], calendar=calendar)
    if pool_return is not None:
        context["pool_return"] = pool_return
        context["pool_return_text"] = recycling.days_left_text(pool_return)
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
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop(concurrency.FIELD)
        try:
            services.customer_update(
                customer=customer, actor=request.user, data=data, expected_version=version
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
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
        status=status,
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
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(idempotency.FIELD)
        version = data.pop(concurrency.FIELD)

        def save():
            saved = services.contact_person_save(
                customer=customer,
                actor=request.user,
                contact=contact,
                data=services.ContactPersonData(**data),
                expected_version=version if contact is not None else None,
            )
            return saved, reverse("customers:detail", kwargs={"pk": customer.pk})

        try:
            # Adding one is done once per form sent; changing one is the same twice.
            outcome = idempotency.once(
                user=request.user, token=token if contact is None else None, create=save
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
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
        status=status,
    )


@require_POST
@capability_required(C.SELL, C.MANAGE_TEAM)
def contact_person_delete(request, pk, contact_pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    contact = get_object_or_404(ContactPerson, pk=contact_pk, customer=customer)
    services.contact_person_delete(contact=contact, actor=request.user)
    messages.success(request, _("Contact person removed."))
    return redirect("customers:detail", pk=customer.pk)
