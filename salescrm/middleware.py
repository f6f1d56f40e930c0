from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class UserLanguageMiddleware:
    """Switch to the signed-in user's chosen language (after auth, before the view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request, and
    SESSION_MAX_AGE seconds after the login whatever happens (after auth and messages).

    The request then goes on as anonymous: a page that needs a login sends the person to
    the login page, with a message saying why. The last-seen moment is written at most
    once a minute, so a busy session is not saved on every request.
    """

    STARTED = "session_started_at"
    SEEN = "session_seen_at"
    SEEN_PRECISION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    @classmethod
    def logged_in(cls, sender, request, user, **kwargs) -> None:
        """Receiver of user_logged_in: the session's lifetime counts from the login."""
        session = getattr(request, "session", None)
        if session is not None:
            now = int(timezone.now().timestamp())
            session[cls.STARTED] = session[cls.SEEN] = now

    def check(self, request) -> None:
        session = request.session
        now = int(timezone.now().timestamp())
        started = session.get(self.STARTED)
        seen = session.get(self.SEEN)
        if started is None or seen is None:
            session[self.STARTED] = started if started is not None else now
            session[self.SEEN] = now
            return
        idle = now - seen > settings.SESSION_IDLE_TIMEOUT
        if idle or now - started > settings.SESSION_MAX_AGE:
            logout(request)
            messages.info(
                request,
                _("You were away for a while, so you were logged out. Please log in again.")
                if idle
                else _("Your session has ended. Please log in again."),
            )
            return
        if now - seen >= self.SEEN_PRECISION:
            session[self.SEEN] = now


class PrivateResponsesMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or proxy cache:
    `Cache-Control: no-store` on every page, fragment, export and download they get."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class QueryStringMiddleware:
    """A query string with a NUL character is refused with a clear 400 in one place: no
    text column can hold one, so every search or filter would fail on it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            raise BadRequest(_("The address contains a character that cannot be used."))
        return self.get_response(request)
