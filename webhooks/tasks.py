"""Celery tasks of webhooks: thin, ids only, idempotent.

deliver_webhook_task runs on its own `webhooks` queue (CELERY_TASK_ROUTES)
and worker, so a slow receiver holds up only other deliveries, never
embeddings, digests or generation. The delivery row counts the attempts (each
is counted before anything is sent), so a redelivered message neither resends
a delivered event nor retries past the limit.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from webhooks import services as webhooks


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=settings.WEBHOOK_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.WEBHOOK_TASK_TIME_LIMIT,
    # The row stops retries first; this only guards against a logic slip.
    max_retries=settings.WEBHOOK_MAX_ATTEMPTS,
)
def deliver_webhook_task(self, delivery_id: int) -> None:
    try:
        outcome = webhooks.webhook_deliver(delivery_id=delivery_id)
    except SoftTimeLimitExceeded:
        # Cut short outside the request (writing the outcome, say): the
        # attempt is still counted, logged as interrupted and retried.
        outcome = webhooks.webhook_attempt_interrupted(delivery_id=delivery_id)
    if outcome.retry:
        raise self.retry(countdown=outcome.countdown)


@shared_task(acks_late=True)
def webhooks_publish_stranded_task() -> int:
    """Every WEBHOOK_STRANDED_AFTER seconds (CELERY_BEAT_SCHEDULE), on the default queue."""
    return webhooks.webhooks_publish_stranded()
