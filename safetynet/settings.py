"""SafetyNet settings.

Everything that differs between a laptop, CI and production comes from the environment
(see README "Configuration"). ``SAFETYNET_ENV`` is ``production`` unless set, so a
forgotten variable fails closed: production refuses to start without a secret key and a
vault key (see ``safetynet.people.vault``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAFETYNET_VAR_DIR", BASE_DIR / "var"))

SAFETYNET_ENV = os.environ.get("SAFETYNET_ENV", "production")
if SAFETYNET_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured("SAFETYNET_ENV must be production, development or test")
IS_PRODUCTION = SAFETYNET_ENV == "production"
DEBUG = SAFETYNET_ENV == "development"

# Demo mode shows the current TOTP code of *demo* accounts on the second-factor page so
# that people trying the app need no authenticator. It can never be on in production.
DEMO_MODE = os.environ.get("SAFETYNET_DEMO", "0") == "1"
if DEMO_MODE and IS_PRODUCTION:
    raise ImproperlyConfigured("SAFETYNET_DEMO=1 is refused in production")


def _dev_secret_key() -> str:
    """A per-checkout random key kept in var/, so dev sessions survive restarts."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SAFETYNET_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SAFETYNET_SECRET_KEY must be set in production")
    SECRET_KEY = _dev_secret_key()

ALLOWED_HOSTS = [h for h in os.environ.get("SAFETYNET_ALLOWED_HOSTS", "").split(",") if h]
if not IS_PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "safetynet.core",
    "safetynet.accounts",
    "safetynet.agencies",
    "safetynet.access",
    "safetynet.audit",
    "safetynet.people",
    "safetynet.cases",
    "safetynet.stats",
    "safetynet.notifications",
    "safetynet.tips",
    "safetynet.rescues",
    "safetynet.missing",
    "safetynet.prosecution",
    "safetynet.care",
    "safetynet.matching",
    "safetynet.programmes",
    "safetynet.training",
    "safetynet.tourism",
    "safetynet.research",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safetynet.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safetynet.accounts.middleware.SessionExpiryMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safetynet.accounts.middleware.TwoFactorRequiredMiddleware",
    "safetynet.accounts.middleware.SessionTrackingMiddleware",
    "safetynet.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safetynet.core.middleware.RequestSizeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safetynet.urls"
WSGI_APPLICATION = "safetynet.wsgi.application"
ASGI_APPLICATION = "safetynet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "safetynet" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "safetynet.core.context_processors.safetynet",
                "safetynet.notifications.context_processors.unread",
            ],
        },
    }
]

# SQLite is the embedded default (one-command start); PostgreSQL when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SAFETYNET_SQLITE_PATH", str(VAR_DIR / "safetynet.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
                # failing with "database is locked" half way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Lockout: 5 failures for a username from anywhere lock it for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
# By username, not IP: a whole police station or NGO office shares one address behind NAT,
# and an attacker guessing one officer's password rotates IPs anyway.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safetynet.accounts.views.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False  # access logs would hold IP addresses for ever

# Idle timeout: the cookie lives 30 minutes past the last request.
SESSION_COOKIE_AGE = int(os.environ.get("SAFETYNET_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SAFETYNET_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploads and bodies: village phones send small forms; anything big is a mistake or an attack.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
SAFETYNET_MAX_REQUEST_BYTES = 5 * 1024 * 1024
SAFETYNET_MAX_PHOTO_BYTES = 2 * 1024 * 1024

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi")), ("bn", _("Bengali")), ("ne", _("Nepali"))]
LOCALE_PATHS = [BASE_DIR / "safetynet" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Kolkata"
USE_TZ = True

STATIC_URL = "static/"
# Production serves collected files (collectstatic into STATIC_ROOT); elsewhere WhiteNoise
# serves straight from the apps' static folders.
STATIC_ROOT = BASE_DIR / "staticfiles" if IS_PRODUCTION else None
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "safetynet.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafetyNet API",
    "DESCRIPTION": "Counter-trafficking case, protection and prosecution records. "
    "Every endpoint applies the same access policy as the web pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets come from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFETYNET_LOG_LEVEL", "INFO")},
    # Request bodies and querystrings are never logged: they may carry identity data.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # axes logs every sign-in at INFO; failures and lockouts (WARNING) are what operators need.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Identity vault keys: see safetynet/people/vault.py and README "Configuration".
VAULT_KEYS = os.environ.get("SAFETYNET_VAULT_KEYS", "")
VAULT_KEY_FILE = os.environ.get("SAFETYNET_VAULT_KEY_FILE", "")
if IS_PRODUCTION and not (VAULT_KEYS or VAULT_KEY_FILE):
    raise ImproperlyConfigured(
        "SafetyNet refuses to start in production without an identity vault key: "
        "set SAFETYNET_VAULT_KEYS or SAFETYNET_VAULT_KEY_FILE (see README)."
    )

# Pseudonymous person codes: <state>-<district>-<year>-<serial>.
PERSON_CODE_DIGITS = 6
BREAK_GLASS_HOURS = 8

# Background work (django-tasks): email and SMS delivery of notifications. Production puts
# tasks in the database for `manage.py db_worker`; elsewhere they run at once, so
# `make run` needs no second process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend" if IS_PRODUCTION
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

# Notifications: links in emails and texts, the SMS gateway, mail.
SAFETYNET_BASE_URL = os.environ.get("SAFETYNET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SAFETYNET_SMS_BACKEND = os.environ.get("SAFETYNET_SMS_BACKEND", "safetynet.notifications.sms.OutboxBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SAFETYNET_FROM_EMAIL", "SafetyNet <no-reply@safetynet.invalid>")
EMAIL_HOST = os.environ.get("SAFETYNET_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SAFETYNET_EMAIL_PORT", "25"))
if not IS_PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Community tips. Shared secrets of SMS gateways / hotline tools that post to the webhook,
# "name:secret,name:secret" (see docs/intake.md).
SAFETYNET_INTAKE_SECRETS = os.environ.get("SAFETYNET_INTAKE_SECRETS", "")
# Rate limits of the public report form and receipt status page, per client address
# (kept in the cache only, never stored): django-ratelimit notation.
SAFETYNET_TIP_RATE = os.environ.get("SAFETYNET_TIP_RATE", "10/h")
SAFETYNET_STATUS_RATE = os.environ.get("SAFETYNET_STATUS_RATE", "30/h")
# The public tourism Code of Conduct check, per client.
SAFETYNET_TOURISM_CHECK_RATE = os.environ.get("SAFETYNET_TOURISM_CHECK_RATE", "60/h")
# How long built dashboard figures are kept (stats/dashboard.py build); 0 counts on every request.
SAFETYNET_DASHBOARD_CACHE_SECONDS = int(os.environ.get("SAFETYNET_DASHBOARD_CACHE_SECONDS", "300"))
# "inline": a public report is filed (routed, numbered, triagers alerted, audited) in the
# request that receives it. "worker": the request only stores it and answers with the
# receipt; `manage.py file_tips --loop` files the queue in batches (for busy installations:
# see docs/intake.md and bench/tip_intake.py). escalate_tips files stragglers either way.
SAFETYNET_TIP_FILING = os.environ.get("SAFETYNET_TIP_FILING", "inline")
if SAFETYNET_TIP_FILING not in ("inline", "worker"):
    raise ImproperlyConfigured("SAFETYNET_TIP_FILING must be 'inline' or 'worker'")
