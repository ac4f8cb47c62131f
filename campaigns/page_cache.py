"""A few seconds' cache of whole responses for anonymous visitors of a
campaign's public read pages: the campaign page and the ideas API list.

Only a GET with no Authorization header and no cookie but the CSRF and the
language ones is served from here or stored: anyone signed in (a session
cookie) or carrying messages gets their own, fresh page. The key is the full
URL (scheme, host, path, query), the active language and the Accept header.

Each entry records the campaign's version when it was rendered; every write
that changes what these pages show calls campaign_pages_changed (the services,
and the admin's campaign and brand forms), which gives the campaign a new
version once the transaction commits, so the next anonymous view renders anew.
The TTL (settings.ANON_PAGE_CACHE_SECONDS) bounds what no write announces: a
deadline passing, a row changed from a shell or a data migration.

A cached page never carries another visitor's CSRF token or cookie: tokens
are cut out when the page is stored and each visitor's own is put back when
it is served, which also sets their CSRF cookie as rendering would. Cookies
are never stored.

The versions live in the cache too: with more than one web process they
need the shared cache (REDIS_URL); with the local-memory cache, a write in
one process leaves the other processes' pages stale for up to the TTL.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from functools import partial, wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from campaigns.models import Campaign

R = TypeVar("R", bound=HttpResponseBase)

logger = logging.getLogger(__name__)

KEY_PREFIX = "anon-page"
# The value of each {% csrf_token %} input; an escaped page cannot fake the
# surrounding quotes, so only Django's own inputs match.
_CSRF_TOKEN = re.compile(rb'(?<=<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(?=">)')


def _allowed_cookies() -> frozenset[str]:
    return frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def _version_key(campaign_id: int) -> str:
    return f"{KEY_PREFIX}:version:{campaign_id}"


def _new_version(campaign_id: int) -> None:
    # No timeout: a version must outlive every page stored under it.
    cache.set(_version_key(campaign_id), secrets.token_hex(8), timeout=None)


def campaign_pages_changed(campaign_id: int) -> None:
    """Anonymous pages of this campaign are stale from the commit of the current
    transaction on (at once outside one). Never fails the write: a cache that
    does not answer leaves pages stale for at most the TTL."""
    # After commit: a page rendered before it would otherwise be stored under
    # the new version with the old rows.
    transaction.on_commit(partial(_new_version, campaign_id), robust=True)


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.ANON_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META
        and _allowed_cookies().issuperset(request.COOKIES)
    )


def _page_key(request: HttpRequest) -> str:
    parts = (request.build_absolute_uri(), get_language() or "", request.META.get("HTTP_ACCEPT", ""))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:{digest}"


def _quietly(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The cache only saves work: when it fails, the page is rendered as if
    nothing were cached (None), never answered with an error."""
    try:
        return call(*args, **kwargs)
    except Exception:  # any backend's error (Redis down, a full memcached)
        logger.warning("Anonymous page cache unavailable", exc_info=True)
        return None


def _served(request: HttpRequest, headers: list[tuple[str, str]], parts: list[bytes]) -> HttpResponse:
    body = get_token(request).encode().join(parts) if len(parts) > 1 else parts[0]
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    # Whether this page is the cached one depends on the cookies.
    patch_vary_headers(response, ("Cookie",))
    return response


# Campaign ids by slug, learnt on a miss, so that a hit reads its page and the
# campaign's version in one round trip. A slug since given to another campaign
# costs one miss: the page's own campaign id must match.
_campaign_ids: dict[str, int] = {}


def _campaign_id(slug: str) -> int | None:
    campaign_id = Campaign.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if campaign_id is not None:
        _campaign_ids[slug] = campaign_id
    return campaign_id


def _current_version(campaign_id: int) -> str | None:
    key = _version_key(campaign_id)
    cache.add(key, secrets.token_hex(8), timeout=None)
    return cache.get(key)


def _stored(key: str, campaign_id: int | None) -> tuple[list[tuple[str, str]], list[bytes]] | None:
    """Headers and body parts stored under `key`, if still current."""
    if campaign_id is None:
        return None
    version_key = _version_key(campaign_id)
    found = _quietly(cache.get_many, [key, version_key]) or {}
    entry = found.get(key)
    if entry is None or entry[:2] != (campaign_id, found.get(version_key)):
        return None
    return entry[2], entry[3]


def anonymous_page(
    request: HttpRequest, *, campaign_slug: str | None, respond: Callable[[], R]
) -> R | HttpResponse:
    """`respond()`'s response, or for an anonymous visitor the one stored for
    this URL if no write has touched the campaign since."""
    if not campaign_slug or not _cacheable(request):
        return respond()
    key = _page_key(request)
    stored = _stored(key, _campaign_ids.get(campaign_slug))
    if stored is not None:
        return _served(request, *stored)
    campaign_id = _campaign_id(campaign_slug)
    # Read before rendering: a write committed meanwhile leaves this entry stale.
    version = None if campaign_id is None else _quietly(_current_version, campaign_id)
    response = respond()
    # A streaming response (not an HttpResponse) has no content to store.
    if version is None or response.status_code != 200 or response.cookies:
        return response
    if not isinstance(response, HttpResponse):
        return response
    page: HttpResponse = response
    if isinstance(page, SimpleTemplateResponse) and not page.is_rendered:
        page.render()
    # The length is the server's to set, the cookies the middleware's.
    headers = [(name, value) for name, value in page.items() if name.lower() != "content-length"]
    is_html = page.get("Content-Type", "").startswith("text/html")
    parts = _CSRF_TOKEN.split(page.content) if is_html else [page.content]
    _quietly(cache.set, key, (campaign_id, version, headers, parts), settings.ANON_PAGE_CACHE_SECONDS)
    patch_vary_headers(page, ("Cookie",))
    return response


def cached_for_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """anonymous_page for a view of one campaign, named by its `slug` argument."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponse:
        return anonymous_page(
            request, campaign_slug=slug, respond=partial(view, request, *args, slug=slug, **kwargs)
        )

    return wrapper
