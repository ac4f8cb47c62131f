"""Webhooks: signed POSTs of lifecycle events to the URLs a brand registered.

`webhooks_emit` writes one WebhookDelivery per matching endpoint and enqueues
`deliver_webhook_task` after commit; the task calls `webhook_deliver`, which
makes one attempt and logs it on the row. Retries back off exponentially and
stop after settings.WEBHOOK_MAX_ATTEMPTS.

The URL guard is webhooks/guard.py; signing and the request itself are
webhooks/transport.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import BrandMembership, Idea
from core import events as core_events
from core.queueing import publish, publish_after_commit
from webhooks.guard import WebhookUrlRefused, webhook_url_check
from webhooks.models import (
    WEBHOOK_DISABLED_REASON_MAX,
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
# Notification.kind of the message that an endpoint was turned off.
WEBHOOK_DISABLED_NOTICE = "webhook_disabled"
# Stranded deliveries published again per sweep, so a broker just back is not flooded.
STRANDED_BATCH = 500


@dataclass(frozen=True)
class AttemptOutcome:
    attempts: int
    retry: bool
    # Seconds until the retry is due (the row's retry_at), when there is one.
    countdown: int = 0


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


def _interrupted_error() -> str:
    return _("The attempt was interrupted before it finished (time limit or worker lost).")


def _abandoned_before() -> datetime:
    """An attempt in flight since before this has no worker any more: the
    task's hard time limit has passed, and the sweep's interval on top."""
    return timezone.now() - timedelta(
        seconds=settings.WEBHOOK_TASK_TIME_LIMIT + settings.WEBHOOK_STRANDED_AFTER
    )


def _locked(delivery_id: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )


def _attempt_begin(delivery_id: int) -> WebhookDelivery | None:
    """Count and log an attempt before anything is sent, so however it ends
    (an answer, an error, a time limit, a killed worker) it is on the row.
    None when there is nothing to attempt: the delivery is gone, finished, or
    another worker's attempt is in flight."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None
        if delivery.attempt_started_at is not None:
            if delivery.attempt_started_at >= _abandoned_before():
                return None
            _attempt_end(delivery, response_status=None, excerpt=b"", error=_interrupted_error(), final=False)
            if delivery.status != WebhookDelivery.Status.PENDING:
                return None
        now = timezone.now()
        delivery.attempts += 1
        delivery.attempt_started_at = now
        delivery.retry_at = None
        # Written as interrupted until the outcome replaces it.
        delivery.attempt_log = [
            *delivery.attempt_log,
            {
                "attempt": delivery.attempts,
                "at": now.isoformat(),
                "response_status": None,
                "error": _interrupted_error(),
            },
        ]
        delivery.save(update_fields=["attempts", "attempt_started_at", "retry_at", "attempt_log"])
        return delivery


def _attempt_end(
    delivery: WebhookDelivery, *, response_status: int | None, excerpt: bytes, error: str, final: bool
) -> AttemptOutcome:
    """Write the outcome of the attempt in flight (the caller holds the row's lock)."""
    now = timezone.now()
    countdown = 0
    delivery.response_status = response_status
    delivery.response_body_excerpt = excerpt.decode("utf-8", "replace")[:WEBHOOK_RESPONSE_EXCERPT_MAX]
    delivery.error = error[:WEBHOOK_ERROR_MAX]
    delivery.attempt_log = [
        *delivery.attempt_log[:-1],
        {
            "attempt": delivery.attempts,
            "at": delivery.attempt_log[-1]["at"] if delivery.attempt_log else now.isoformat(),
            "response_status": response_status,
            "error": delivery.error,
        },
    ]
    delivery.attempt_started_at = None
    out_of_attempts = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    if not error:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.SUCCESS, now
    elif final or out_of_attempts:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        countdown = retry_countdown(delivery.attempts)
        delivery.retry_at = now + timedelta(seconds=countdown)
    delivery.save(
        update_fields=[
            "response_status",
            "response_body_excerpt",
            "error",
            "attempt_log",
            "attempt_started_at",
            "retry_at",
            "status",
            "delivered_at",
        ]
    )
    if delivery.status == WebhookDelivery.Status.SUCCESS:
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
    elif delivery.status == WebhookDelivery.Status.FAILED:
        _endpoint_delivery_failed(endpoint_id=delivery.endpoint_id, error=delivery.error)
    return AttemptOutcome(
        attempts=delivery.attempts,
        retry=delivery.status == WebhookDelivery.Status.PENDING,
        countdown=countdown,
    )


def _attempt_record(
    delivery_id: int, *, attempt: int, response_status: int | None, excerpt: bytes, error: str, final: bool
) -> AttemptOutcome:
    """Write attempt number `attempt`'s outcome unless the sweep already
    closed it (this worker was presumed dead)."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None or delivery.attempt_started_at is None or delivery.attempts != attempt:
            return AttemptOutcome(attempts=delivery.attempts if delivery else 0, retry=False)
        return _attempt_end(
            delivery, response_status=response_status, excerpt=excerpt, error=error, final=final
        )


def webhook_attempt_interrupted(*, delivery_id: int) -> AttemptOutcome:
    """Close the attempt in flight as interrupted (the task calls this when
    Celery's soft time limit cuts it short), so it counts and is retried."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None or delivery.attempt_started_at is None:
            return AttemptOutcome(attempts=delivery.attempts if delivery else 0, retry=False)
        return _attempt_end(
            delivery, response_status=None, excerpt=b"", error=_interrupted_error(), final=False
        )


def _send(delivery: WebhookDelivery) -> tuple[int | None, bytes, str, bool]:
    """One request: (response status, reply excerpt, error or "", final)."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return None, b"", _("The endpoint is disabled."), True
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
        return None, b"", exc.message, exc.__cause__ is None
    try:
        status, excerpt = post(target, body, headers)
    except Exception as exc:  # noqa: BLE001 - every way an attempt ends is logged and retried
        # Timeouts, refused connections, TLS and protocol errors, and Celery's
        # SoftTimeLimitExceeded raised wherever the worker happened to be.
        return None, b"", f"{type(exc).__name__}: {exc}", False
    if 200 <= status < 300:
        return status, excerpt, "", False
    if 300 <= status < 400:
        return status, excerpt, _("Redirects are not followed; register the final URL."), False
    return status, excerpt, _("The receiver answered HTTP %(status)s.") % {"status": status}, False


def webhook_deliver(*, delivery_id: int) -> AttemptOutcome:
    """Make one attempt at a pending delivery and log it on the row.

    Safe to call again for the same delivery (a redelivered task): once it
    has succeeded or failed for good, or while another attempt is in flight,
    nothing is sent. Receivers deduplicate on X-Cocreate-Delivery, since a
    crash after sending resends (at least once).
    """
    delivery = _attempt_begin(delivery_id)
    if delivery is None:
        return AttemptOutcome(attempts=0, retry=False)
    response_status, excerpt, error, final = _send(delivery)
    return _attempt_record(
        delivery_id,
        attempt=delivery.attempts,
        response_status=response_status,
        excerpt=excerpt,
        error=error,
        final=final,
    )


# --- failing endpoints ------------------------------------------------------------------


def _endpoint_delivery_failed(*, endpoint_id: int, error: str) -> None:
    """Count a delivery that failed for good; past the limit, turn the
    endpoint off, say why, and tell the brand (webhooks/events.py)."""
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return  # already off: its queued deliveries fail without counting
    endpoint.consecutive_failures += 1
    if endpoint.consecutive_failures < settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        endpoint.save(update_fields=["consecutive_failures"])
        return
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = (
        _("Disabled after %(count)s deliveries in a row failed. The last error: %(error)s")
        % {"count": endpoint.consecutive_failures, "error": error}
    )[:WEBHOOK_DISABLED_REASON_MAX]
    endpoint.save(update_fields=["consecutive_failures", "is_active", "disabled_at", "disabled_reason"])
    _tell_owners(endpoint)


def _tell_owners(endpoint: WebhookEndpoint) -> None:
    """The brand's owners (all its members if it has none) hear it in the
    app and by e-mail, through core's person_told event, which the
    notifications app answers (a sibling: neither imports the other)."""
    members = BrandMembership.objects.filter(brand_id=endpoint.brand_id)
    owners = members.filter(role=BrandMembership.Role.OWNER)
    message = _("The webhook endpoint %(url)s was turned off. %(reason)s") % {
        "url": endpoint.url,
        "reason": endpoint.disabled_reason,
    }
    url = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    for user_id in (owners if owners.exists() else members).values_list("user_id", flat=True):
        core_events.person_told.emit(
            user_id=user_id,
            kind=WEBHOOK_DISABLED_NOTICE,
            idea=None,
            comment=None,
            message=message,
            url=url,
            email=True,
        )


@transaction.atomic
def webhook_endpoint_enable(*, endpoint_id: int) -> None:
    """Turn an endpoint back on with a fresh count of failures (the admin's
    action, and its form when "active" is ticked again)."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        is_active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
    )


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
    """Publish again the deliveries whose message is lost, and close attempts
    whose worker is gone.

    Lost: never attempted WEBHOOK_STRANDED_AFTER seconds after being queued
    (the broker was down), or a retry due that long ago (its countdown
    message was lost). An attempt in flight past the task's hard time limit
    is closed as interrupted, which counts it and may end the delivery.
    Deliveries with an attempt in flight, and finished ones, are never
    published: the row makes an extra message a no-op, and receivers
    deduplicate on X-Cocreate-Delivery."""
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
    abandoned = pending.filter(attempt_started_at__lt=_abandoned_before()).values_list("pk", flat=True)
    # Closed as interrupted, a delivery with attempts left is due at once: its
    # worker has been gone longer than any backoff.
    due = [pk for pk in list(abandoned[:STRANDED_BATCH]) if webhook_attempt_interrupted(delivery_id=pk).retry]
    cutoff = timezone.now() - timedelta(seconds=settings.WEBHOOK_STRANDED_AFTER)
    stranded = (
        pending.filter(attempt_started_at__isnull=True)
        .filter(Q(attempts=0, created_at__lt=cutoff) | Q(retry_at__lt=cutoff))
        .values_list("pk", flat=True)[:STRANDED_BATCH]
    )
    published = 0
    for delivery_id in [*due, *stranded]:
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
