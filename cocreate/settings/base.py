"""Django's own settings for cocreate, read from the environment (django-environ).

Every value has a development default so that `make run` works on a laptop with
no services: SQLite under var/, Celery on kombu's filesystem transport under
var/broker/, and the local-memory cache. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0; `manage.py check --deploy`
is clean with those.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("COCREATE_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The default key is for development only; check --deploy flags it (security.W009)
# and docker/compose.yml refuses to start without a real one.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's files, served by whitenoise like ours: the docs need no CDN.
    "drf_spectacular_sidecar",
    # cocreate's apps, lowest first: each may import only those above it in
    # this list (tests/test_layout.py holds that).
    "core",
    "accounts",
    "campaigns",
    "notifications",
    "intelligence",
    "webhooks",
    "generation",
    "store",
    "assistant",
    "messaging",
    "demo",
]

MIDDLEWARE = [
    # Outermost, so Django's own 400/404/500 pages under /api/ become JSON errors too.
    "core.api.errors.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "cocreate.urls"
WSGI_APPLICATION = "cocreate.wsgi.application"

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
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the workers share one file: take the write lock at
    # BEGIN (no lock-upgrade deadlocks) and wait for it instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    # A file, not memory, so worker subprocesses in tests share the test database;
    # named per process so two test runs in one checkout never clobber each other.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttles) ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Parallel test processes (pytest-xdist, and the worker subprocesses they
# start, which inherit the variable) each get their own Redis databases and
# broker folder: one process's cache.clear() (a FLUSHDB) must not wipe another's
# throttle counters, nor its worker take another's task messages.
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
REDIS_CACHE_URL = REDIS_BROKER_URL = REDIS_URL
if REDIS_URL and TEST_PROCESS:
    _redis_base, _n = REDIS_URL.rsplit("/", 1)[0], int(TEST_PROCESS[2:])
    REDIS_CACHE_URL, REDIS_BROKER_URL = f"{_redis_base}/{1 + _n}", f"{_redis_base}/{8 + _n}"
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing one client per connection pool (core/redis_cache.py).
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cocreate"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous visitors of a campaign page and of a campaign's ideas API list get
# a copy up to this many seconds old; any write to the campaign renews it at
# once (campaigns/page_cache.py). 0 turns it off.
ANON_PAGE_CACHE_SECONDS = env.int("ANON_PAGE_CACHE_SECONDS", default=5)

# --- Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- i18n -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cocreate <noreply@localhost>")

# --- Security ---------------------------------------------------------------------
# Request bodies above this are refused with 400 before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the site's own JS reads it for API writes
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Django 5.2 has no CSP middleware; core.middleware sets this header.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# --- Community rules ------------------------------------------------------------
# Content is hidden automatically once this many distinct people report it.
REPORT_AUTOHIDE_THRESHOLD = env.int("REPORT_AUTOHIDE_THRESHOLD", default=3)
IDEAS_PER_PAGE = 20
CAMPAIGNS_PER_PAGE = 12
# Threads deeper than this are attached to the deepest allowed ancestor, so a
# reply chain stays readable on a phone.
COMMENT_MAX_DEPTH = 4
# Throttles, per user and per IP, on the cache above: "<count>/<s|m|h|d>".
THROTTLE_RATES = {
    "submit": env("THROTTLE_SUBMIT", default="10/h"),
    "vote": env("THROTTLE_VOTE", default="120/h"),
    "comment": env("THROTTLE_COMMENT", default="40/h"),
    "report": env("THROTTLE_REPORT", default="20/h"),
    "login": env("THROTTLE_LOGIN", default="10/m"),
    "signup": env("THROTTLE_SIGNUP", default="10/h"),
    # Each reset e-mails the address: a few an hour per address and per IP
    # let a person retry a lost mail, and no one mail-bomb an inbox.
    "password_reset": env("THROTTLE_PASSWORD_RESET", default="5/h"),
    "generation": env("THROTTLE_GENERATION", default="30/h"),
    # E-mailed links that check a signed token (sign-up confirmation,
    # unsubscribe, message clicks), per IP: a person opens one a few times;
    # a mail provider's one-click unsubscribe POSTs share its few IPs, hence
    # per minute rather than per hour.
    "signed_link": env("THROTTLE_SIGNED_LINK", default="30/m"),
    # Opening a store link or asking for an e-mail match (store/views.py).
    "store_link": env("THROTTLE_STORE_LINK", default="10/h"),
    # Shopper assistant: conversations started and questions asked, per person and per IP.
    "assistant_start": env("THROTTLE_ASSISTANT_START", default="20/h"),
    "assistant_message": env("THROTTLE_ASSISTANT_MESSAGE", default="60/h"),
}

# --- Logging --------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
