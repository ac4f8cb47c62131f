"""Celery tasks: thin, ids only, idempotent. The rules live in services.py.

generate_drafts_task runs on the `gpu` queue (CELERY_TASK_ROUTES). The engine
(and with it torch) is imported inside the task body: the web process never
imports torch, and CUDA is only initialised in the process that generates,
never in a worker's parent before it forks (pytorch#40403).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from generation import outbox, services


@shared_task(
    bind=True,
    # At-least-once: a worker killed mid-run gets the message redelivered; the
    # claim makes a redelivery resume its own requests and a duplicate a no-op.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.GENERATION_SOFT_TIME_LIMIT,
    time_limit=settings.GENERATION_HARD_TIME_LIMIT,
    # A database that blinked (failover, dropped connection) is worth retrying;
    # the retry keeps the task id, so it takes back the requests it claimed.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def generate_drafts_task(self, request_id: int) -> None:
    # A direct call (shell, tests) has no Celery id: give it its own.
    task_id = self.request.id or f"direct-{uuid.uuid4()}"
    claimed = services.generation_requests_claim(request_id=request_id, task_id=task_id)
    if claimed:
        drafts_generate(
            claimed,
            fail=lambda error: services.generation_requests_fail(
                request_ids=claimed, task_id=task_id, error=error
            ),
        )


def drafts_generate(claimed: Sequence[int], *, fail: Callable[[str], object]) -> None:
    """Generate for requests this run claimed; `fail(error)` fails them where a
    retry cannot help. Also the body of bench/batching_tasks.py's variant."""
    from generation import inference

    try:
        generator = inference.get_generator(
            settings.GENERATION_MODEL,
            batch_size=settings.GENERATION_BATCH_SIZE,
            seed=settings.GENERATION_SEED,
        )
        services.generation_requests_run(request_ids=claimed, generator=generator)
    except inference.ModelNotAvailable as exc:
        # Retrying cannot conjure the model: fail now, with the fix in the message.
        fail(str(exc))
    except SoftTimeLimitExceeded:
        fail(_("Timed out after %(s)s s.") % {"s": settings.GENERATION_SOFT_TIME_LIMIT})


@shared_task(acks_late=True)
def generation_sweep_task() -> dict[str, int]:
    """Every few minutes (CELERY_BEAT_SCHEDULE): recover requests whose worker died."""
    return services.generation_requests_sweep()


@shared_task(acks_late=True)
def generation_outbox_task() -> dict[str, int]:
    """Every GENERATION_OUTBOX_AFTER seconds (CELERY_BEAT_SCHEDULE), on the default queue."""
    return outbox.generation_requests_publish_stranded()
