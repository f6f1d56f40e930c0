from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from salescrm import notifications, services
from salescrm.forms import LanguageForm

INBOX_PAGE_SIZE = 50


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


@require_GET
@login_required
def inbox(request):
    page = Paginator(notifications.inbox_for(request.user), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "salescrm/inbox.html", {"page": page})


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
