"""The second sign-in step and enrolment, and Django's password views with the auth log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from salescrm import notifications
from salescrm.accounts import events, mfa, resets
from salescrm.accounts.forms import CodeForm, ConfirmCodeForm, EmailPreferencesForm

Kind = events.Kind
SHOW_CODES_KEY = "mfa_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator or a recovery code."""
    if mfa.is_verified(request):
        return redirect(_next_url(request))
    if not mfa.has_authenticator(request.user):
        return redirect("mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify(request=request, code=form.cleaned_data["code"])
        if device is not None:
            recovery = isinstance(device, StaticDevice)
            events.record(
                Kind.MFA_VERIFIED,
                request=request,
                user=request.user,
                detail="recovery code" if recovery else "authenticator",
            )
            if recovery:
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; it will not work again. "
                        "Make new ones under Two-factor sign-in when you run low."
                    ),
                )
            return redirect(_next_url(request))
        events.record(Kind.MFA_FAILED, request=request, user=request.user)
        form.add_error(
            "code",
            _("That code is not right (or came too soon after a wrong one). Try the current code."),
        )
    return render(
        request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm a code."""
    user = request.user
    if mfa.has_authenticator(user) and not mfa.is_verified(request):
        # Replacing an authenticator needs the current one first.
        return redirect("mfa_verify")
    device = mfa.pending_authenticator(user)
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_authenticator(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            events.record(Kind.MFA_ENROLLED, request=request, user=user)
            request.session[SHOW_CODES_KEY] = codes
            return redirect("mfa_recovery_codes")
        events.record(Kind.MFA_FAILED, request=request, user=user, detail="enrolment")
        form.add_error(
            "code",
            _("That code is not right. Check the time on your phone and try the current code."),
        )
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret_of(device),
            "required": mfa.required(user),
            "replacing": mfa.has_authenticator(user),
        },
    )


@never_cache
@require_http_methods(["GET"])
@login_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once right after they are made."""
    codes = request.session.pop(SHOW_CODES_KEY, None)
    if not codes:
        return redirect("mfa_manage")
    return render(request, "registration/mfa_recovery_codes.html", {"codes": codes})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def mfa_manage(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in: whether it is on, and new recovery codes (POST)."""
    user = request.user
    enrolled = mfa.has_authenticator(user)
    if request.method == "POST" and enrolled:
        request.session[SHOW_CODES_KEY] = mfa.new_recovery_codes(user)
        return redirect("mfa_recovery_codes")
    remaining = sum(device.token_set.count() for device in StaticDevice.objects.filter(user=user))
    return render(
        request,
        "registration/mfa_manage.html",
        {"enrolled": enrolled, "required": mfa.required(user), "remaining": remaining},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        events.record(Kind.PASSWORD_CHANGED, request=self.request, user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        events.record(Kind.PASSWORD_RESET_DONE, request=self.request, user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, throttled (salescrm.accounts.resets) and mailed by the worker."""

    def get_form_class(self):
        return resets.PasswordResetForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        refused = resets.request_reset(email=form.cleaned_data["email"], request=self.request)
        if refused:
            form.add_error("email", refused)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return redirect(self.get_success_url())


@require_http_methods(["GET", "POST"])
@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Which notifications are e-mailed to me, and when (the inbox has them all)."""
    form = EmailPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notifications.email_preferences_set(user=request.user, preferences=form.cleaned_data)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("email_preferences")
    return render(
        request,
        "registration/email_preferences.html",
        {
            "form": form,
            "batch_minutes": settings.EMAIL_BATCH_MINUTES,
            "digest_hour": settings.EMAIL_DAILY_DIGEST_HOUR,
        },
    )
