"""The unowned pool (公共客户池): filters, "all N matching", the previewed split and the
team's pool (rule 1.3.2)."""

from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from customers import access, selectors, services
from customers.filters import PoolFilter
from customers.forms import (
    AssignForm,
)
from customers.models import Customer
from customers.views.common import PAGE_SIZES, _page_size, _team_salespeople
from salescrm import people
from salescrm.errors import DomainError
from salescrm.permissions import Capability as C
from salescrm.permissions import can, capability_required

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
