"""Tradepost settings. Everything deployment-specific comes from the environment.

DATABASE_URL   database (default: embedded SQLite under TRADEPOST_DATA_DIR)
SECRET_KEY     signing key (default: a random key kept in TRADEPOST_DATA_DIR/secret_key)
DEBUG          "1"/"true" for development (default false)
ALLOWED_HOSTS  comma-separated host names (default: localhost names)
TASKS_BACKEND  "database" (default; run `tradepost db_worker`) or "immediate" (inline)
SQLITE_WAL_AUTOCHECKPOINT_PAGES  embedded SQLite: WAL pages before a commit checkpoints
               (default 10000, about 40 MB; SQLite's own default is 1000)
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tradepost.policy import load_site_policy

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("TRADEPOST_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Development convenience: a random key kept beside the embedded database.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# By default the local names plus every host name policy/sites.toml maps to a site family.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]", "testserver", *sorted(load_site_policy().hosts)],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "tradepost.config.apps.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tradepost.audit",
    "tradepost.members",
    "tradepost.terms",
    "tradepost.catalog",
    "tradepost.notices",
    "tradepost.trust",
    "tradepost.trade",
    "tradepost.compliance",
    "tradepost.billing",
]

MIDDLEWARE = [
    "tradepost.audit.context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's i18n docs): the language from the
    # set_language cookie, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Clause 9.1: while a read-only maintenance window is in progress, writes answer 503.
    "tradepost.billing.middleware.ReadOnlyModeMiddleware",
    # The device cookie (4.1, 4.5, 6.2 i): request.device_id on every request, API too.
    "tradepost.trust.middleware.DeviceMiddleware",
    "tradepost.cachecontrol.NoStoreWhenAuthenticatedMiddleware",
    "tradepost.members.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tradepost.config.urls"
WSGI_APPLICATION = "tradepost.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tradepost.config.context_processors.site_frame",
                "tradepost.trade.context_processors.messaging_unread",
                "tradepost.billing.context_processors.service_banner",
            ],
            "libraries": {"money": "tradepost.money"},
        },
    },
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "tradepost.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=env_int("CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE transactions take the write lock
    # up front, so concurrent writers queue for up to `timeout` seconds instead of failing
    # with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={env_int('SQLITE_BUSY_TIMEOUT_SECONDS', 20) * 1000};"
            # Read pages through a memory map instead of a read() call each: at a million
            # listings this takes about 40% off a search (tradepost.catalog.search).
            f"PRAGMA mmap_size={env_int('SQLITE_MMAP_BYTES', 2 * 1024**3)};"
            # The commit that grows the WAL past this many pages copies it into the database
            # file (and syncs it) before it returns. SQLite's default, 1000 pages (4 MB), put
            # that in about one write in a hundred (make bench-trust: the incremental add's
            # CPU p99 went from 8 to 4 ms at 10000); 10000 pages (about 40 MB of WAL) makes it
            # ten times rarer, and cheaper per write, as pages written again between two
            # checkpoints are copied once. Each one copies more (tens of ms, on that commit).
            f"PRAGMA wal_autocheckpoint={env_int('SQLITE_WAL_AUTOCHECKPOINT_PAGES', 10000)};"
        ),
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, hot lookups) ---------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# --- Accounts, passwords, sessions (clauses 4.2, 4.3; OWASP ASVS level 2) ---------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tradepost.members.backends.MemberLoginBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MAX_LENGTH = 256
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "tradepost.members.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "members:account"
LOGOUT_REDIRECT_URL = "home"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(seconds=env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_ABSOLUTE_TIMEOUT = timedelta(
    seconds=env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)
)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 60 * 60)

# Login throttling keyed on the account and the client address together, so a attacker
# elsewhere cannot lock a member out (django-axes).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_COOLOFF_SECONDS", 15 * 60))
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "tradepost.members.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "tradepost.members.backends.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "tradepost.members.views.lockout_response"
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Header a trusted edge sets with the client's country (e.g. "CF-IPCountry"); clause 2.1
# "access from" when the registrant does not state it. Empty: not used.
ACCESS_COUNTRY_HEADER = os.environ.get("ACCESS_COUNTRY_HEADER", "")

# --- Request limits -------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 1024 * 1024)
# Every paginated API list pages through the one bounded schema (`@paginate` without a class).
NINJA_PAGINATION_CLASS = "tradepost.api_paging.LimitOffsetPaging"
API_TOKEN_TTL = timedelta(days=env_int("API_TOKEN_TTL_DAYS", 90))

# --- Search and clause 3.2 rate limits (tradepost.catalog.search, tradepost.ratelimit) --
SEARCH_PAGE_SIZE = env_int("SEARCH_PAGE_SIZE", 20)
# Hard depth cap: deeper pages answer 422 (clause 3.2, no systematic retrieval).
SEARCH_MAX_PAGE = env_int("SEARCH_MAX_PAGE", 50)
# A search reads this many matches of the words and exact filters (by relevance or newest
# first), or as many as the page asked for needs; price/MOQ filters, price sorting, count
# and facets work within them. Its cost grows with it (tradepost.catalog.search).
SEARCH_WINDOW = env_int("SEARCH_WINDOW", 300)
# Price filters and price sorting compare prices in one currency (ISO 4217).
SEARCH_PRICE_CURRENCY = os.environ.get("SEARCH_PRICE_CURRENCY", "USD")
# "requests/seconds" per client address and per logged-in member; empty turns a limit off.
RATE_LIMITS = {
    "search": {
        "address": os.environ.get("RATE_LIMIT_SEARCH_ADDRESS", "60/60"),
        "member": os.environ.get("RATE_LIMIT_SEARCH_MEMBER", "120/60"),
    },
    "listing": {
        "address": os.environ.get("RATE_LIMIT_LISTING_ADDRESS", "120/60"),
        "member": os.environ.get("RATE_LIMIT_LISTING_MEMBER", "240/60"),
    },
}

# --- Security headers (production) ----------------------------------------------------
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp), uploads, media, abuse throttles (issue 8) ----
from csp.constants import NONE, SELF  # noqa: E402

# No inline scripts or styles anywhere: every script and stylesheet is a static file (the
# API docs use the Swagger UI bundle django-ninja ships, so they work offline too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# How /media/ files reach the client (tradepost.catalog.media): "" streams them from the
# app itself (the embedded default); "x-accel-redirect" (nginx) or "x-sendfile" (Apache,
# lighttpd) lets the app check access and the web server send the bytes.
MEDIA_SENDFILE = os.environ.get("MEDIA_SENDFILE", "").strip().lower()
if MEDIA_SENDFILE not in {"", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured("MEDIA_SENDFILE must be empty, x-accel-redirect or x-sendfile")
# The internal nginx location that maps onto MEDIA_ROOT (X-Accel-Redirect only).
MEDIA_ACCEL_PREFIX = os.environ.get("MEDIA_ACCEL_PREFIX", "/protected-media/")
# Abuse throttles per client address: registration, password reset, and failed logins
# across every account (on top of django-axes' account-plus-address lockout).
RATE_LIMITS.update(
    {
        "registration": {"address": os.environ.get("RATE_LIMIT_REGISTRATION_ADDRESS", "10/3600")},
        "password_reset": {"address": os.environ.get("RATE_LIMIT_PASSWORD_RESET_ADDRESS", "5/900")},
        "login_failure": {"address": os.environ.get("RATE_LIMIT_LOGIN_FAILURE_ADDRESS", "20/900")},
    }
)

# --- i18n, static, mail ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# The UI's languages (the Terms keep their own translation rules: clause 1.4, English governs).
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tradepost <no-reply@tradepost.local>")

# --- Background tasks (django-tasks; the database backend is django-tasks-db) --------------
# "database": tasks wait in the database for `tradepost db_worker` (what `make run` starts).
# "immediate": tasks run inline, on commit, in the process that queued them.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Clause 5.13: each server process builds the sanctions screening index at start and keeps it
# current from a daemon thread (config/wsgi.py), so no registration waits for a build.
SCREENING_WARM_INDEX = env_bool("TRADEPOST_WARM_SCREENING", True)
