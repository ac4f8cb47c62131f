"""Every write made with a session cookie needs the CSRF token: the site's
forms, the admin's actions and the API when a browser session (not a token)
authenticates it. A forged cross-site POST carries the cookie but not the token.

Each refused write is also checked to have changed nothing; one write per
interface is then repeated with the token, to show that the refusal comes from
the missing token and not from anything else in the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from campaigns.models import Campaign, Comment, Idea, ModerationAction, Report, Vote
from generation.models import Draft, GenerationRequest
from notifications.models import Notification
from tests.api.helpers import token_client
from tests.factories import CampaignFactory, IdeaFactory, NotificationFactory, StaffFactory, UserFactory
from tests.generation.factories import DraftFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    customer: Any
    merchant: Any
    campaign: Campaign
    idea: Idea
    pending_idea: Idea
    draft: Draft


@pytest.fixture
def world(brand) -> World:
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.IDEAS)
    customer = UserFactory()
    NotificationFactory(user=customer)
    return World(
        customer=customer,
        merchant=StaffFactory(brand=brand),
        campaign=campaign,
        idea=IdeaFactory(campaign=campaign),
        pending_idea=IdeaFactory(campaign=campaign, status=Idea.Status.PENDING),
        draft=DraftFactory(request__campaign=campaign),
    )


@dataclass(frozen=True)
class Write:
    """A session write: who makes it, where, with what, and the state it would change."""

    as_user: str  # "customer", "merchant" or "anonymous"
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    state: Callable[[World], Any]
    json: bool = False


def _idea_form(w: World) -> dict[str, Any]:
    return {"title": "A forged idea title", "body": "Posted from another site."}


def _generation_form(w: World) -> dict[str, Any]:
    return {
        "campaign": w.campaign.pk,
        "kind": "product_description",
        "tone": "friendly",
        "length": "short",
        "keywords": "",
        "language": "en",
        "variants": 1,
    }


SITE_WRITES = {
    "submit an idea": Write(
        "customer",
        lambda w: reverse("idea_submit", args=[w.campaign.slug]),
        _idea_form,
        lambda w: Idea.objects.count(),
    ),
    "vote": Write(
        "customer",
        lambda w: reverse("idea_vote", args=[w.idea.pk]),
        lambda w: {},
        lambda w: Vote.objects.count(),
    ),
    "comment": Write(
        "customer",
        lambda w: reverse("comment_add", args=[w.idea.pk]),
        lambda w: {"body": "A forged comment.", "stance": "for"},
        lambda w: Comment.objects.count(),
    ),
    "report": Write(
        "customer",
        lambda w: reverse("idea_report", args=[w.idea.pk]),
        lambda w: {"reason": "spam", "note": ""},
        lambda w: Report.objects.count(),
    ),
    "mark notifications read": Write(
        "customer",
        lambda w: reverse("notifications:mark_read"),
        lambda w: {},
        lambda w: Notification.objects.filter(read_at__isnull=True).count(),
    ),
    "delete the account": Write(
        "customer",
        lambda w: reverse("account_delete"),
        lambda w: {"password": "correct-horse-battery"},
        lambda w: get_user_model().objects.get(pk=w.customer.pk).is_active,
    ),
    "sign up": Write(
        "anonymous",
        lambda w: reverse("signup"),
        lambda w: {
            "username": "forged",
            "email": "forged@example.com",
            "password1": "a-long-forged-passphrase",
            "password2": "a-long-forged-passphrase",
        },
        lambda w: get_user_model().objects.count(),
    ),
}

ADMIN_WRITES = {
    "approve drafts (changelist action)": Write(
        "merchant",
        lambda w: reverse("admin:generation_draft_changelist"),
        lambda w: {"action": "approve_selected", ACTION_CHECKBOX_NAME: [w.draft.pk]},
        lambda w: Draft.objects.get(pk=w.draft.pk).status,
    ),
    "approve a draft (button)": Write(
        "merchant",
        lambda w: reverse("admin:generation_draft_approve", args=[w.draft.pk]),
        lambda w: {},
        lambda w: Draft.objects.get(pk=w.draft.pk).status,
    ),
    "moderate from the queue": Write(
        "merchant",
        lambda w: reverse("admin:campaigns_idea_queue"),
        lambda w: {"action": "approve", "items": [f"idea-{w.pending_idea.pk}"]},
        lambda w: (Idea.objects.get(pk=w.pending_idea.pk).status, ModerationAction.objects.count()),
    ),
    "queue a generation": Write(
        "merchant",
        lambda w: reverse("admin:generation_generationrequest_add"),
        _generation_form,
        lambda w: GenerationRequest.objects.count(),
    ),
}

API_WRITES = {
    "vote": Write(
        "customer",
        lambda w: f"/api/v1/ideas/{w.idea.pk}/vote/",
        lambda w: {},
        lambda w: Vote.objects.count(),
        json=True,
    ),
    "submit an idea": Write(
        "customer",
        lambda w: "/api/v1/ideas/",
        lambda w: {"campaign": w.campaign.slug, **_idea_form(w)},
        lambda w: Idea.objects.count(),
        json=True,
    ),
    "queue a generation": Write(
        "merchant",
        lambda w: "/api/v1/generation-requests/",
        lambda w: {"campaign": w.campaign.slug, "kind": "product_description"},
        lambda w: GenerationRequest.objects.count(),
        json=True,
    ),
}


def _client(world: World, write: Write) -> Client:
    client = Client(enforce_csrf_checks=True)
    if write.as_user != "anonymous":
        client.force_login(getattr(world, write.as_user))
    return client


def _post(client: Client, world: World, write: Write, **extra: Any) -> Any:
    if write.json:
        return client.post(write.url(world), write.data(world), content_type="application/json", **extra)
    return client.post(write.url(world), write.data(world), **extra)


def _with_token(client: Client, world: World, write: Write) -> Any:
    """The same write as the site's own pages make it: the token from the cookie."""
    client.get(reverse("home"))  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    if write.json:
        return _post(client, world, write, HTTP_X_CSRFTOKEN=token)
    return client.post(write.url(world), {**write.data(world), "csrfmiddlewaretoken": token})


ALL_WRITES = [
    *[pytest.param(w, id=f"site: {name}") for name, w in SITE_WRITES.items()],
    *[pytest.param(w, id=f"admin: {name}") for name, w in ADMIN_WRITES.items()],
    *[pytest.param(w, id=f"api session: {name}") for name, w in API_WRITES.items()],
]


@pytest.mark.parametrize("write", ALL_WRITES)
def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(world, write):
    client = _client(world, write)
    before = write.state(world)

    response = _post(client, world, write)

    assert response.status_code == 403
    assert write.state(world) == before


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(SITE_WRITES["vote"], id="site: vote"),
        pytest.param(ADMIN_WRITES["approve drafts (changelist action)"], id="admin: approve drafts"),
        pytest.param(API_WRITES["vote"], id="api session: vote"),
    ],
)
def test_the_same_write_with_the_csrf_token_goes_through(world, write):
    client = _client(world, write)
    before = write.state(world)

    response = _with_token(client, world, write)

    assert response.status_code in (200, 201, 302)
    assert write.state(world) != before


def test_an_api_token_write_needs_no_csrf_token(world):
    response = token_client(world.customer).post(f"/api/v1/ideas/{world.idea.pk}/vote/")

    assert response.status_code == 201
    assert Vote.objects.filter(user=world.customer).count() == 1
