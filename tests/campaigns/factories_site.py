"""Helpers for the customer-site tests (views, accounts, security)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
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
    """Autouse in every module that imports it; the suite-wide settings for
    tests live in tests/conftest.py. WhiteNoise gets no collectstatic output to
    scan (and warn about)."""
    settings.STATIC_ROOT = None
