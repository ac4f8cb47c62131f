"""Signing and sending one webhook request to a checked address.

The connection goes to the very address the guard checked (Host header and
TLS SNI still name the host). Redirects are not followed; replies are read up
to a byte cap and within a deadline (Fider's unbounded-body DoS).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time

from django.conf import settings
from django.utils.translation import gettext as _

from webhooks.guard import WebhookTarget

# Bytes per read of a reply, so the deadline is checked while a slow server drips.
_READ_CHUNK = 512


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


def post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
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
