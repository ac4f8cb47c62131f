from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.exceptions import Throttled
from core.throttles import parse_rate, throttle_hit, throttle_request


@pytest.mark.parametrize(("rate", "expected"), [("10/h", (10, 3600)), ("5/15m", (5, 900)), ("1/s", (1, 1))])
def test_rates_parse_into_count_and_seconds(rate, expected):
    assert parse_rate(rate) == expected


def test_hits_over_the_limit_are_refused_with_the_wait(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "vote": "3/h"}
    for _ in range(3):
        throttle_hit(scope="vote", idents=["user:1"])

    with pytest.raises(Throttled) as excinfo:
        throttle_hit(scope="vote", idents=["user:1"])

    assert 0 < excinfo.value.wait_seconds <= 3600
    throttle_hit(scope="vote", idents=["user:2"])  # others are not affected


def test_one_ip_is_limited_across_accounts(settings, rf: RequestFactory, user, other_user):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "submit": "2/h"}

    def post_as(u):
        request = rf.post("/", REMOTE_ADDR="203.0.113.7")
        request.user = u
        throttle_request(request, "submit")

    post_as(user)
    post_as(other_user)
    with pytest.raises(Throttled):
        post_as(user)
