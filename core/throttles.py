"""Fixed-window rate limits on Django's cache (Redis in production, local memory
on a laptop), per user and per IP. Used by site views; the API's DRF throttles
read the same THROTTLE_RATES."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.exceptions import Throttled

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600); '5/15m' -> (5, 900)."""
    count, _, period = rate.partition("/")
    unit = period[-1]
    multiplier = int(period[:-1] or 1)
    return int(count), multiplier * _PERIODS[unit]


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted
    # proxy rewrites REMOTE_ADDR (gunicorn --forwarded-allow-ips does).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttle_hit(*, scope: str, idents: list[str]) -> None:
    """Count one hit for each identity; raise Throttled if any is over its limit."""
    limit, period = parse_rate(settings.THROTTLE_RATES[scope])
    now = int(time.time())
    window = now // period
    wait = period - now % period
    for ident in idents:
        key = f"throttle:{scope}:{ident}:{window}"
        # add() creates the counter with a TTL only if absent; incr() is atomic
        # on Redis and under the local-memory cache's lock.
        cache.add(key, 0, timeout=period + 1)
        try:
            hits = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            hits = 1
        if hits > limit:
            raise Throttled(wait_seconds=wait)


def throttle_request(request: HttpRequest, scope: str, *, extra: str = "") -> None:
    idents = [f"ip:{client_ip(request)}"]
    if request.user.is_authenticated:
        idents.append(f"user:{request.user.pk}")
    if extra:
        idents.append(extra)
    throttle_hit(scope=scope, idents=idents)
