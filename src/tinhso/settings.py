"""Django settings for Tỉnh Số.

Twelve-factor: every deployment knob is an environment variable with a safe default.
The defaults are safe for production (DEBUG off, no open hosts); `make run` sets the few
variables a laptop demo needs.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tinhso.core.secretkey import local_secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("TINHSO_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("TINHSO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("TINHSO_TESTING")

VAR_DIR.mkdir(parents=True, exist_ok=True)
#: No DATABASE_URL: the embedded default, SQLite in VAR_DIR, on this one machine.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    elif DEBUG or not DATABASE_URL:
        # The laptop (and any one-machine SQLite install): a key of its own, generated once
        # into var/ beside the database and shared by every process that reads var/.
        SECRET_KEY = local_secret_key(VAR_DIR / "secret_key")
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY phải được đặt khi DEBUG tắt và có DATABASE_URL / SECRET_KEY must be "
            "set when DEBUG is off and DATABASE_URL is set."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",
    "tinhso.core",
    "tinhso.accounts",
    "tinhso.payments",
    "tinhso.border",
    "tinhso.market",
    "tinhso.publicservices",
    "tinhso.documents",
    "tinhso.meetings",
    "tinhso.schools",
    "tinhso.innovation",
    "tinhso.ioc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tinhso.core.language.VietnameseFirstLocaleMiddleware",
    "tinhso.core.request_context.RequestContextMiddleware",
    "tinhso.core.middleware.InputGuardMiddleware",
    "tinhso.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tinhso.core.security.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tinhso.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tinhso.core.context_processors.platform",
                "tinhso.publicservices.context_processors.officer",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'tinhso.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend; its per-request health check reads the socket, not SELECT 1.
    DATABASES["default"]["ENGINE"] = "tinhso.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN so concurrent bookings queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["tinhso.accounts.backends.EmailOrPhoneBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
#: Uploads (product photos, dossier papers): outside STATIC_ROOT and mapped to no URL;
#: served only through views that check who may see them (core.files.serve).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
#: Largest picture accepted, in pixels (a 48-megapixel phone photo fits); anything larger
#: is refused from its header as a possible decompression bomb.
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", str(50_000_000)))
#: The public catalogue search's answers are cached this long (market.catalogue_cache;
#: any product, shop, category or photo saved moves them on at once); 0 turns it off.
MARKET_SEARCH_CACHE_SECONDS = int(os.environ.get("MARKET_SEARCH_CACHE_SECONDS", "30"))
#: A refund transfer order still "sent" this long without the bank's callback is asked
#: about by the periodic task payments.poll_sent_refunds.
PAYMENTS_REFUND_POLL_AFTER_SECONDS = int(os.environ.get("PAYMENTS_REFUND_POLL_AFTER_SECONDS",
                                                        "1800"))

# Security: safe by default, relaxed only where DEBUG says this is a laptop.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# One cache for every process, because what one process drops (a camera, a gate's queue
# order, the status snapshot) must be gone for all: Redis when REDIS_URL is set (several
# machines); otherwise files in VAR_DIR/cache, shared by the gunicorn workers and the
# commands of this one machine (bench/border_events.py measures it on the camera path).
# Tests keep the in-process cache, emptied around each test.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": VAR_DIR / "cache"}}

# Notifications to drivers and enterprises: "console" logs them, "file" appends JSON lines.
NOTIFY_BACKEND = os.environ.get("NOTIFY_BACKEND", "file")
NOTIFY_FILE = Path(os.environ.get("NOTIFY_FILE", VAR_DIR / "notifications.jsonl"))

NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))
NOTIFY_KEEP_DAYS = int(os.environ.get("NOTIFY_KEEP_DAYS", "90"))  # delivered ones hold phone numbers

# Background work: the Django tasks API. "database" keeps the queue in the platform's own
# database (no broker; `tinhso db_worker` runs it, `make run` starts one); "immediate" runs
# each task in the process that enqueues it (the tests' default: no worker needed).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if TESTING else "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
#: "simulations" is its own queue so a long what-if run never delays a no-show or an SMS.
TASK_QUEUES = ["default", "simulations"]
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": TASK_QUEUES}}
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "7"))

# Periodic work, enqueued by `tinhso scheduler` once per period (every N seconds, periods
# aligned to the epoch so that two schedulers agree on them and only one enqueues).
PERIODIC_TASKS = {
    "border.mark_no_shows": {"task": "tinhso.border.tasks.mark_no_shows", "every": 120},
    "border.refresh_advisories": {"task": "tinhso.border.tasks.refresh_advisories",
                                  "every": 300},
    "core.retry_notifications": {"task": "tinhso.core.tasks.retry_notifications", "every": 120},
    "core.prune": {"task": "tinhso.core.tasks.prune", "every": 86400},
    "market.expire_unpaid_orders": {"task": "tinhso.market.tasks.expire_unpaid_orders",
                                    "every": 60},
    "market.complete_delivered_orders": {
        "task": "tinhso.market.tasks.complete_delivered_orders", "every": 3600},
    # Refund transfer orders left "sent" without the bank's callback: ask the bank.
    "payments.poll_sent_refunds": {"task": "tinhso.payments.tasks.poll_sent_refunds",
                                   "every": 600},
    "documents.retry_exchange": {"task": "tinhso.documents.tasks.retry_exchange",
                                 "every": 120},
    "documents.remind_due": {"task": "tinhso.documents.tasks.remind_due", "every": 86400},
    "publicservices.warn_due_dossiers": {
        "task": "tinhso.publicservices.tasks.warn_due_dossiers", "every": 900},
    "publicservices.retry_portal_updates": {
        "task": "tinhso.publicservices.tasks.retry_portal_updates", "every": 120},
    "publicservices.pull_portal_dossiers": {
        "task": "tinhso.publicservices.tasks.pull_portal_dossiers",
        "every": int(os.environ.get("PORTAL_PULL_EVERY_S", "300"))},
    # Sellers are told (once per certificate) when an OCOP certificate nears its expiry.
    "market.remind_ocop_expiring": {"task": "tinhso.market.tasks_catalogue.remind_ocop_expiring",
                                    "every": 86400},
    # Overdue meeting conclusions are flagged to their agency (once per conclusion).
    "meetings.flag_overdue_conclusions": {
        "task": "tinhso.meetings.tasks.flag_overdue_conclusions", "every": 3600},
    # The operations dashboard's figures from every system (then its alerts), and its
    # weekly and monthly reports for the leadership (each generated once).
    "ioc.refresh_indicators": {"task": "tinhso.ioc.tasks.refresh_indicators",
                               "every": int(os.environ.get("IOC_REFRESH_EVERY_S", "900"))},
    "ioc.send_due_reports": {"task": "tinhso.ioc.tasks.send_due_reports", "every": 3600},
}

# The national public service portal (publicservices.portal): empty PORTAL_URL = no sync
# (state changes still queue their updates, sent once a URL is set). `tinhso
# portal_simulator --port 8765` is a local portal: PORTAL_URL=http://127.0.0.1:8765.
PORTAL_URL = os.environ.get("PORTAL_URL", "")
PORTAL_TOKEN = os.environ.get("PORTAL_TOKEN", "")
PORTAL_TIMEOUT_S = float(os.environ.get("PORTAL_TIMEOUT_S", "10"))
#: Attempts before an update is left failed: at the one-hour backoff cap, about two weeks.
PORTAL_MAX_ATTEMPTS = int(os.environ.get("PORTAL_MAX_ATTEMPTS", "340"))
# VNeID login (publicservices.vneid): empty VNEID_URL = the local simulator of this site.
VNEID_URL = os.environ.get("VNEID_URL", "")
VNEID_CLIENT_ID = os.environ.get("VNEID_CLIENT_ID", "tinhso")
VNEID_CLIENT_SECRET = os.environ.get("VNEID_CLIENT_SECRET", "")
#: The simulator's pages are served (demo, tests) unless a real VNeID is configured.
VNEID_SIMULATOR = env_bool("VNEID_SIMULATOR", not VNEID_URL)
# Public tracking of a dossier (code + phone or last ID digits): lookups per client address
# and failed lookups per code within the window, then 429.
TRACKING_WINDOW_S = int(os.environ.get("TRACKING_WINDOW_S", "600"))
TRACKING_PER_ADDRESS = int(os.environ.get("TRACKING_PER_ADDRESS", "30"))
TRACKING_FAILURES_PER_CODE = int(os.environ.get("TRACKING_FAILURES_PER_CODE", "10"))

# Market orders: an order to pay by VietQR that is not paid within this time expires and
# gives its stock back; a delivered order completes this many days after delivery; the
# market's collection account (a payments.PayeeAccount code) receives what no hub does.
MARKET_QR_ORDER_TTL_MINUTES = int(os.environ.get("MARKET_QR_ORDER_TTL_MINUTES", "30"))
MARKET_COMPLETE_AFTER_DAYS = int(os.environ.get("MARKET_COMPLETE_AFTER_DAYS", "3"))
MARKET_PAYEE_CODE = os.environ.get("MARKET_PAYEE_CODE", "cho-tinh-so")
# Signing: without a credential registered for a signer (a token, a remote signing
# service), the platform issues one from its local demo CA. Turn it off (0) where real
# certificates are registered: signing without one is then refused.
SIGNING_DEMO_CREDENTIALS = env_bool("SIGNING_DEMO_CREDENTIALS", True)

# Official documents: the national exchange axis adapter ("simulator" or a dotted path to
# an `ExchangeAxis`), where the simulator keeps its messages, and how often a message is
# tried before it is left failed.
DOCUMENT_AXIS_BACKEND = os.environ.get("DOCUMENT_AXIS_BACKEND", "simulator")
DOCUMENT_AXIS_DIR = Path(os.environ.get("DOCUMENT_AXIS_DIR", VAR_DIR / "exchange-axis"))
DOCUMENT_AXIS_MAX_ATTEMPTS = int(os.environ.get("DOCUMENT_AXIS_MAX_ATTEMPTS", "8"))
#: How many sample documents `seed_demo` drafts (half of them issued, each signed twice and
#: validated on arrival): a dozen under the tests; `tinhso seed_documents --count N` adds
#: a bigger set.
DEMO_DOCUMENTS = int(os.environ.get("DEMO_DOCUMENTS", "12" if TESTING else "36"))

# Locked down: login throttling (django-axes) and the browser's security headers.
# Failed logins are counted per account (whichever spelling of the email or mobile number
# was typed: accounts.lockout.account_key) and per client address. An account is locked
# after LOGIN_FAILURE_LIMIT failures, an address after LOGIN_ADDRESS_FAILURE_LIMIT (higher:
# a border office shares one address), for LOGIN_LOCKOUT_MINUTES after the last failure.
# An admin unlocks in Quản trị → Access attempts, or `tinhso axes_reset_username EMAIL`.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_ENABLED = env_bool("LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "tinhso.accounts.lockout.LockoutHandler"
AXES_USERNAME_FORM_FIELD = "username"  # what the login forms post; User.USERNAME_FIELD is email
AXES_USERNAME_CALLABLE = "tinhso.accounts.lockout.account_key"
AXES_CLIENT_IP_CALLABLE = "tinhso.core.request_context.client_address"
AXES_LOCKOUT_CALLABLE = "tinhso.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False  # LockoutHandler resets the account's own failures on success
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure stays listed in the admin
AXES_HTTP_RESPONSE_CODE = 429
#: Login and login-failure records older than this are deleted by the daily prune task.
LOGIN_LOGS_KEEP_DAYS = int(os.environ.get("LOGIN_LOGS_KEEP_DAYS", "90"))
#: Behind the province's reverse proxy, set USE_X_FORWARDED_FOR=1 so that the client's
#: address (not the proxy's) is audited and throttled.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)

# Content-Security-Policy (django-csp 4): no inline script or style anywhere; htmx, the
# site's script and the API docs' Swagger UI are served from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
#: Powerful browser features no page of the platform uses (core.security middleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
                    "magnetometer", "microphone", "midi", "payment", "serial", "usb")
}

PROVINCE_CODE = 20  # Lạng Sơn after the July 2025 reform
#: Office hours of the agencies: the two working sessions ("half working days") of the
#: legal clock (core.workdays). Lạng Sơn's agencies work 07:30-11:30 and 13:30-17:00.
WORKING_HOURS = os.environ.get("WORKING_HOURS", "07:30-11:30,13:30-17:00")
#: The two digits between the date and the daily sequence of a dossier code
#: (<agency e-ID>-YYMMDD-<2 digits><sequence>, Circular 04/2025/TT-VPCP); the province's choice.
DOSSIER_CODE_INFIX = os.environ.get("DOSSIER_CODE_INFIX", "01")
# Online meetings: the conferencing engines (meetings/conferencing). MEETINGS_PROVIDER is the
# engine new meetings use; "simulator" is the platform's own BigBlueButton-speaking engine.
MEETINGS_PROVIDER = os.environ.get("MEETINGS_PROVIDER", "simulator")
MEETINGS_PROVIDERS = {
    "simulator": {"api_url": os.environ.get("MEETINGS_SIMULATOR_URL", ""),
                  "secret": os.environ.get("MEETINGS_SIMULATOR_SECRET", "local-simulator")},
    "jitsi": {"domain": os.environ.get("JITSI_DOMAIN", "meet.langson.gov.vn"),
              "app_id": os.environ.get("JITSI_APP_ID", "tinhso"),
              "secret": os.environ.get("JITSI_APP_SECRET", "")},
    "bigbluebutton": {"api_url": os.environ.get("BBB_API_URL",
                                                "https://bbb.langson.gov.vn/bigbluebutton/api"),
                      "secret": os.environ.get("BBB_SECRET", "")},
}
# Join links open this long before the start; the connection check opens this long before.
MEETINGS_LINK_OPENS_MINUTES = int(os.environ.get("MEETINGS_LINK_OPENS_MINUTES", "60"))
MEETINGS_READINESS_OPENS_MINUTES = int(os.environ.get("MEETINGS_READINESS_OPENS_MINUTES", "120"))
MEETINGS_LATE_AFTER_MINUTES = int(os.environ.get("MEETINGS_LATE_AFTER_MINUTES", "10"))
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Tỉnh Số Lạng Sơn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
