"""Webhooks: signed POSTs of lifecycle events to the URLs a brand registered.

`webhooks_emit` writes one WebhookDelivery per matching endpoint and enqueues
`deliver_webhook_task` after commit; the task calls `webhook_deliver`, which
makes one attempt and logs it on the row. Retries back off exponentially and
stop after settings.WEBHOOK_MAX_ATTEMPTS.

The URL guard is webhooks/guard.py; signing and the request itself are
webhooks/transport.py.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Idea
from core.queueing import publish, publish_after_commit
from webhooks.guard import WebhookUrlRefused, webhook_url_check
from webhooks.models import (
    WEBHOOK_ERROR_MAX,
    WEBHOOK_RESPONSE_EXCERPT_MAX,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.transport import post, webhook_signature

if TYPE_CHECKING:
    from collections.abc import Iterable


SIGNATURE_HEADER = "X-Cocreate-Signature"
EVENT_HEADER = "X-Cocreate-Event"
DELIVERY_HEADER = "X-Cocreate-Delivery"
TIMESTAMP_HEADER = "X-Cocreate-Timestamp"
USER_AGENT = "cocreate-webhooks/1"
DELIVER_TASK = "webhooks.tasks.deliver_webhook_task"
# Stranded deliveries published again per sweep, so a broker just back is not flooded.
STRANDED_BATCH = 500


@dataclass(frozen=True)
class AttemptOutcome:
    attempts: int
    retry: bool


def _request_body(delivery: WebhookDelivery) -> bytes:
    document = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def retry_countdown(attempts: int) -> int:
    """Seconds before the next attempt: base · 2^(attempts-1), capped so no
    countdown outlives the broker's patience (long countdowns on Redis are
    redelivered over and over, celery#5935)."""
    return min(
        settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.WEBHOOK_BACKOFF_MAX_SECONDS,
    )


def _record_attempt(
    delivery: WebhookDelivery, *, response_status: int | None, excerpt: bytes, error: str, final: bool
) -> AttemptOutcome:
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_status = response_status
    delivery.response_body_excerpt = excerpt.decode("utf-8", "replace")[:WEBHOOK_RESPONSE_EXCERPT_MAX]
    delivery.error = error[:WEBHOOK_ERROR_MAX]
    delivery.attempt_log = [
        *delivery.attempt_log,
        {
            "attempt": delivery.attempts,
            "at": now.isoformat(),
            "response_status": response_status,
            "error": delivery.error,
        },
    ]
    out_of_attempts = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    if not error:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.SUCCESS, now
    elif final or out_of_attempts:
        delivery.status = WebhookDelivery.Status.FAILED
    delivery.save(
        update_fields=[
            "attempts",
            "response_status",
            "response_body_excerpt",
            "error",
            "attempt_log",
            "status",
            "delivered_at",
        ]
    )
    return AttemptOutcome(attempts=delivery.attempts, retry=delivery.status == WebhookDelivery.Status.PENDING)


def webhook_deliver(*, delivery_id: int) -> AttemptOutcome:
    """Make one attempt at a pending delivery and log it on the row.

    Safe to call again for the same delivery (a redelivered task): once it
    has succeeded or failed for good, nothing is sent. Receivers deduplicate on
    X-Cocreate-Delivery, since a crash after sending resends (at least once).
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return AttemptOutcome(attempts=delivery.attempts if delivery else 0, retry=False)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return _record_attempt(
            delivery, response_status=None, excerpt=b"", error=_("The endpoint is disabled."), final=True
        )
    body = _request_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(int(time.time())),
        SIGNATURE_HEADER: webhook_signature(endpoint.secret, body),
    }
    try:
        target = webhook_url_check(endpoint.url)
    except WebhookUrlRefused as exc:
        # Only a DNS failure may heal by itself; a refused address does not.
        resolvable = exc.__cause__ is not None
        return _record_attempt(
            delivery, response_status=None, excerpt=b"", error=exc.message, final=not resolvable
        )
    try:
        status, excerpt = post(target, body, headers)
    except (OSError, http.client.HTTPException) as exc:
        return _record_attempt(
            delivery, response_status=None, excerpt=b"", error=f"{type(exc).__name__}: {exc}", final=False
        )
    if 200 <= status < 300:
        error = ""
    elif 300 <= status < 400:
        error = _("Redirects are not followed; register the final URL.")
    else:
        error = _("The receiver answered HTTP %(status)s.") % {"status": status}
    return _record_attempt(delivery, response_status=status, excerpt=excerpt, error=error, final=False)


# --- emitting events -------------------------------------------------------------------


@transaction.atomic
def webhooks_emit(*, brand_id: int, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint of the brand that subscribed to it.

    The task is enqueued after commit, so a worker never looks for a delivery
    (or the object it describes) that a rolled-back transaction took away.
    """
    # Subscriptions are filtered here, not in SQL: SQLite has no JSON containment.
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(brand_id=brand_id, is_active=True)
        if event in endpoint.events
    ]
    deliveries = [
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload)
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        publish_after_commit(DELIVER_TASK, delivery.pk)
    return deliveries


def webhooks_publish_stranded() -> int:
    """Publish again the deliveries never attempted WEBHOOK_STRANDED_AFTER
    seconds after they were queued (their message was lost or never sent:
    the broker was down). A delivery whose first message is merely late gets
    a second one; the row makes the extra attempt a no-op once delivered, and
    receivers deduplicate on X-Cocreate-Delivery."""
    cutoff = timezone.now() - timedelta(seconds=settings.WEBHOOK_STRANDED_AFTER)
    stranded = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempts=0, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:STRANDED_BATCH]
    published = 0
    for delivery_id in stranded:
        if not publish(DELIVER_TASK, delivery_id):
            break  # the broker is still down: the next run tries again
        published += 1
    return published


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def idea_payload(idea: Idea) -> dict[str, Any]:
    # No personal data beyond the public user name the site shows.
    return {
        "id": idea.pk,
        "campaign": idea.campaign.slug,
        "title": idea.title,
        "status": idea.status,
        "author": idea.author.get_username(),
        "created_at": idea.created_at.isoformat(),
        "url": _site_url(idea.get_absolute_url()),
    }


def webhooks_emit_idea(idea: Idea, event: str = WebhookEvent.IDEA_CREATED) -> None:
    webhooks_emit(brand_id=idea.campaign.brand_id, event=event, payload=idea_payload(idea))


def webhooks_emit_ideas_adopted(idea_ids: Iterable[int]) -> None:
    ideas = Idea.objects.filter(pk__in=list(idea_ids)).select_related("campaign", "author")
    for idea in ideas:
        webhooks_emit_idea(idea, WebhookEvent.IDEA_ADOPTED)


# --- subscribers to the community app's events (apps.py) ---------------------------


def idea_submitted(*, idea: Idea) -> None:
    webhooks_emit_idea(idea)


def ideas_adopted(*, idea_ids: Iterable[int]) -> None:
    webhooks_emit_ideas_adopted(idea_ids)
