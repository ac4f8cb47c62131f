"""Per-action API throttles with the site's rates (settings.THROTTLE_RATES).

A view names the scope of each action in `throttle_scopes` ({"vote": "vote",
"create": "submit"}, or {"post": "login"} on a plain APIView); reads have no scope and are not throttled. Two classes
count each scoped request, one per user and one per client IP, so neither many
accounts behind one address nor one account on many addresses gets past the
limit. Rates use core.throttles.parse_rate, which also reads "5/15m".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from core.throttles import client_ip, parse_rate


def action_scope(view: Any) -> str | None:
    """The scope of what the view is doing: its viewset action, or for a plain
    APIView the lower-case HTTP method."""
    scopes: dict[str, str] = getattr(view, "throttle_scopes", {})
    action = getattr(view, "action", None) or getattr(getattr(view, "request", None), "method", "").lower()
    return scopes.get(action)


class _ActionRateThrottle(ScopedRateThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        scope = action_scope(view)
        if scope is None:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        # SimpleRateThrottle's sliding window, skipping ScopedRateThrottle's scope lookup.
        return super(ScopedRateThrottle, self).allow_request(request, view)

    def get_rate(self) -> str:
        if self.scope is None:
            raise ImproperlyConfigured("allow_request sets the scope before it asks for the rate")
        return settings.THROTTLE_RATES[self.scope]

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        if rate is None:
            return None, None
        return parse_rate(rate)

    def _key(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ActionUserRateThrottle(_ActionRateThrottle):
    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous writes are refused before they count
        return self._key(f"user:{request.user.pk}")


class ActionIPRateThrottle(_ActionRateThrottle):
    def get_cache_key(self, request: Request, view: Any) -> str | None:
        # Not DRF's get_ident: it trusts X-Forwarded-For, which any client can set.
        return self._key(f"ip:{client_ip(request)}")
