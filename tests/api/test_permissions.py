"""The permission matrix: every endpoint and method, as each kind of caller.

Roles: anonymous; the customer who owns the objects (author of the ideas,
recipient of the notification); another customer; a moderator of the brand; a
moderator of another brand; a superuser. Everyone authenticates with a real
API token. Objects outside a caller's scope answer 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from campaigns import services
from campaigns.models import Campaign, Idea
from generation.models import Draft, GenerationRequest
from tests.api.helpers import token_client
from tests.factories import (
    BrandFactory,
    CampaignFactory,
    IdeaFactory,
    NotificationFactory,
    StaffFactory,
    UserFactory,
)
from tests.generation.factories import DraftFactory, GenerationRequestFactory

ROLES = ("anonymous", "customer", "other_customer", "moderator", "other_moderator", "superuser")


@dataclass
class World:
    users: dict[str, Any]
    campaign: Campaign
    draft_campaign: Campaign
    idea: Idea
    pending_idea: Idea
    comment: Any
    generation_request: GenerationRequest
    drafts: dict[str, Draft]


@pytest.fixture
def world(db) -> World:
    brand, other_brand = BrandFactory(), BrandFactory()
    customer = UserFactory()
    users = {
        "anonymous": None,
        "customer": customer,
        "other_customer": UserFactory(),
        "moderator": StaffFactory(brand=brand),
        "other_moderator": StaffFactory(brand=other_brand),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    campaign = CampaignFactory(brand=brand)
    idea = IdeaFactory(campaign=campaign, author=customer)
    NotificationFactory(user=customer, idea=idea)
    comment = services.comment_add(idea=idea, author=users["other_customer"], body="Make it blue.")
    return World(
        users=users,
        campaign=campaign,
        draft_campaign=CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT),
        idea=idea,
        pending_idea=IdeaFactory(campaign=campaign, author=customer, status=Idea.Status.PENDING),
        comment=comment,
        generation_request=GenerationRequestFactory(campaign=campaign, requested_by=users["moderator"]),
        drafts={
            status: DraftFactory(request__campaign=campaign, status=status)
            for status in (Draft.Status.PENDING_REVIEW, Draft.Status.APPROVED, Draft.Status.PUBLISHED)
        },
    )


def _nothing(world: World, user: Any) -> None:
    return None


def _voted(world: World, user: Any) -> None:
    if user is not None:
        services.vote_cast(idea=world.idea, user=user)


@dataclass(frozen=True)
class Row:
    method: str
    path: Callable[[World], str]
    expected: tuple[int, int, int, int, int, int]  # in ROLES order
    body: Callable[[World], dict[str, Any]] | None = None
    arrange: Callable[[World, Any], None] = _nothing


V1 = "/api/v1"
NEW_CAMPAIGN = {
    "title": "A brand new campaign",
    "slug": "brand-new-campaign",
    "brief": "Tell us about your commute.",
    "product_name": "Commuter 20L",
}

#        anonymous, customer, other customer, moderator, other moderator, superuser
MATRIX: dict[str, Row] = {
    "list campaigns": Row("get", lambda w: f"{V1}/campaigns/", (200, 200, 200, 200, 200, 200)),
    "retrieve a public campaign": Row(
        "get", lambda w: f"{V1}/campaigns/{w.campaign.slug}/", (200, 200, 200, 200, 200, 200)
    ),
    "retrieve a draft campaign": Row(
        "get", lambda w: f"{V1}/campaigns/{w.draft_campaign.slug}/", (404, 404, 404, 200, 404, 200)
    ),
    "create a campaign": Row(
        "post",
        lambda w: f"{V1}/campaigns/",
        # Another brand's moderator may create campaigns, but not for this brand.
        (401, 403, 403, 201, 400, 201),
        body=lambda w: {**NEW_CAMPAIGN, "brand": w.campaign.brand.slug},
    ),
    "edit a campaign": Row(
        "patch",
        lambda w: f"{V1}/campaigns/{w.campaign.slug}/",
        (401, 403, 403, 200, 403, 200),
        body=lambda w: {"title": "A better campaign title"},
    ),
    "edit a draft campaign": Row(
        "patch",
        lambda w: f"{V1}/campaigns/{w.draft_campaign.slug}/",
        (401, 403, 403, 200, 404, 200),
        body=lambda w: {"title": "A better campaign title"},
    ),
    "change a campaign's phase": Row(
        "post",
        lambda w: f"{V1}/campaigns/{w.campaign.slug}/phase/",
        (401, 403, 403, 200, 403, 200),
        body=lambda w: {"phase": "voting"},
    ),
    "list ideas": Row("get", lambda w: f"{V1}/ideas/?campaign={w.campaign.slug}", (200,) * 6),
    "list pending ideas": Row("get", lambda w: f"{V1}/ideas/?status=pending", (200,) * 6),
    "retrieve a published idea": Row("get", lambda w: f"{V1}/ideas/{w.idea.pk}/", (200,) * 6),
    "retrieve a pending idea": Row(
        "get", lambda w: f"{V1}/ideas/{w.pending_idea.pk}/", (404, 200, 404, 200, 404, 200)
    ),
    "submit an idea": Row(
        "post",
        lambda w: f"{V1}/ideas/",
        (401, 201, 201, 201, 201, 201),
        body=lambda w: {"campaign": w.campaign.slug, "title": "Reflective straps", "body": "Seen at night."},
    ),
    "edit a pending idea": Row(
        "patch",
        lambda w: f"{V1}/ideas/{w.pending_idea.pk}/",
        # Only its author; staff see it but cannot put words in the author's mouth.
        (401, 200, 404, 403, 404, 403),
        body=lambda w: {"title": "A clearer title"},
    ),
    "vote": Row("post", lambda w: f"{V1}/ideas/{w.idea.pk}/vote/", (401, 201, 201, 201, 201, 201)),
    "withdraw a vote": Row(
        "delete", lambda w: f"{V1}/ideas/{w.idea.pk}/vote/", (401, 204, 204, 204, 204, 204), arrange=_voted
    ),
    "read comments": Row("get", lambda w: f"{V1}/ideas/{w.idea.pk}/comments/", (200,) * 6),
    "comment": Row(
        "post",
        lambda w: f"{V1}/ideas/{w.idea.pk}/comments/",
        (401, 201, 201, 201, 201, 201),
        body=lambda w: {"body": "Make it waterproof.", "stance": "for"},
    ),
    "moderate an idea": Row(
        "post",
        lambda w: f"{V1}/ideas/{w.idea.pk}/moderate/",
        (401, 403, 403, 200, 403, 200),
        body=lambda w: {"action": "hide", "reason": "Off-topic"},
    ),
    "moderate a comment": Row(
        "post",
        lambda w: f"{V1}/comments/{w.comment.pk}/moderate/",
        (401, 403, 403, 200, 403, 200),
        body=lambda w: {"action": "hide"},
    ),
    "report an idea": Row(
        "post",
        lambda w: f"{V1}/reports/",
        (401, 201, 201, 201, 201, 201),
        body=lambda w: {"idea": w.idea.pk, "reason": "spam"},
    ),
    "list notifications": Row("get", lambda w: f"{V1}/notifications/", (401, 200, 200, 200, 200, 200)),
    "mark notifications read": Row(
        "post", lambda w: f"{V1}/notifications/mark-read/", (401, 200, 200, 200, 200, 200), body=lambda w: {}
    ),
    "read my account": Row("get", lambda w: f"{V1}/me/", (401, 200, 200, 200, 200, 200)),
    "read my contributions": Row("get", lambda w: f"{V1}/me/contributions/", (401, 200, 200, 200, 200, 200)),
    "export my data": Row("get", lambda w: f"{V1}/me/export/", (401, 200, 200, 200, 200, 200)),
    "delete my account": Row(
        "post",
        lambda w: f"{V1}/me/delete/",
        (401, 204, 204, 204, 204, 204),
        body=lambda w: {"password": "correct-horse-battery"},
    ),
}

PENDING, APPROVED, PUBLISHED = Draft.Status.PENDING_REVIEW, Draft.Status.APPROVED, Draft.Status.PUBLISHED
MATRIX |= {
    "ask for drafts": Row(
        "post",
        lambda w: f"{V1}/generation-requests/",
        # Another brand's staff may generate, but not for this brand's campaign.
        (401, 403, 403, 201, 400, 201),
        body=lambda w: {"campaign": w.campaign.slug, "kind": "product_description"},
    ),
    "list generation requests": Row(
        "get", lambda w: f"{V1}/generation-requests/", (401, 403, 403, 200, 200, 200)
    ),
    "retrieve a generation request": Row(
        "get",
        lambda w: f"{V1}/generation-requests/{w.generation_request.pk}/",
        (401, 403, 403, 200, 404, 200),
    ),
    "list drafts": Row("get", lambda w: f"{V1}/drafts/", (200,) * 6),
    "retrieve a published draft": Row("get", lambda w: f"{V1}/drafts/{w.drafts[PUBLISHED].pk}/", (200,) * 6),
    "retrieve a draft under review": Row(
        "get", lambda w: f"{V1}/drafts/{w.drafts[PENDING].pk}/", (404, 404, 404, 200, 404, 200)
    ),
    "approve a draft": Row(
        "post", lambda w: f"{V1}/drafts/{w.drafts[PENDING].pk}/approve/", (401, 404, 404, 200, 404, 200)
    ),
    "approve a published draft": Row(
        # Visible to all, so refused (403) rather than hidden; staff hit the status table (409).
        "post",
        lambda w: f"{V1}/drafts/{w.drafts[PUBLISHED].pk}/approve/",
        (401, 403, 403, 409, 403, 409),
    ),
    "reject a draft": Row(
        "post",
        lambda w: f"{V1}/drafts/{w.drafts[PENDING].pk}/reject/",
        (401, 404, 404, 200, 404, 200),
        body=lambda w: {"reason": "Claims we cannot back up."},
    ),
    "edit a draft": Row(
        "post",
        lambda w: f"{V1}/drafts/{w.drafts[PENDING].pk}/edit/",
        (401, 404, 404, 201, 404, 201),
        body=lambda w: {"text": "A lighter backpack with a phone pocket."},
    ),
    "publish a draft": Row(
        "post", lambda w: f"{V1}/drafts/{w.drafts[APPROVED].pk}/publish/", (401, 404, 404, 200, 404, 200)
    ),
    "regenerate a draft": Row(
        "post", lambda w: f"{V1}/drafts/{w.drafts[PENDING].pk}/regenerate/", (401, 404, 404, 201, 404, 201)
    ),
}

CASES = [
    pytest.param(name, role, row.expected[i], id=f"{name}-{role}")
    for name, row in MATRIX.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_each_caller_gets_the_expected_status(world, name, role, expected):
    row = MATRIX[name]
    user = world.users[role]
    row.arrange(world, user)
    client = token_client(user)

    body = row.body(world) if row.body else None
    response = getattr(client, row.method)(row.path(world), body, format="json")

    assert response.status_code == expected, response.content
