"""The SSRF guard for webhook URLs; no model imports, so models can call it.

A URL must be http(s) and every address its host resolves to must be public
(Fider's SSRF advisory GHSA-g445-xwm7-594r). It is checked when the endpoint
is saved and again at each attempt, because DNS can change in between.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}


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
    if parts.scheme not in DEFAULT_PORTS:
        raise WebhookUrlRefused(_("Webhook URLs must start with http:// or https://."))
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlRefused(_("Webhook URLs may not contain a user name or password."))
    host = parts.hostname
    if not host:
        raise WebhookUrlRefused(_("Webhook URLs need a host name."))
    port = port or DEFAULT_PORTS[parts.scheme]
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
