"""Password reset requests: throttled per e-mail address and per client, e-mailed by the worker.

The request only records itself (an ``AuthEvent``, which is also what the throttle counts)
and enqueues ``salescrm.tasks.send_password_reset`` with the user's id; the worker makes
the token and sends the message, so no token passes through the broker or a request log.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from salescrm import mail
from salescrm.accounts import events
from salescrm.accounts.clients import client_ip
from salescrm.models import AuthEvent, User

WINDOW = timedelta(hours=1)
# One advisory lock serialises the count-then-record of reset requests (few, and short).
RESET_LOCK = 0x5E7_0001
Kind = AuthEvent.Kind


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; the view calls ``request_reset`` instead of ``save``."""

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request


def request_reset(*, email: str, request: HttpRequest) -> str | None:
    """Record a reset request for `email` and enqueue its e-mail (to every active user with
    that address). Returns why it was refused (too many in the last hour), or None."""
    email = email.strip().lower()
    ip = client_ip(request)
    since = timezone.now() - WINDOW
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESET_LOCK])
        requested = AuthEvent.objects.filter(kind=Kind.PASSWORD_RESET_REQUESTED, at__gte=since)
        if requested.filter(username=email).count() >= settings.PASSWORD_RESET_LIMIT_PER_EMAIL:
            events.record(
                Kind.PASSWORD_RESET_REFUSED,
                request=request,
                username=email,
                detail="per e-mail address",
            )
            return _(
                "Too many reset e-mails were asked for this address in the last hour. "
                "Check your inbox (and spam folder), or try again later."
            )
        if requested.filter(ip_address=ip).count() >= settings.PASSWORD_RESET_LIMIT_PER_CLIENT:
            events.record(
                Kind.PASSWORD_RESET_REFUSED, request=request, username=email, detail="per client"
            )
            return _(
                "Too many password resets were asked from your network in the last hour. "
                "Try again later."
            )
        users = list(PasswordResetForm().get_users(email))
        events.record(
            Kind.PASSWORD_RESET_REQUESTED,
            request=request,
            user=users[0] if len(users) == 1 else None,
            username=email,
        )
        from salescrm.tasks import send_password_reset

        for user in users:
            transaction.on_commit(lambda pk=user.pk: send_password_reset.delay(pk))
    return None


def send_reset_email(user_id: int) -> int:
    """Make a reset link for the user and e-mail it (run by the worker); 0 when the user is
    gone or deactivated since."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return 0
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": "SalesCRM",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme or "https",
    }
    return mail.send_mail(
        "password_reset", context, to=[user.email], language=user.language or None
    )
