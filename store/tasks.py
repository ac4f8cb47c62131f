"""Celery tasks of the store connection: thin, ids only, idempotent; both run
on the default queue.

store_import_task claims its import with a compare-and-set on the status, so
a redelivered message is a no-op; the file is written in one transaction, so a
worker killed mid-import leaves nothing half-imported, and once its claim is
older than the task's hard time limit store_imports_resume_task (beat)
publishes the import again and the next worker takes it over.
recommender_train_task (beat, STORE_RECOMMENDER_TRAIN_SECONDS) rebuilds the
item factors from scratch; running it twice gives the same file.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from store import recommendations, services

# A training run fits well inside this.
TRAIN_SOFT_TIME_LIMIT = 30 * 60
# The hard limit gives the soft one's handler time to leave the row clean.
HARD_LIMIT_MARGIN = 60


@shared_task(
    acks_late=True,
    soft_time_limit=services.IMPORT_SOFT_TIME_LIMIT,
    time_limit=services.IMPORT_HARD_TIME_LIMIT,
)
def store_import_task(import_id: int) -> None:
    services.store_import_run(import_id=import_id)


@shared_task(acks_late=True)
def store_imports_resume_task() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): imports whose worker died."""
    return services.store_imports_resume()


@shared_task(
    acks_late=True,
    soft_time_limit=TRAIN_SOFT_TIME_LIMIT,
    time_limit=TRAIN_SOFT_TIME_LIMIT + HARD_LIMIT_MARGIN,
)
def recommender_train_task() -> None:
    recommendations.train(path=settings.STORE_RECOMMENDER_PATH)
