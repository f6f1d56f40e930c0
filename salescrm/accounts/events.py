"""The authentication log: one ``AuthEvent`` row per sign-in, failure, lockout, second
factor, sign-out and password change or reset, with who, when, from where and the outcome.

Fed by Django's auth signals and axes' ``user_locked_out`` (connected in
``SalesCRMConfig.ready``), and by the second-factor and password views, which call
``record`` themselves. The administrator reads it in the admin (read-only); the database
refuses to change or delete a row.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest
from django.utils import timezone

from salescrm.accounts.clients import client_ip, user_agent
from salescrm.models import AuthEvent, User

Kind = AuthEvent.Kind
Outcome = AuthEvent.Outcome
FAILURES = {Kind.LOGIN_FAILED, Kind.LOCKED_OUT, Kind.MFA_FAILED, Kind.PASSWORD_RESET_REFUSED}


def record(
    kind: AuthEvent.Kind,
    *,
    request: HttpRequest | None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> AuthEvent:
    if user is not None and not user.is_authenticated:
        user = None
    return AuthEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        outcome=Outcome.FAILURE if kind in FAILURES else Outcome.SUCCESS,
        user=user,
        username=(username or (user.get_username() if user else ""))[:254],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=user_agent(request),
        detail=detail[:200],
    )


def _logged_in(sender, request, user, **kwargs) -> None:
    record(Kind.LOGIN, request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))
    record(
        Kind.LOGIN_FAILED,
        request=request,
        user=User.objects.filter(username=username).first(),
        username=username,
    )


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Kind.LOGOUT, request=request, user=user)


def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    record(
        Kind.LOCKED_OUT,
        request=request,
        user=User.objects.filter(username=username or "").first(),
        username=username or "",
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="salescrm.authlog.login")
    user_login_failed.connect(_login_failed, dispatch_uid="salescrm.authlog.failed")
    user_logged_out.connect(_logged_out, dispatch_uid="salescrm.authlog.logout")
    user_locked_out.connect(_locked_out, dispatch_uid="salescrm.authlog.locked")
