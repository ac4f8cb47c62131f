"""Celery tasks: thin, ids only, idempotent. The rules live in services.py.

answer_task runs on the `answers` queue (CELERY_TASK_ROUTES), which a worker
process of its own consumes: a shopper's question never waits for a draft,
neither the one a gpu worker is running nor those queued behind it. The engine
is imported inside the task body, as in generation/tasks.py, so the web
process never imports torch.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from assistant import services

logger = logging.getLogger(__name__)


def _generator():  # noqa: ANN202 - a TextGenerator, or None without a model
    from generation import inference

    try:
        return inference.get_generator(
            settings.GENERATION_MODEL,
            batch_size=settings.GENERATION_BATCH_SIZE,
            seed=settings.GENERATION_SEED,
        )
    except inference.ModelNotAvailable:
        # Without the model the answer quotes the sources' own sentences.
        logger.warning("No generation model: the assistant quotes its sources", exc_info=True)
        return None


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.ASSISTANT_SOFT_TIME_LIMIT,
    time_limit=settings.ASSISTANT_HARD_TIME_LIMIT,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=30,
    max_retries=3,
)
def answer_task(message_id: int) -> None:
    services.answer_write(message_id=message_id, generator=_generator())


@shared_task(acks_late=True)
def answers_stranded_task() -> int:
    """Every ASSISTANT_ANSWER_STRANDED_AFTER seconds (CELERY_BEAT_SCHEDULE)."""
    return services.answers_publish_stranded()


@shared_task(acks_late=True)
def conversations_expire_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): anonymous conversations past their retention."""
    return services.conversations_expire()
