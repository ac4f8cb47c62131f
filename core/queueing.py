"""Publishing Celery tasks from web requests without ever failing them.

The database is the source of truth: the row a task works on is committed
first, then the message is published. When the broker is down the publish is
logged and skipped, the person's request still succeeds, and a periodic
"stranded" sweep of that kind of row publishes it again once the broker is
back (generation/outbox.py for generation requests, the webhook sweep in
webhooks/tasks.py for deliveries, the embeddings backfill for ideas).

Services name the task they publish ("app.tasks.some_task") instead of
importing it: a tasks module imports its services, so an import back would
be a circle. The name is looked up in the Celery app's registry; a web
process that has not imported the task's module yet imports it then.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import KombuError

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger(__name__)


def registered_task(name: str) -> Task:
    """The task registered under `name` ("app.tasks.some_task"); KeyError if
    its module defines no such task."""
    if name not in current_app.tasks:
        import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def publish(task: Task | str, *args: Any) -> bool:
    """task.delay(*args); False (logged) if the broker refused."""
    if isinstance(task, str):
        task = registered_task(task)
    try:
        task.delay(*args)
    except (KombuError, OSError):
        logger.warning("Could not publish %s%r; a sweep publishes it later", task.name, args, exc_info=True)
        return False
    return True


def publish_after_commit(task: Task | str, *args: Any) -> None:
    transaction.on_commit(lambda: publish(task, *args))
