"""Per-action API throttles: the site's THROTTLE_RATES, per user and per IP."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error_shape, token_client
from tests.factories import IdeaFactory, UserFactory


def _rates(settings, **rates: str) -> None:
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, **rates}


def test_votes_over_the_rate_are_429_with_retry_after(settings, user, campaign):
    _rates(settings, vote="2/d")
    client = token_client(user)
    first, second, third = IdeaFactory.create_batch(3, campaign=campaign)
    for idea in (first, second):
        assert client.post(f"/api/v1/ideas/{idea.pk}/vote/").status_code == 201

    response = client.post(f"/api/v1/ideas/{third.pk}/vote/")

    assert_error_shape(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 86400
    assert not third.votes.exists()


def test_the_sites_minute_multiples_are_understood(settings, user, campaign):
    _rates(settings, submit="1/15m")
    client = token_client(user)
    body = {"campaign": campaign.slug, "title": "Reflective straps", "body": "Seen at night."}
    assert client.post("/api/v1/ideas/", body, format="json").status_code == 201

    response = client.post("/api/v1/ideas/", body, format="json")

    assert_error_shape(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 15 * 60


def test_one_address_is_limited_across_accounts(settings, idea):
    _rates(settings, report="1/d")
    first, second = token_client(UserFactory()), token_client(UserFactory())
    body = {"idea": idea.pk, "reason": "spam"}
    assert first.post("/api/v1/reports/", body, format="json", REMOTE_ADDR="203.0.113.9").status_code == 201

    response = second.post("/api/v1/reports/", body, format="json", REMOTE_ADDR="203.0.113.9")

    assert_error_shape(response, 429, "throttled")


def test_one_account_is_limited_across_addresses(settings, user, idea):
    _rates(settings, comment="1/d")
    client = token_client(user)
    url = f"/api/v1/ideas/{idea.pk}/comments/"
    assert client.post(url, {"body": "First!"}, format="json", REMOTE_ADDR="203.0.113.1").status_code == 201

    response = client.post(url, {"body": "Second"}, format="json", REMOTE_ADDR="198.51.100.1")

    assert_error_shape(response, 429, "throttled")


def test_a_forwarded_for_header_does_not_buy_a_fresh_limit(settings, idea):
    _rates(settings, report="1/d")
    body = {"idea": idea.pk, "reason": "spam"}
    token_client(UserFactory()).post("/api/v1/reports/", body, format="json")

    response = token_client(UserFactory()).post(
        "/api/v1/reports/", body, format="json", HTTP_X_FORWARDED_FOR="198.51.100.77"
    )

    assert_error_shape(response, 429, "throttled")


@pytest.mark.parametrize("path", ["/api/v1/ideas/", "/api/v1/campaigns/"])
def test_reads_are_not_throttled(settings, user, path):
    _rates(settings, submit="1/d", vote="1/d", comment="1/d", report="1/d")
    client = token_client(user)

    statuses = {client.get(path).status_code for _ in range(3)}

    assert statuses == {200}
