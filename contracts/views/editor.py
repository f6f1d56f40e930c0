"""The agreement editor: lines priced as you type (contracts.services.pricing), added and
removed without saving."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import access, services
from contracts.forms import (
    AgreementForm,
    LineFormSet,
)
from contracts.models import AgreementState
from salescrm import concurrency
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required


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
    status = 200
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop(concurrency.FIELD)
        try:
            services.agreement_update(
                agreement=agreement,
                actor=request.user,
                data=data,
                lines=lines.lines(),
                expected_version=version,
            )
        except concurrency.StaleEdit as error:
            form, status = concurrency.stale_form(form, error), 409
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
        status=status,
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
