"""Publishing Celery tasks from web requests without ever failing them.

The database is the source of truth: the row a task works on is committed
first, then the message is published. When the broker is down the publish is
logged and skipped, the person's request still succeeds, and a periodic
"stranded" sweep of that kind of row publishes it again once the broker is
back (generation/outbox.py for generation requests, the webhook sweep in
campaigns/tasks.py for deliveries, the embeddings backfill for ideas).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from kombu.exceptions import KombuError

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger(__name__)


def publish(task: Task, *args: Any) -> bool:
    """task.delay(*args); False (logged) if the broker refused."""
    try:
        task.delay(*args)
    except (KombuError, OSError):
        logger.warning("Could not publish %s%r; a sweep publishes it later", task.name, args, exc_info=True)
        return False
    return True


def publish_after_commit(task: Task, *args: Any) -> None:
    transaction.on_commit(lambda: publish(task, *args))
