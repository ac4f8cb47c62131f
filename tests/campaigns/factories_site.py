"""Helpers for the customer-site tests (views, accounts, security)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse

# A throttle window of a day: a test never straddles two windows, which a
# per-minute window would do now and then (and reset the counter mid-test).
TEST_WINDOW = "d"


def messages_of(response: HttpResponse) -> list[str]:
    """The flash messages a response queued or rendered."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def throttle_rates(settings, **rates: int) -> None:
    """Override THROTTLE_RATES for the named scopes: throttle_rates(settings, vote=2)."""
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        **{scope: f"{count}/{TEST_WINDOW}" for scope, count in rates.items()},
    }


@pytest.fixture(autouse=True)
def site_settings(settings):
    """Render the site as in production, minus what a test cannot have.

    Autouse in every module that imports it. Tests speak plain HTTP (production
    settings redirect to HTTPS) and have no collectstatic manifest; a fast hasher
    keeps each factory user from costing a full PBKDF2 run. Throttle counters
    live in a cache private to this process: on a shared Redis, another xdist
    worker's cache.clear() (tests/conftest.py) would wipe them mid-test, and its
    requests from the same 127.0.0.1 would count against them.
    """
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "site-tests"}
    }
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STATIC_ROOT = None  # no collectstatic output for WhiteNoise to scan (and warn about)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
