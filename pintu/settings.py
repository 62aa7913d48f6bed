"""Pintu settings: one module, driven by environment variables.

Every variable has a default suitable for a local demo and a line of help; the README lists
them. Production sets ``PINTU_DEBUG=0``, ``PINTU_SECRET_KEY``, ``DATABASE_URL`` and
``PINTU_ALLOWED_HOSTS``; with debug off the secure defaults below apply and
``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# --- core -----------------------------------------------------------------------------------
# PINTU_DEBUG: development mode (verbose errors, static files from the app server). Off in
# production.
DEBUG = env_bool("PINTU_DEBUG", False)
# PINTU_SECRET_KEY: signing key; required (>= 50 random characters) when debug is off.
_DEV_SECRET = "pintu-insecure-development-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env("PINTU_SECRET_KEY", _DEV_SECRET if DEBUG or env_bool("PINTU_TESTING", False) else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PINTU_SECRET_KEY wajib diisi bila PINTU_DEBUG=0 (set PINTU_DEBUG=1 untuk pengembangan)."
    )
# PINTU_ALLOWED_HOSTS: comma-separated host names this deployment answers to.
ALLOWED_HOSTS = env_list("PINTU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# PINTU_CSRF_TRUSTED_ORIGINS: comma-separated origins (https://pintu.example.go.id) behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("PINTU_CSRF_TRUSTED_ORIGINS")
# PINTU_REGENCY_CODE: the Kemendagri code of the regency this deployment serves.
PINTU_REGENCY_CODE = env("PINTU_REGENCY_CODE", "35.10")
# PINTU_SITE_NAME: the name shown in the header and in messages.
PINTU_SITE_NAME = env("PINTU_SITE_NAME", "Pintu Banyuwangi")
# PINTU_BASE_URL: absolute base URL used in notifications and QR codes.
PINTU_BASE_URL = env("PINTU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "pintu.core",
    "pintu.audit",
    "pintu.regions",
    "pintu.accounts",
    "pintu.catalog",
    "pintu.documents",
    "pintu.cases",
    "pintu.notifications",
    "pintu.population",
    "pintu.letters",
    "pintu.queueing",
    "pintu.feedback",
    "pintu.village_finance",
    "pintu.portal",
    "pintu.office",
    "pintu.api",
    "pintu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pintu.core.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pintu.accounts.middleware.StaffOtpMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pintu.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "pintu.urls"
WSGI_APPLICATION = "pintu.wsgi.application"
ASGI_APPLICATION = "pintu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pintu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pintu.core.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
# DATABASE_URL: postgres://user:pass@host:5432/pintu for production; unset = SQLite in var/.
_SQLITE_PATH = BASE_DIR / "var" / "pintu.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{_SQLITE_PATH}"),
        conn_max_age=env_int("PINTU_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PINTU_DB_SERVER_SIDE_BINDING: psycopg server-side parameter binding; with persistent
    # connections PostgreSQL then reuses query plans of repeated statements (not behind a
    # transaction-pooling PgBouncer).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "PINTU_DB_SERVER_SIDE_BINDING", False
    )
    # PINTU_DB_PREPARED_STATEMENTS: the hot paths' statements (a counter's call and finish, a
    # letter's issuing: ``pintu.core.rows.execute``) are prepared once per connection, so
    # PostgreSQL stops parsing and planning them on every call. psycopg prepares only on a
    # connection with a threshold; this one is never reached, so nothing else is prepared.
    # Turn it off behind a transaction-pooling PgBouncer older than 1.21.
    if env_bool("PINTU_DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue instead of failing half-way ("database is locked").
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- cache ----------------------------------------------------------------------------------
# PINTU_CACHE_URL: optional redis://127.0.0.1:6379/0 shared by all app servers; unset = in-process.
_CACHE_URL = env("PINTU_CACHE_URL")
if _CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["pintu.accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
# PINTU_STAFF_TOTP_REQUIRED: staff must enrol and use a TOTP authenticator to work.
PINTU_STAFF_TOTP_REQUIRED = env_bool("PINTU_STAFF_TOTP_REQUIRED", False)
OTP_TOTP_ISSUER = PINTU_SITE_NAME
# PINTU_LOGIN_RATE: failed logins allowed per account/IP per 15 minutes.
PINTU_LOGIN_RATE = env_int("PINTU_LOGIN_RATE", 10)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# PINTU_TIME_ZONE: the regency's time zone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura).
TIME_ZONE = env("PINTU_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- static and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("PINTU_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it; collectstatic fills it
STATICFILES_DIRS = [BASE_DIR / "pintu" / "static"]
STORAGES = {
    # PINTU_MEDIA_ROOT: where uploaded and issued documents are kept (never served directly).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PINTU_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PINTU_TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# PINTU_UPLOAD_MAX_MB: the largest document a user may upload, in megabytes.
PINTU_UPLOAD_MAX_MB = env_int("PINTU_UPLOAD_MAX_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- mail and messaging ---------------------------------------------------------------------
# PINTU_EMAIL_BACKEND: Django mail backend; smtp in production, file-based for the demo.
EMAIL_BACKEND = env(
    "PINTU_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
# PINTU_EMAIL_HOST / _PORT / _USER / _PASSWORD / _USE_TLS: SMTP server for notifications.
EMAIL_HOST = env("PINTU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PINTU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("PINTU_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("PINTU_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PINTU_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
# PINTU_DEFAULT_FROM_EMAIL: sender address of notifications.
DEFAULT_FROM_EMAIL = env("PINTU_DEFAULT_FROM_EMAIL", "Pintu Banyuwangi <noreply@pintu.banyuwangikab.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# PINTU_MESSAGE_GATEWAY: SMS/WhatsApp provider key from the gateway registry ("log" writes to the log).
PINTU_MESSAGE_GATEWAY = env("PINTU_MESSAGE_GATEWAY", "log")

# --- background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications"],
    }
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pintu.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pintu.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "tracking": env("PINTU_TRACKING_RATE", "60/min"),
        "submission": env("PINTU_SUBMISSION_RATE", "30/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pintu API",
    "DESCRIPTION": (
        "REST API of Pintu: the service catalogue, applications (cases) and their actions, "
        "public tracking and documents. Errors share one shape: "
        '{"error": {"code": "...", "message": "...", "fields": {...}}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "pintu.cases.constants.CaseStatus",
        "CaseChannelEnum": "pintu.cases.constants.Channel",
        "ComplaintStatusEnum": "pintu.feedback.constants.ComplaintStatus",
        "ComplaintChannelEnum": "pintu.feedback.constants.ComplaintChannel",
    },
    "PREPROCESSING_HOOKS": ["pintu.api.schema.add_fast_views"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Messages (such as a new API token shown once) live in the server-side session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = env_int("PINTU_SESSION_HOURS", 12) * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # PINTU_SECURE_SSL_REDIRECT: redirect http to https in the app (off when the proxy does it).
    SECURE_SSL_REDIRECT = env_bool("PINTU_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("PINTU_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("PINTU_SECURE_COOKIES", True)
    # PINTU_HSTS_SECONDS: Strict-Transport-Security max-age.
    SECURE_HSTS_SECONDS = env_int("PINTU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("PINTU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- documents: issued documents and electronic signatures -----------------------------------
# PINTU_SIGNER: signer provider for issued PDFs: "local" (PKCS#12 key), "bsre" (national BSrE
# e-sign client service) or "fake" (tests only).
PINTU_SIGNER = env("PINTU_SIGNER", "local")
# PINTU_SIGNER_PKCS12: path of the PKCS#12 key of the local signer; empty = the demo key below.
PINTU_SIGNER_PKCS12 = env("PINTU_SIGNER_PKCS12", "")
# PINTU_SIGNER_PKCS12_PASSPHRASE: passphrase of that PKCS#12 file (also used for the demo key).
PINTU_SIGNER_PKCS12_PASSPHRASE = env("PINTU_SIGNER_PKCS12_PASSPHRASE", "pintu-demo-signer")
# PINTU_SIGNER_DEMO_PKCS12: where the self-signed demo key is created when none is configured.
PINTU_SIGNER_DEMO_PKCS12 = env("PINTU_SIGNER_DEMO_PKCS12", str(BASE_DIR / "var" / "demo" / "signer.p12"))
# PINTU_SIGNER_FAST_PADES: 1 = the local signer writes the PAdES update itself for Pintu's own
# Typst PDFs (~0.5 ms; checked by pyHanko's validator in the tests); 0 = always pyHanko (~40-80 ms).
PINTU_SIGNER_FAST_PADES = env_bool("PINTU_SIGNER_FAST_PADES", True)
# PINTU_BSRE_URL: base URL of the agency's BSrE eSign Client Service (e.g. http://esign.local).
PINTU_BSRE_URL = env("PINTU_BSRE_URL", "")
# PINTU_BSRE_USERNAME / PINTU_BSRE_PASSWORD: HTTP Basic account of this application at that service.
PINTU_BSRE_USERNAME = env("PINTU_BSRE_USERNAME", "")
PINTU_BSRE_PASSWORD = env("PINTU_BSRE_PASSWORD", "")
# PINTU_BSRE_NIK / PINTU_BSRE_PASSPHRASE: an institutional signer used when no per-signer
# credentials are given (leave empty to require them at signing time).
PINTU_BSRE_NIK = env("PINTU_BSRE_NIK", "")
PINTU_BSRE_PASSPHRASE = env("PINTU_BSRE_PASSPHRASE", "")
# PINTU_BSRE_TIMEOUT: seconds to wait for the signing service.
PINTU_BSRE_TIMEOUT = env_int("PINTU_BSRE_TIMEOUT", 30)
# PINTU_VERIFY_RATE: throttle of the anonymous document verification API.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verification"] = env("PINTU_VERIFY_RATE", "60/min")

# --- feedback: satisfaction surveys (SKM) and complaints ---------------------------------------
# PINTU_SURVEY_LINK_DAYS: how many days a one-time survey link stays valid.
PINTU_SURVEY_LINK_DAYS = env_int("PINTU_SURVEY_LINK_DAYS", 14)
# PINTU_COMPLAINTS_ANONYMOUS: accept complaints from the portal without an account (1/0).
PINTU_COMPLAINTS_ANONYMOUS = env_bool("PINTU_COMPLAINTS_ANONYMOUS", True)

# --- queueing: MPP and village-office queues ---------------------------------------------------
# PINTU_QUEUE_BOARD_POLL_MS: how often a display board asks whether anything changed (ms); the
# answer is a 204 unless it did (see docs/adr/0006-display-board-updates.md).
PINTU_QUEUE_BOARD_POLL_MS = env_int("PINTU_QUEUE_BOARD_POLL_MS", 400)
# PINTU_QUEUE_API_RATE: throttle of the queue API's public endpoints (board state, sites).
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["queue_public"] = env("PINTU_QUEUE_API_RATE", "600/min")
