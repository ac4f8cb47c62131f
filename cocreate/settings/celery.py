"""Celery: broker, queues, routes, reliability and the beat schedule.

One block, each setting with the reason beside it. Docs:
https://docs.celeryq.dev/en/stable/userguide/configuration.html
"""

from __future__ import annotations

from celery.schedules import crontab

from cocreate.settings.api import WEBHOOK_STRANDED_AFTER
from cocreate.settings.assistant import ASSISTANT_ANSWER_STRANDED_AFTER
from cocreate.settings.base import REDIS_BROKER_URL, TEST_PROCESS, VAR_DIR, env
from cocreate.settings.generation import GENERATION_OUTBOX_AFTER
from cocreate.settings.intelligence import DIGEST_IMMEDIATE_INTERVAL_SECONDS
from cocreate.settings.store import STORE_RECOMMENDER_TRAIN_SECONDS

# The embedded broker names a host only so kombu does not warn "No hostname
# was supplied" each time it describes the connection; the transport ignores it.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_BROKER_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / (f"broker-{TEST_PROCESS}" if TEST_PROCESS else "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    # kombu's filesystem transport fails on folders that do not exist: the
    # core app creates them when Django is ready (core/apps.py).
else:
    # Unacked messages are redelivered after this; keep it far above the hard
    # time limit of the longest task (celery#5935).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_TASK_IGNORE_RESULT = True  # state lives in the database, not in results
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True  # a crash mid-task redelivers; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ... also when the child is killed
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: take one at a time
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# What tasks print (console e-mails in development, progress bars) is logged
# at INFO, not as warnings (Celery's default for redirected output).
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"

# Routes as a table: everything else goes to the default queue.
CELERY_TASK_ROUTES = {
    "generation.tasks.generate_drafts_task": {"queue": "gpu"},
    # Shoppers' answers have a worker process of their own: a gpu worker cannot
    # interrupt the draft it is running, which takes longer than a shopper
    # should wait, whatever the priority of the answers queued behind it.
    "assistant.tasks.answer_task": {"queue": "answers"},
    # Deliveries wait on other people's servers: their own queue and worker.
    "webhooks.tasks.deliver_webhook_task": {"queue": "webhooks"},
    # Personalised lines are written by the model; sending goes to the default queue.
    "messaging.tasks.recipients_prepare_task": {"queue": "gpu"},
}
# Task names from before the apps were split (cocreate/legacy_tasks.py).
CELERY_IMPORTS = ["cocreate.legacy_tasks"]

CELERY_BEAT_SCHEDULE = {
    # The sweeper fails or requeues requests whose worker died; it only touches rows.
    "generation-sweep": {"task": "generation.tasks.generation_sweep_task", "schedule": 5 * 60},
    "generation-outbox": {
        "task": "generation.tasks.generation_outbox_task",
        "schedule": GENERATION_OUTBOX_AFTER,
    },
    "webhooks-stranded": {
        "task": "webhooks.tasks.webhooks_publish_stranded_task",
        "schedule": WEBHOOK_STRANDED_AFTER,
    },
    "notifications-digests-immediately": {
        "task": "notifications.tasks.digests_send_task",
        "schedule": DIGEST_IMMEDIATE_INTERVAL_SECONDS,
        "args": ("immediately",),
    },
    "notifications-digests-daily": {
        "task": "notifications.tasks.digests_send_task",
        "schedule": crontab(minute=0, hour=7),
        "args": ("daily",),
    },
    "notifications-digests-weekly": {
        "task": "notifications.tasks.digests_send_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="monday"),
        "args": ("weekly",),
    },
    "assistant-answers-stranded": {
        "task": "assistant.tasks.answers_stranded_task",
        "schedule": ASSISTANT_ANSWER_STRANDED_AFTER,
    },
    "assistant-conversations-expire": {
        "task": "assistant.tasks.conversations_expire_task",
        "schedule": crontab(minute=30, hour=3),
    },
    # Product recommendations: item factors rebuilt from every consented
    # person's purchases, votes, comments and follows (store/tasks.py).
    "store-recommender-train": {
        "task": "store.tasks.recommender_train_task",
        "schedule": STORE_RECOMMENDER_TRAIN_SECONDS,
    },
    # Imports whose worker died (or whose message was lost) start again.
    "store-imports-resume": {"task": "store.tasks.store_imports_resume_task", "schedule": 5 * 60},
    # Approved message campaigns whose send time has come start preparing;
    # the same run resumes campaigns whose worker died.
    "messaging-due": {"task": "messaging.tasks.message_campaigns_due_task", "schedule": 60},
    # Embeds what the after-commit events missed (worker down, model swapped).
    "intelligence-embeddings-backfill": {
        "task": "intelligence.tasks.embeddings_backfill_task",
        "schedule": 10 * 60,
    },
}
