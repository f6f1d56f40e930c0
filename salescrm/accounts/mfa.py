"""Two-factor sign-in with django-otp: a TOTP authenticator app plus one-time recovery codes.

Who must use it is decided once, in ``salescrm.permissions.needs_second_factor`` (those who
sign approvals, run a team or administer; MFA_REQUIRED=false turns the requirement off);
anyone else may enrol. Signing in is the password (Django's login, or the admin's), then,
for anyone with an authenticator, a code on the verify page. Until then the middleware lets
the session reach only that page, enrolment (if enrolment is due) and logging out.

A session counts as verified when ``django_otp.login`` stored the device that accepted a
code in it (``DEVICE_ID_SESSION_KEY``), as django-otp's own forms do.
"""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from salescrm.models import User
from salescrm.permissions import needs_second_factor

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# Pages a signed-in but not yet verified session may open (URL names).
OPEN_BEFORE_VERIFYING = {"mfa_verify", "mfa_setup", "logout", "language_switch", "admin:logout"}


def required(user: User) -> bool:
    return settings.MFA_REQUIRED and needs_second_factor(user)


def authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (made once, kept across page loads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// link as an inline SVG QR code (made here, no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=device.config_url
    )


@transaction.atomic
def confirm_authenticator(
    *, request: HttpRequest, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm `device` with a code from the app; return the new recovery codes (shown
    once), or None when the code is wrong. The session counts as verified after."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
    if not device.verify_token(code):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    django_otp.login(request, device)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def verify(*, request: HttpRequest, code: str) -> TOTPDevice | StaticDevice | None:
    """Check a code from the authenticator, or a recovery code (then used up); on success
    the session counts as verified and gets a new key. None when nothing accepts it."""
    user = request.user
    code = "".join(code.split())
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(code):
                    request.session.cycle_key()
                    django_otp.login(request, device)
                    return device
    return None


def is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class SecondFactorMiddleware:
    """A session signed in with a password alone reaches nothing but the second step: the
    verify page when the user has an authenticator, enrolment when one is required."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_VERIFYING:
            return None
        if has_authenticator(user):
            target = "mfa_verify"
        elif required(user):
            target = "mfa_setup"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
