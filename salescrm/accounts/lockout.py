"""Too many failed sign-ins: django-axes refuses more for a cool-off, and says so.

Failures are counted per account (AXES_FAILURE_LIMIT, env LOGIN_FAILURE_LIMIT) and per
client address (LOGIN_ADDRESS_FAILURE_LIMIT, higher: a whole office may sign in from one
address), on the app's login page and the admin's alike. A failure older than the cool-off
(LOGIN_COOLOFF_MINUTES) no longer counts; a successful sign-in forgets only that person's
own failures from the same address. The administrator unlocks early by deleting the rows
in admin → Access attempts.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOCKED_STATUS = 429


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a separate limit for the client address.

    axes compares one count with one limit (AXES_FAILURE_LIMIT); this count reaches that
    limit when the account's failures do, or when the address's reach their own limit.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful sign-in, forget only that person's own typos from their own
        address: what others tried against the account, or the address tried against other
        accounts, keeps counting."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed sign-ins. Signing in is blocked for %(minutes)d minute; "
        "try again later, or ask an administrator to unlock it.",
        "Too many failed sign-ins. Signing in is blocked for %(minutes)d minutes; "
        "try again later, or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The login page again (the app's or the admin's), saying why nobody is signed in."""
    # Unbound, so that showing it never tries to authenticate again.
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    form.cleaned_data = {}
    form.add_error(None, ValidationError(lockout_message(), code="locked_out"))
    if request.path == reverse("admin:login"):
        context = {
            **admin_site.each_context(request),
            "title": _("Log in"),
            "form": form,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        template = "admin/login.html"
    else:
        context = {"form": form, "next": request.POST.get("next", "")}
        template = "registration/login.html"
    return TemplateResponse(request, template, context, status=LOCKED_STATUS).render()


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, which refuses a locked-out sign-in before the password is checked.

    A sign-in without a request (Django's test client ``login``, a shell) cannot be counted
    against an address and is not an HTTP attack: it passes on to the password check,
    where axes' own backend would raise instead.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
