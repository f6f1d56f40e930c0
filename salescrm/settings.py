"""SalesCRM settings: one module, every deploy-time value from the environment.

Each variable read here is documented in `.env.example`. It fails closed: DEBUG is
off unless DEBUG=true is set (`make run`, `make test` and `python -m
salescrm.embedded run` set it, as does the test run), and with DEBUG off the app
refuses to start without a real SECRET_KEY. With nothing else set it runs an
embedded PostgreSQL and a file-system Celery broker under `var/`, and writes e-mail
to files under `var/mail/`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from salescrm import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.VAR_DIR

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-set-SECRET_KEY-in-production"
SECRET_KEY = env("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    # Sessions, password-reset tokens and claim links are signed with it: never a public key.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "import_export",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "salescrm",
    "customers",
    "visits",
    "contracts",
    "receivables",
    "reports",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salescrm.middleware.QueryStringMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "salescrm.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "salescrm.middleware.SessionLifetimeMiddleware",
    "salescrm.middleware.PrivateResponsesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "salescrm.accounts.mfa.SecondFactorMiddleware",
    # Last: turns a locked-out sign-in into the login page saying so (salescrm.accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salescrm.urls"
WSGI_APPLICATION = "salescrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "salescrm.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL under var/pgdata.
if "DATABASE_URL" in env.ENVIRON:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": embedded.ensure_postgres()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost: for the
# grouped report queries that compilation took 0.3-0.5 s, several times the query itself
# (EXPLAIN ANALYZE on the reports benchmark, docs/reports.md). Our queries are short OLTP
# and report queries: JIT off for the app's connections.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
    "TEST_DATABASE_NAME", default="test_salescrm"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://salescrm")}

AUTH_USER_MODEL = "salescrm.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in (salescrm/accounts/): django-axes counts failed sign-ins on the app's and the
# admin's login page, per account and per client address (TRUSTED_PROXIES below), and
# refuses more for a cool-off; the administrator unlocks in the admin (Access attempts).
AUTHENTICATION_BACKENDS = [
    "salescrm.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "salescrm.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "salescrm.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "salescrm.accounts.clients.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The addresses of the proxies in front of the web processes: gunicorn's FORWARDED_ALLOW_IPS.
# A request from one of them is attributed to the last address in X-Forwarded-For that is
# not a proxy; any other request to its own address. "*" trusts every sender (never in
# production: anyone could then pick the address their failures are counted against).
TRUSTED_PROXIES = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])
# Two-factor sign-in (TOTP, with recovery codes): required for the people who approve
# (salescrm.permissions.needs_second_factor), optional for everyone else.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="SalesCRM")
# Password reset e-mails: at most this many per e-mail address and per client address an hour.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)

# Languages and time: timestamps are server time (rules, section 4 note).
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Unambiguous dates in both languages ("2 Dec 2026 14:50", "2026年12月2日 14:50").
FORMAT_MODULE_PATH = ["salescrm.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"

# A cell such as "=HYPERLINK(...)" must not become a live formula in someone's Excel.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# History is read, never written back: no revert in the admin (salescrm.admin.HistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# TrueType font embedded in plan and agreement PDFs (it must cover Chinese): Debian's
# fonts-wqy-zenhei. Missing file: ReportLab's built-in CID font STSong-Light instead.
PDF_FONT_PATH = env("PDF_FONT_PATH", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL (smtp://user:password@host:587 with ?tls=True),
# else one .eml file per message under var/mail.
if "EMAIL_URL" in env.ENVIRON:
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "salescrm.mail.EmlFileBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# The address people reach the app at, for links in e-mails; `make run` serves
# on PORT, so the default follows it.
SITE_URL = env("SITE_URL", default="") or f"http://127.0.0.1:{env('PORT', default='8000')}"
SITE_URL = SITE_URL.rstrip("/")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SalesCRM <salescrm@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: CELERY_BROKER_URL (redis://...), else the file-system broker under var/broker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded.broker_transport_options()
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Redis: a message a worker took and never acknowledged (the whole worker died) goes back
# to the queue after this many seconds; longer than any task may run (the hard limit),
# or a running task would be delivered a second time. A task's retry countdown stays under
# it too (salescrm.tasks).
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int(
    "CELERY_BROKER_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60
)
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
# Seconds a worker holds a notification it is e-mailing; a lease older than this belongs
# to a worker that died, and the sweep (the notification_email_sweep job) sends it again.
# Longer than the hard limit, so a live task never loses its lease.
NOTIFICATION_EMAIL_LEASE = env.int("NOTIFICATION_EMAIL_LEASE", default=CELERY_TASK_TIME_LIMIT + 60)
if min(CELERY_BROKER_VISIBILITY_TIMEOUT, NOTIFICATION_EMAIL_LEASE) <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_BROKER_VISIBILITY_TIMEOUT and NOTIFICATION_EMAIL_LEASE must be longer than "
        "CELERY_TASK_TIME_LIMIT."
    )
# Notification e-mail: at most one message per reader per EMAIL_BATCH_MINUTES (a
# summary), and the daily summary at EMAIL_DAILY_DIGEST_HOUR (local time).
EMAIL_BATCH_MINUTES = env.int("EMAIL_BATCH_MINUTES", default=5)
EMAIL_DAILY_DIGEST_HOUR = env.int("EMAIL_DAILY_DIGEST_HOUR", default=8)
# Queues: user-started work (imports, the password-reset mail someone waits for) goes to
# INTERACTIVE_QUEUE, notification e-mail to EMAIL_QUEUE, the rest (beat's jobs) to the
# default queue. The Procfile runs a worker of its own for the interactive queue, so an
# import never waits behind e-mail (docs/operations.md).
EMAIL_QUEUE = env("EMAIL_QUEUE", default="email")
INTERACTIVE_QUEUE = env("INTERACTIVE_QUEUE", default="interactive")
CELERY_TASK_ROUTES = {
    "customers.tasks.*": {"queue": INTERACTIVE_QUEUE},
    "salescrm.tasks.send_password_reset": {"queue": INTERACTIVE_QUEUE},
    "salescrm.tasks.send_notification_emails": {"queue": EMAIL_QUEUE},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# The database schedule, sent by the one beat holding a PostgreSQL advisory lock; a second
# beat waits as a standby (salescrm.beat).
CELERY_BEAT_SCHEDULER = "salescrm.beat:LockedDatabaseScheduler"

# Security: production (DEBUG off) gets the secure defaults that `check --deploy` asks for.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files
# -- no inline <script>, on*="" handler or style="" -- so injected markup cannot run.
# Bootstrap's CSS draws a few icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Over HTTPS the cookies carry the __Host- prefix: the browser accepts them only from this
# host, on a secure connection, for the whole site (no subdomain can plant one).
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"

# Sessions: a signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request
# and SESSION_MAX_AGE seconds after the login (salescrm.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=2 * 3600)
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_MAX_AGE

DEMO_PASSWORD = env("DEMO_PASSWORD", default="salescrm-demo")
# The TOTP secret (base32) of the demo approvers' authenticator (`seed_demo`; codes from
# `python manage.py demo_code`). Demo data only: real people enrol their own.
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # No password-reset token in any log line (runserver's access log included).
    "filters": {"no_secrets": {"()": "salescrm.accounts.redact.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # runserver's access log and Django's request errors, through the filtered handler
        # (Django's own handlers for them would write the path as it came).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
