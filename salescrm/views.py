from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from salescrm import notifications, saved_views, services
from salescrm import search as site_search
from salescrm.errors import DomainError
from salescrm.forms import LanguageForm
from salescrm.models import SavedView
from salescrm.web import attempt

INBOX_PAGE_SIZE = 50


def bad_request(request, exception):
    """handler400: a request the app refused (BadRequest) says why, on the site's page;
    any other suspicious request gets a plain answer (it may not even have a valid host)."""
    if isinstance(exception, BadRequest) and str(exception):
        return render(request, "400.html", {"message": str(exception)}, status=400)
    return HttpResponseBadRequest(_("Bad request"), content_type="text/plain; charset=utf-8")


@require_POST
def language_switch(request):
    """Switch the interface language; remembered on the user and in a cookie."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


INBOX_TABS = {
    "action": notifications.needing_action,
    "info": notifications.for_information,
}


@require_GET
@login_required
def inbox(request):
    """Two tabs: what asks the reader to act and is not done, and everything else."""
    tab = request.GET.get("tab")
    if tab not in INBOX_TABS:
        tab = "action" if notifications.needing_action(request.user).exists() else "info"
    page = Paginator(INBOX_TABS[tab](request.user), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "salescrm/inbox.html",
        {
            "page": page,
            "tab": tab,
            "query": f"tab={tab}",
            "action_count": notifications.needing_action(request.user).count(),
            "info_unread": notifications.for_information(request.user)
            .filter(read_at__isnull=True)
            .count(),
        },
    )


@require_GET
@login_required
def inbox_open(request, pk):
    """Open one notification: it is marked read, and the page it is about opens."""
    note = get_object_or_404(notifications.inbox_for(request.user), pk=pk)
    notifications.mark_read(user=request.user, notification_ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect(f"{reverse('inbox')}?tab=info")


@require_POST
@login_required
def inbox_mark_read(request):
    ids = [
        int(pk) for pk in request.POST.getlist("notification") if pk.isascii() and pk.isdecimal()
    ]
    count = notifications.mark_read(user=request.user, notification_ids=ids or None)
    messages.success(
        request,
        ngettext("%(count)d marked read.", "%(count)d marked read.", count) % {"count": count},
    )
    next_url = request.POST.get("next") or reverse("inbox")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("inbox")
    return redirect(next_url)


def _list_url(page: str, query: str = "") -> str:
    url = reverse(page)
    return f"{url}?{query}" if query else url


@require_POST
@login_required
def saved_view_save(request):
    """Save the list's current filters under a name; back to the list with them."""
    page = request.POST.get("page", "")
    if page not in saved_views.PAGES:
        raise Http404
    query = request.POST.get("query", "")
    try:
        view = services.saved_view_save(
            user=request.user, page=page, name=request.POST.get("name", ""), query=query
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_list_url(page, saved_views.clean_query(query)))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(_list_url(page, view.query))


@require_POST
@login_required
def saved_view_delete(request, pk):
    view = get_object_or_404(SavedView.objects.filter(user=request.user), pk=pk)
    page = view.page
    attempt(request, _("View deleted."), services.saved_view_delete, view=view)
    return redirect(_list_url(page))


@require_GET
@login_required
def search(request):
    """What the search box in the menu finds, among what the person may open."""
    text = request.GET.get("q", "")[:100]
    return render(
        request,
        "salescrm/search.html",
        {
            "text": text,
            "results": site_search.search(request.user, text),
            "min": site_search.MIN_LENGTH,
        },
    )
