"""List endpoints cost the same number of queries for 1 row as for 50 (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from campaigns import services
from campaigns.models import Campaign
from generation.models import Draft
from tests.factories import CampaignFactory, CommentFactory, IdeaFactory, NotificationFactory, UserFactory
from tests.generation.factories import DraftFactory, DraftSourceFactory, GenerationRequestFactory

MANY = 50


def _queries(client: APIClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _compare(user, path: str, add: Callable[[int], None]) -> tuple[int, int]:
    client = _client(user)
    add(1)
    one = _queries(client, path)
    add(MANY - 1)
    return one, _queries(client, path)


def test_ideas(user, campaign):
    def add(n: int) -> None:
        for idea in IdeaFactory.create_batch(n, campaign=campaign):
            services.vote_cast(idea=idea, user=user)

    one, many = _compare(user, f"/api/v1/ideas/?campaign={campaign.slug}&sort=top", add)

    assert one == many


def test_campaigns(user, brand):
    def add(n: int) -> None:
        CampaignFactory.create_batch(n, brand=brand, phase=Campaign.Phase.VOTING)

    one, many = _compare(user, "/api/v1/campaigns/", add)

    assert one == many


@pytest.mark.parametrize("nested", [False, True], ids=["flat", "threaded"])
def test_comments(user, idea, nested):
    def add(n: int) -> None:
        parent = None
        for _ in range(n):
            comment = services.comment_add(idea=idea, author=UserFactory(), body="Agreed.", parent=parent)
            parent = comment if nested else None

    one, many = _compare(user, f"/api/v1/ideas/{idea.pk}/comments/", add)

    assert one == many


def test_notifications(user, idea):
    def add(n: int) -> None:
        NotificationFactory.create_batch(n, user=user, idea=idea)

    one, many = _compare(user, "/api/v1/notifications/", add)

    assert one == many


def test_my_contributions(user, idea):
    def add(n: int) -> None:
        for new in IdeaFactory.create_batch(n, campaign=idea.campaign, author=user):
            services.comment_add(idea=new, author=user, body="My own note.")
            services.vote_cast(idea=new, user=user)

    one, many = _compare(user, "/api/v1/me/contributions/", add)

    assert one == many


def test_drafts(moderator, campaign):
    def add(n: int) -> None:
        for draft in DraftFactory.create_batch(n, request__campaign=campaign):
            DraftSourceFactory(draft=draft)

    one, many = _compare(moderator, "/api/v1/drafts/", add)

    assert one == many


def test_generation_requests(moderator, campaign):
    def add(n: int) -> None:
        for request in GenerationRequestFactory.create_batch(n, campaign=campaign):
            DraftFactory.create_batch(2, request=request)

    one, many = _compare(moderator, "/api/v1/generation-requests/", add)

    assert one == many


def test_a_drafts_sources_cost_the_same_for_1_and_50(moderator, campaign):
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.PUBLISHED)

    def add(n: int) -> None:
        for _ in range(n):
            DraftSourceFactory(draft=draft)
            DraftSourceFactory(draft=draft, idea=None, comment=CommentFactory(idea__campaign=campaign))

    one, many = _compare(moderator, f"/api/v1/drafts/{draft.pk}/", add)

    assert one == many
