"""The REST API, its schema, and webhooks."""

from __future__ import annotations

from cocreate.settings.base import env

# --- REST framework ---------------------------------------------------------------
REST_FRAMEWORK = {
    # Tokens for API clients first, so an anonymous request is answered 401 with
    # WWW-Authenticate; sessions (with CSRF) for the site's own JavaScript.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    # JSON only, with the body size limit DRF's own parsers skip (DRF reads
    # the stream itself, past DATA_UPLOAD_MAX_MEMORY_SIZE).
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Per action (submit, vote, comment, report, generation) from THROTTLE_RATES,
    # counted per user and per IP.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.ActionUserRateThrottle",
        "core.api.throttles.ActionIPRateThrottle",
    ],
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PagePagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cocreate API",
    "DESCRIPTION": "Campaigns, ideas, votes, comments and AI drafts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
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
        "NotificationKindEnum": "notifications.models.Notification.Kind",
        "LocaleEnum": "campaigns.models.Campaign.Locale",
        "DraftStatusEnum": "generation.models.Draft.Status",
        "DraftKindEnum": "generation.models.Kind",
        "GenerationRequestStatusEnum": "generation.models.GenerationRequest.Status",
    },
}

# Levels of nesting a JSON body may have (core/api/parsers.py). Requests the
# API takes nest a few levels; Python's json recurses per level, so a limit
# far below its recursion limit keeps `[`×5000 from raising a 500.
API_JSON_MAX_DEPTH = 32

# Webhooks (webhooks/services.py). Receivers on private networks are refused
# (SSRF) unless this is on: for tests and a receiver on the same machine only.
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
# Seconds for one whole attempt: connect, TLS, send, headers and the capped
# reply, against one wall-clock deadline (webhooks/transport.py).
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=5)
# Celery's limits on the delivery task. The attempt's deadline ends it first;
# these catch what that deadline cannot reach (a hung DNS lookup or database).
WEBHOOK_TASK_SOFT_TIME_LIMIT = WEBHOOK_TIMEOUT_SECONDS * 4
WEBHOOK_TASK_TIME_LIMIT = WEBHOOK_TIMEOUT_SECONDS * 6
# Deliveries in a row that fail for good (each after WEBHOOK_MAX_ATTEMPTS
# tries) before the endpoint is turned off and its brand's owners are told.
# GitLab turns a hook off after 4 failed requests in a row, Stripe after
# about 3 days of failures; 5 failed deliveries is 25 failed requests over at
# least 5 events, so one bad deploy on the receiver's side does not trip it.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=5)
# Bytes of a reply read (and kept for the log); the rest is never read (Fider's DoS).
WEBHOOK_RESPONSE_MAX_BYTES = env.int("WEBHOOK_RESPONSE_MAX_BYTES", default=1024)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=5)
# Backoff 30 s, then 1, 2, 4 min (doubling): the cap keeps countdowns far below Redis's
# visibility_timeout (long countdowns are redelivered, celery#5935).
WEBHOOK_BACKOFF_BASE_SECONDS = env.int("WEBHOOK_BACKOFF_BASE_SECONDS", default=30)
WEBHOOK_BACKOFF_MAX_SECONDS = env.int("WEBHOOK_BACKOFF_MAX_SECONDS", default=600)
# Webhook deliveries whose message never reached the broker (it was down) are
# published again after this many seconds by a beat task (core/queueing.py).
WEBHOOK_STRANDED_AFTER = env.int("WEBHOOK_STRANDED_AFTER", default=120)
