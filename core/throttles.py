"""Fixed-window rate limits on Django's cache (Redis in production, local memory
on a laptop), per user, per IP and per typed identity. Used by site views; the
API's DRF throttles read the same THROTTLE_RATES.

A typed identity (a login name, an e-mail address) is counted under
`identity_key`: NFKC-normalised as Django's login form normalises it, then
case-folded, so `ｃustomer` (full-width c), `Customer` and `customer` share one
counter and cannot be used to walk around the limit.
"""

from __future__ import annotations

import functools
import hashlib
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse

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


def identity_key(kind: str, typed: str) -> str:
    """The throttle identity of something a person typed to name an account:
    NFKC (what django.contrib.auth's UsernameField applies) and casefold,
    hashed because the text is the client's and becomes a cache key."""
    normalised = unicodedata.normalize("NFKC", typed).strip().casefold()
    return f"{kind}:{hashlib.sha256(normalised.encode()).hexdigest()}"


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


def form_refused(form: forms.Form, message: str) -> forms.Form:
    """Mark a bound form invalid with `message` without running its checks:
    a throttled attempt must not check the password, or the answer would leak."""
    # The stubs leave out BaseForm._errors, the cache that full_clean() fills.
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}
    form.add_error(None, forms.ValidationError(message, code="throttled"))
    return form


def throttled_response(request: HttpRequest, scope: str) -> HttpResponse | None:
    """A plain-text 429 once `request` is over the limit of `scope`, else None."""
    try:
        throttle_request(request, scope)
    except Throttled as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    return None


def throttle_signed_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that checks a signed token from its URL (an e-mailed link):
    every request, GET included, counts per IP under the "signed_link" scope,
    so no one can try tokens, or make the server check them, at full speed."""

    @functools.wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return throttled_response(request, "signed_link") or view(request, *args, **kwargs)

    return limited
