"""Import lead lists: upload and preview, confirm, template. The work is in customers.imports."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import access, imports, selectors
from customers.forms import ImportForm
from customers.imports import progress
from customers.models import CustomerImport
from salescrm import idempotency
from salescrm.errors import DomainError
from salescrm.permissions import Capability, capability_required


@require_http_methods(["GET", "POST"])
@capability_required(Capability.RECORD_CUSTOMERS)
def import_upload(request):
    """Upload a file: it is kept, and a worker reads and checks it for the preview; no
    customer is written yet."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]

        def create():
            customer_import = imports.import_receive(
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                to_pool=form.cleaned_data.get("to_pool", False),
                team_pool=form.cleaned_data.get("team_pool", False),
                default_source=form.cleaned_data["default_source"],
            )
            return customer_import, reverse(
                "customers:import_preview", kwargs={"pk": customer_import.pk}
            )

        try:
            outcome = idempotency.once(
                user=request.user, token=form.cleaned_data[idempotency.FIELD], create=create
            )
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            return redirect(outcome.url)
    return render(
        request,
        "customers/import_form.html",
        {"form": form, "imports": selectors.recent_imports(request.user)},
    )


@require_GET
@capability_required(Capability.RECORD_CUSTOMERS)
def import_preview(request, pk):
    customer_import = access.import_for_user(request.user, pk)
    can_confirm = imports.can_confirm(customer_import)
    show = request.GET.get("show")
    if show not in imports.RowStatus.labels:
        show = None
    return render(
        request,
        "customers/import_preview.html",
        {
            "import": customer_import,
            "rows": selectors.report_rows(customer_import, status=show),
            "show": show,
            "failure": imports.failure_message(customer_import),
            "can_confirm": can_confirm and customer_import.new_count > 0,
            "importing": customer_import.status == CustomerImport.Status.IMPORTING
            and not can_confirm,
            "checking": imports.is_checking(customer_import),
            "check_lost": customer_import.status == CustomerImport.Status.CHECKING
            and not imports.is_checking(customer_import),
            "default_source": imports.default_source_label(customer_import),
            "queue_position": progress.queue_position(customer_import),
            "progress": progress.running(customer_import),
        },
    )


@require_POST
@capability_required(Capability.RECORD_CUSTOMERS)
def import_confirm(request, pk):
    """Queue the import; a worker creates the customers (inline when tasks run eagerly)."""
    customer_import = access.import_for_user(request.user, pk)
    try:
        imports.import_request(customer_import=customer_import, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        customer_import = access.import_for_user(request.user, pk)
        if customer_import.status == CustomerImport.Status.IMPORTING:
            messages.info(request, _("Importing. This page shows the result when it is done."))
        elif customer_import.status == CustomerImport.Status.IMPORTED:
            count = customer_import.imported_count
            messages.success(
                request,
                ngettext("%(count)d customer imported.", "%(count)d customers imported.", count)
                % {"count": count},
            )
        else:
            messages.error(request, imports.failure_message(customer_import))
    return redirect("customers:import_preview", pk=pk)


@require_GET
@capability_required(Capability.RECORD_CUSTOMERS)
def import_template(request, fmt):
    if fmt not in imports.FORMATS:
        raise Http404
    response = HttpResponse(
        imports.template_file(fmt), content_type=imports.FORMATS[fmt]().get_content_type()
    )
    response["Content-Disposition"] = f'attachment; filename="customer-import-template.{fmt}"'
    return response
