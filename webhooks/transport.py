"""Signing and sending one webhook request to a checked address.

The connection goes to the very address the guard checked (Host header and
TLS SNI still name the host). Redirects are not followed; replies are read up
to a byte cap (Fider's unbounded-body DoS).

One wall-clock deadline covers the whole attempt: connecting, the TLS
handshake, sending, the status line, the headers and the body. A socket
timeout alone restarts with every read, so a receiver dripping one byte a
second would never trip it; here every blocking call on the socket first
sets the timeout to what is left of the attempt's budget, so the attempt
ends at the deadline however the receiver paces its bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from webhooks.guard import WebhookTarget


def webhook_signature(secret: str, body: bytes) -> str:
    """The X-Cocreate-Signature value: receivers recompute it over the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Deadline:
    """A point on the monotonic clock that one attempt may not pass."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; TimeoutError once there are none (socket timeouts of
        0 would mean non-blocking, not "no time")."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(_("The receiver took too long to answer."))
        return left


class _DeadlineIO:
    """Sets the socket's timeout to the deadline's remainder before every
    blocking send or receive (http.client reads through makefile(), whose
    reads all end in recv_into)."""

    deadline: Deadline | None = None

    def _arm(self) -> None:
        if self.deadline is not None:
            self.settimeout(self.deadline.remaining())  # type: ignore[attr-defined]

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        self._arm()
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]

    def recv(self, *args: Any, **kwargs: Any) -> bytes:
        self._arm()
        return super().recv(*args, **kwargs)  # type: ignore[misc]

    def send(self, *args: Any, **kwargs: Any) -> int:
        self._arm()
        return super().send(*args, **kwargs)  # type: ignore[misc]

    def sendall(self, *args: Any, **kwargs: Any) -> None:
        # Since Python 3.5 the timeout bounds the whole sendall, not each chunk.
        self._arm()
        return super().sendall(*args, **kwargs)  # type: ignore[misc]


class _DeadlineSocket(_DeadlineIO, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineIO, ssl.SSLSocket):
    pass


def _connect(target: WebhookTarget, deadline: Deadline) -> _DeadlineSocket:
    plain = socket.create_connection((target.ip, target.port), deadline.remaining())
    sock = _DeadlineSocket(plain.family, plain.type, plain.proto, fileno=plain.detach())
    sock.deadline = deadline
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, not to whatever the host resolves to now."""

    def __init__(self, target: WebhookTarget, deadline: Deadline) -> None:
        super().__init__(target.host, target.port, timeout=deadline.remaining())
        self._target = target
        self._deadline = deadline

    def connect(self) -> None:
        self.sock = _connect(self._target, self._deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: WebhookTarget, deadline: Deadline) -> None:
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        super().__init__(target.host, target.port, timeout=deadline.remaining(), context=context)
        self._tls_context = context
        self._target = target
        self._deadline = deadline

    def connect(self) -> None:
        sock = _connect(self._target, self._deadline)
        # The handshake is one C call that keeps its own deadline from the
        # timeout it starts with: give it what is left of the attempt's.
        sock.settimeout(self._deadline.remaining())
        # SNI and certificate checks use the host name, as a browser would.
        tls = self._tls_context.wrap_socket(sock, server_hostname=self.host)
        assert isinstance(tls, _DeadlineSSLSocket)
        tls.deadline = self._deadline
        self.sock = tls


def post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST once within WEBHOOK_TIMEOUT_SECONDS in all; return the status and
    at most WEBHOOK_RESPONSE_MAX_BYTES of the reply. Raises OSError
    (TimeoutError past the deadline) or http.client.HTTPException."""
    deadline = Deadline(settings.WEBHOOK_TIMEOUT_SECONDS)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, deadline)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(settings.WEBHOOK_RESPONSE_MAX_BYTES)
    finally:
        # Closing drops whatever the receiver still wanted to send.
        connection.close()
