"""The generation outbox: a request is committed as queued before its message
is published, so a broker outage loses no work and fails no one's request.

generation_request_create() commits the request and publishes
generate_drafts_task after commit through request_publish(). With the broker
down (Redis stopped, restarting, unreachable) the publish fails: the error is
logged, the person's request still succeeds, and the request stays queued with
no message. A Redis restart without persistence loses published messages the
same way. generation_requests_publish_stranded(), run by beat every
GENERATION_OUTBOX_AFTER seconds, publishes again each request still queued
that long after it was created.

A request that did have a message (a long queue behind a busy GPU) gets another
one per run while it waits; the claim makes every extra message a no-op (the
first finds the request done, or running under another task id), so the cost
is one cheap claim per extra message.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.queueing import publish
from generation.models import GenerationRequest

logger = logging.getLogger(__name__)

# Requests published again per run, oldest first; a longer backlog takes more
# runs, and one run never floods a broker that has just come back.
REPUBLISH_BATCH = 500


def request_publish(request_id: int) -> bool:
    """Publish the GPU task for a queued request; False (logged) if the broker refused."""
    return publish("generation.tasks.generate_drafts_task", request_id)


def generation_requests_publish_stranded() -> dict[str, int]:
    """Publish again the requests queued longer than GENERATION_OUTBOX_AFTER seconds."""
    cutoff = timezone.now() - timedelta(seconds=settings.GENERATION_OUTBOX_AFTER)
    stranded = list(
        GenerationRequest.objects.filter(status=GenerationRequest.Status.QUEUED, created_at__lt=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:REPUBLISH_BATCH]
    )
    published = 0
    for request_id in stranded:
        if not request_publish(request_id):
            break  # the broker is still down: the next run tries again
        published += 1
    if stranded:
        logger.info("Outbox: %s of %s stranded generation requests published", published, len(stranded))
    return {"stranded": len(stranded), "published": published}
