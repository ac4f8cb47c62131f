"""Celery tasks of notifications, on the `default` queue: digests and personal e-mails."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from notifications import services as notifications

logger = logging.getLogger(__name__)

# Seconds: a digest run over every due person, or a batch of personal e-mails.
SOFT_LIMIT, HARD_LIMIT = 600, 660


@shared_task(
    soft_time_limit=SOFT_LIMIT,
    time_limit=HARD_LIMIT,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def digests_send_task(frequency: str) -> None:
    sent = notifications.digests_send(frequency=frequency)
    logger.info("%d %s digests sent", sent, frequency)


# Not retried: e-mails already sent would go out twice.
@shared_task(soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def personal_emails_send_task(notification_ids: list[int]) -> None:
    notifications.personal_emails_send(notification_ids=notification_ids)
