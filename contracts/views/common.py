"""What the plan and agreement pages share: who may open them, list controls, paging, PDFs."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from contracts.forms import (
    CommentForm,
    FeedbackForm,
    ReasonForm,
    SignedOnForm,
)
from salescrm import saved_views
from salescrm.permissions import Capability as C

# Who opens plans and agreements at all; access.* decides which ones.
# Who may ask for an action at all; the service decides on the document itself.
SIGNERS = (C.SIGN,)


SELLERS = (C.SELL, C.MANAGE_TEAM)  # the document's salesperson or their manager


PAGE_SIZE = 50


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


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
