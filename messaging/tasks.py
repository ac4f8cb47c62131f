"""Celery tasks of marketing messages: thin, ids only, idempotent.

recipients_prepare_task runs on the `gpu` queue (CELERY_TASK_ROUTES): it
writes lines in batches. Sending runs on the default queue. Both may be
redelivered or duplicated: preparation claims recipients with a
compare-and-set (services.recipients_claim) and sending moves each row to
"sending" before anything goes out, so no one gets a message twice. The
engine (and torch) is imported inside the task body only.
"""

from __future__ import annotations

import uuid

from celery import shared_task
from django.conf import settings

from core.queueing import publish
from generation.drafting.types import Generator
from messaging import services
from messaging.models import MessageCampaign

# Seconds: a chunk of lines is written well within the soft limit; the beat
# resumes a campaign whose task hit it.
SOFT_LIMIT, HARD_LIMIT = 600, 660
SAMPLE = "sample"


def _generator() -> Generator:
    from generation import inference

    return inference.get_generator(
        settings.GENERATION_MODEL, batch_size=settings.MESSAGING_BATCH_SIZE, seed=settings.GENERATION_SEED
    )


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT
)
def recipients_prepare_task(self, message_campaign_id: int, mode: str = "") -> int:  # type: ignore[no-untyped-def]
    message_campaign = MessageCampaign.objects.select_related("campaign", "brand").get(pk=message_campaign_id)
    if mode == SAMPLE:
        return services.sample_prepare(message_campaign=message_campaign, generator=_generator())
    claim = self.request.id or f"direct-{uuid.uuid4()}"
    return services.campaign_prepare(
        message_campaign_id=message_campaign_id, generator=_generator(), claim=claim
    )


# Not retried: a chunk's sends are recorded one by one; the next task picks up the rest.
@shared_task(acks_late=True, soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def recipients_send_task(message_campaign_id: int) -> dict[str, int]:
    return services.campaign_send(message_campaign_id=message_campaign_id)


@shared_task(acks_late=True)
def message_campaigns_due_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): start due campaigns, resume stalled ones."""
    ids = services.message_campaigns_due()
    for pk in ids:
        publish("messaging.tasks.recipients_prepare_task", pk)
    return len(ids)
