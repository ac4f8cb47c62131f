"""Assertions shared by the API tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

from accounts import tokens
from campaigns.models import Campaign, Idea
from tests.factories import UserFactory


def token_client(user: Any) -> APIClient:
    """A client that authenticates as `user` with a real API token (None: anonymous)."""
    client = APIClient()
    if user is not None:
        _, key = tokens.api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is `status` with the one error shape; returns its "error"."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in error["fields"].values())
    if code is not None:
        assert error["code"] == code, error
    return error


def published_ideas_create(
    campaign: Campaign, count: int, values: Callable[[int], dict[str, Any]] = lambda i: {}
) -> None:
    """`count` published ideas of one author, in a few queries however many;
    `values(i)` sets the i-th's ranking fields (vote_count, score, created_at)."""
    author = UserFactory()
    Idea.objects.bulk_create(
        (
            Idea(
                campaign=campaign,
                author=author,
                title=f"Idea number {i}",
                body="A hip-belt pocket big enough for a phone.",
                status=Idea.Status.PUBLISHED,
                **values(i),
            )
            for i in range(count)
        ),
        batch_size=2_000,
    )
