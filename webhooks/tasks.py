"""Celery tasks of webhooks: thin, ids only, idempotent.

deliver_webhook_task runs on the `default` queue (CELERY_TASK_ROUTES), never
behind generation on `gpu`. The delivery row counts the attempts, so a redelivered message neither
resends a delivered event nor retries past the limit.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from webhooks import services as webhooks


@shared_task(
    bind=True,
    acks_late=True,
    # One attempt is a connect plus a capped read within WEBHOOK_TIMEOUT_SECONDS each.
    soft_time_limit=settings.WEBHOOK_TIMEOUT_SECONDS * 4,
    time_limit=settings.WEBHOOK_TIMEOUT_SECONDS * 6,
    # The row stops retries first; this only guards against a logic slip.
    max_retries=settings.WEBHOOK_MAX_ATTEMPTS,
)
def deliver_webhook_task(self, delivery_id: int) -> None:
    outcome = webhooks.webhook_deliver(delivery_id=delivery_id)
    if outcome.retry:
        raise self.retry(countdown=webhooks.retry_countdown(outcome.attempts))


@shared_task(acks_late=True)
def webhooks_publish_stranded_task() -> int:
    """Every WEBHOOK_STRANDED_AFTER seconds (CELERY_BEAT_SCHEDULE), on the default queue."""
    return webhooks.webhooks_publish_stranded()
