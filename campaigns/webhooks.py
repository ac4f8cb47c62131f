"""Webhooks: signed POSTs of lifecycle events to the URLs a brand registered.

`webhooks_emit` writes one WebhookDelivery per matching endpoint and enqueues
`deliver_webhook_task` after commit; the task calls `webhook_deliver`, which
makes one attempt and logs it on the row. Retries back off exponentially and
stop after settings.WEBHOOK_MAX_ATTEMPTS.

Security (Fider's SSRF advisory GHSA-g445-xwm7-594r and its unbounded-body
DoS): a URL must be http(s) and every address its host resolves to must be
public. That is checked when the endpoint is saved and again at each attempt,
because DNS can change in between, and the connection goes to the very address
that was checked (Host header and TLS SNI still name the host). Redirects are
not followed; replies are read up to a byte cap and within a deadline.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.queueing import publish, publish_after_commit

from .models import (
    WEBHOOK_ERROR_MAX,
    WEBHOOK_RESPONSE_EXCERPT_MAX,
    Idea,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from generation.models import Draft, GenerationRequest

SIGNATURE_HEADER = "X-Cocreate-Signature"
EVENT_HEADER = "X-Cocreate-Event"
DELIVERY_HEADER = "X-Cocreate-Delivery"
TIMESTAMP_HEADER = "X-Cocreate-Timestamp"
USER_AGENT = "cocreate-webhooks/1"
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Bytes per read of a reply, so the deadline is checked while a slow server drips.
_READ_CHUNK = 512
# Stranded deliveries published again per sweep, so a broker just back is not flooded.
STRANDED_BATCH = 500


class WebhookUrlRefused(Exception):
    """The URL may not be called: wrong scheme, no host, or a non-public address."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class WebhookTarget:
    """A checked URL: where to connect (ip) and what to ask for (host, path)."""

    scheme: str
    host: str
    port: int
    path: str
    ip: str


@dataclass(frozen=True)
class AttemptOutcome:
    attempts: int
    retry: bool


# --- the SSRF guard ---------------------------------------------------------------


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    # An IPv6 address can carry an IPv4 one (::ffff:127.0.0.1, 6to4 2002::/16):
    # judge the IPv4 address it reaches.
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def webhook_url_check(url: str) -> WebhookTarget:
    """Parse and resolve `url`; refuse it unless every address is public
    (or settings.WEBHOOKS_ALLOW_PRIVATE is on, for tests and local receivers)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlRefused(_("This is not a valid URL.")) from exc
    if parts.scheme not in _DEFAULT_PORTS:
        raise WebhookUrlRefused(_("Webhook URLs must start with http:// or https://."))
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlRefused(_("Webhook URLs may not contain a user name or password."))
    host = parts.hostname
    if not host:
        raise WebhookUrlRefused(_("Webhook URLs need a host name."))
    port = port or _DEFAULT_PORTS[parts.scheme]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookUrlRefused(_("The host name could not be resolved.")) from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise WebhookUrlRefused(_("The host name could not be resolved."))
    if not settings.WEBHOOKS_ALLOW_PRIVATE and not all(_address_is_public(a) for a in addresses):
        raise WebhookUrlRefused(
            _("Webhook URLs must point to a public address, not a private, local or reserved one.")
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return WebhookTarget(scheme=parts.scheme, host=host, port=port, path=path, ip=addresses[0])


# --- signing and sending ------------------------------------------------------------


def webhook_signature(secret: str, body: bytes) -> str:
    """The X-Cocreate-Signature value: receivers recompute it over the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, not to whatever the host resolves to now."""

    def __init__(self, target: WebhookTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: WebhookTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._ip = target.ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        # SNI and certificate checks use the host name, as a browser would.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST once; return the status and at most WEBHOOK_RESPONSE_MAX_BYTES of the reply."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        cap = settings.WEBHOOK_RESPONSE_MAX_BYTES
        received = b""
        while len(received) < cap:
            chunk = response.read(min(_READ_CHUNK, cap - len(received)))
            if not chunk:
                break
            received += chunk
            if time.monotonic() > deadline:
                raise TimeoutError(_("The receiver took too long to answer."))
        return response.status, received
    finally:
        # Closing drops whatever the receiver still wanted to send.
        connection.close()


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
        status, excerpt = _post(target, body, headers)
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
    # The task module imports this one.
    from .tasks import deliver_webhook_task

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
        publish_after_commit(deliver_webhook_task, delivery.pk)
    return deliveries


def webhooks_publish_stranded() -> int:
    """Publish again the deliveries never attempted WEBHOOK_STRANDED_AFTER
    seconds after they were queued (their message was lost or never sent:
    the broker was down). A delivery whose first message is merely late gets
    a second one; the row makes the extra attempt a no-op once delivered, and
    receivers deduplicate on X-Cocreate-Delivery."""
    from .tasks import deliver_webhook_task

    cutoff = timezone.now() - timedelta(seconds=settings.WEBHOOK_STRANDED_AFTER)
    stranded = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempts=0, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:STRANDED_BATCH]
    published = 0
    for delivery_id in stranded:
        if not publish(deliver_webhook_task, delivery_id):
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


def draft_payload(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "campaign": draft.campaign.slug,
        "request": draft.request_id,
        "kind": draft.kind,
        "status": draft.status,
        "version": draft.version,
        "findings": len(draft.findings),
        "created_at": draft.created_at.isoformat(),
        "published_at": draft.published_at.isoformat() if draft.published_at else None,
    }


def webhooks_emit_draft(draft: Draft, event: str) -> None:
    """draft.pending_review (a draft was written) or draft.published."""
    webhooks_emit(brand_id=draft.campaign.brand_id, event=event, payload=draft_payload(draft))


def webhooks_emit_generation_failed(request: GenerationRequest) -> None:
    webhooks_emit(
        brand_id=request.campaign.brand_id,
        event=WebhookEvent.GENERATION_FAILED,
        payload={
            "id": request.pk,
            "campaign": request.campaign.slug,
            "kind": request.kind,
            "error": request.error,
            "created_at": request.created_at.isoformat(),
        },
    )
