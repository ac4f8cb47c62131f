"""Generation requests and the draft review over the API."""

from __future__ import annotations

from unittest import mock

import pytest

from campaigns.models import Campaign, Idea
from generation.models import Draft, GenerationRequest
from tests.api.helpers import assert_error_shape, token_client
from tests.factories import IdeaFactory, UserFactory
from tests.generation.factories import DraftFactory, DraftSourceFactory, GenerationRequestFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

V1 = "/api/v1"


@pytest.fixture
def staff(moderator):
    return token_client(moderator)


@pytest.fixture
def enqueued():
    """The GPU task's delay(), which generation services call after commit."""
    with mock.patch("generation.tasks.generate_drafts_task.delay") as delay:
        yield delay


# --- requests --------------------------------------------------------------------------


def test_a_merchant_queues_a_request_with_the_campaigns_defaults(
    staff, moderator, campaign, enqueued, django_capture_on_commit_callbacks
):
    campaign.tone, campaign.locale = Campaign.Tone.PLAYFUL, Campaign.Locale.ZH_HANS
    campaign.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"{V1}/generation-requests/",
            {"campaign": campaign.slug, "kind": "user_story", "keywords": ["light", "dry"], "variants": 3},
            format="json",
        )

    assert response.status_code == 201, response.content
    request = GenerationRequest.objects.get(pk=response.json()["id"])
    assert (request.requested_by, request.kind, request.status) == (moderator, "user_story", "queued")
    assert request.params == {
        "tone": "playful",
        "length": "short",
        "keywords": ["light", "dry"],
        "language": "zh-hans",
        "variants": 3,
    }
    enqueued.assert_called_once_with(request.pk)


def test_the_same_idempotency_key_queues_once(staff, campaign, enqueued):
    body = {"campaign": campaign.slug, "kind": "product_description", "idempotency_key": "sync-42"}

    first = staff.post(f"{V1}/generation-requests/", body, format="json")
    second = staff.post(f"{V1}/generation-requests/", body, format="json")

    assert first.json()["id"] == second.json()["id"]
    assert GenerationRequest.objects.count() == 1


def test_too_many_variants_is_a_field_error(staff, campaign, settings):
    body = {
        "campaign": campaign.slug,
        "kind": "product_description",
        "variants": settings.GENERATION_MAX_VARIANTS + 1,
    }

    error = assert_error_shape(staff.post(f"{V1}/generation-requests/", body, format="json"), 400, "invalid")

    assert list(error["fields"]) == ["variants"]


def test_past_the_open_request_quota_is_429(staff, moderator, campaign, settings, enqueued):
    settings.GENERATION_MAX_OPEN_PER_USER = 1
    GenerationRequestFactory(campaign=campaign, requested_by=moderator)

    response = staff.post(
        f"{V1}/generation-requests/",
        {"campaign": campaign.slug, "kind": "product_description"},
        format="json",
    )

    assert_error_shape(response, 429, "generation_quota")


def test_the_status_of_a_request_lists_its_drafts(staff, campaign):
    draft = DraftFactory(request__campaign=campaign)

    body = staff.get(f"{V1}/generation-requests/{draft.request_id}/").json()

    assert (body["status"], body["drafts"]) == ("done", [draft.pk])


# --- drafts ------------------------------------------------------------------------------


def test_customers_see_published_drafts_only(user, campaign):
    published = DraftFactory(request__campaign=campaign, status=Draft.Status.PUBLISHED)
    DraftFactory(request__campaign=campaign)

    rows = token_client(user).get(f"{V1}/drafts/").json()["results"]

    assert [row["id"] for row in rows] == [published.pk]


def test_staff_see_their_brands_review_queue(staff, campaign, other_brand):
    pending = DraftFactory(request__campaign=campaign)
    DraftFactory(request__campaign__brand=other_brand)

    rows = staff.get(f"{V1}/drafts/?status=pending_review").json()["results"]

    assert [row["id"] for row in rows] == [pending.pk]


def test_reviewers_get_sources_and_findings_and_customers_do_not(staff, user, campaign):
    draft = DraftFactory(
        request__campaign=campaign,
        status=Draft.Status.PUBLISHED,
        findings=[{"code": "unsupported_claim", "severity": "medium", "message": "Says waterproof."}],
    )
    source = DraftSourceFactory(draft=draft, position=0)

    as_staff = staff.get(f"{V1}/drafts/{draft.pk}/").json()
    as_customer = token_client(user).get(f"{V1}/drafts/{draft.pk}/").json()

    assert as_staff["findings"][0]["code"] == "unsupported_claim"
    assert [(s["idea"], s["excerpt"]) for s in as_staff["sources"]] == [(source.idea_id, source.idea.title)]
    assert (as_customer["findings"], as_customer["sources"], as_customer["review_note"]) == (None, None, None)


def test_published_drafts_credit_consenting_authors_only(api, campaign):
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.PUBLISHED)
    credited = DraftSourceFactory(draft=draft, idea__consent_credit=True)
    DraftSourceFactory(draft=draft, idea__consent_credit=False)

    assert api.get(f"{V1}/drafts/{draft.pk}/").json()["credits"] == [credited.idea.author.username]


def test_approving_records_the_reviewer(staff, moderator, campaign):
    draft = DraftFactory(request__campaign=campaign)

    response = staff.post(f"{V1}/drafts/{draft.pk}/approve/", {"note": "Good."}, format="json")

    draft.refresh_from_db()
    assert response.json()["status"] == "approved"
    assert (draft.reviewer, draft.review_note) == (moderator, "Good.")


def test_rejecting_needs_a_reason(staff, campaign):
    draft = DraftFactory(request__campaign=campaign)

    error = assert_error_shape(
        staff.post(f"{V1}/drafts/{draft.pk}/reject/", {}, format="json"), 400, "invalid"
    )

    assert list(error["fields"]) == ["reason"]


def test_editing_makes_a_new_version_and_keeps_the_original(staff, campaign):
    draft = DraftFactory(request__campaign=campaign)

    response = staff.post(f"{V1}/drafts/{draft.pk}/edit/", {"text": "A lighter backpack."}, format="json")

    draft.refresh_from_db()
    body = response.json()
    assert response.status_code == 201
    assert (body["version"], body["parent"], body["text"]) == (2, draft.pk, "A lighter backpack.")
    assert draft.status == Draft.Status.SUPERSEDED


def test_publishing_an_unapproved_draft_is_409(staff, campaign):
    draft = DraftFactory(request__campaign=campaign)

    assert_error_shape(staff.post(f"{V1}/drafts/{draft.pk}/publish/"), 409, "invalid_transition")


def test_publishing_adopts_the_source_ideas_and_tells_the_brands_webhooks(
    staff, campaign, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(
        brand=campaign.brand,
        url="https://hooks.example.com/",
        events=[WebhookEvent.DRAFT_PUBLISHED, WebhookEvent.IDEA_ADOPTED],
    )
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED)
    source = DraftSourceFactory(draft=draft, idea=IdeaFactory(campaign=campaign, author=UserFactory()))

    with (
        mock.patch("webhooks.tasks.deliver_webhook_task.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff.post(f"{V1}/drafts/{draft.pk}/publish/")

    assert response.json()["status"] == "published"
    assert Idea.objects.get(pk=source.idea_id).status == Idea.Status.ADOPTED
    events = dict(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("event", "payload"))
    assert events["draft.published"]["id"] == draft.pk
    assert events["idea.adopted"]["id"] == source.idea_id


def test_regenerating_queues_a_new_request_with_the_same_parameters(staff, campaign, enqueued):
    draft = DraftFactory(request__campaign=campaign)

    response = staff.post(f"{V1}/drafts/{draft.pk}/regenerate/")

    request = GenerationRequest.objects.get(pk=response.json()["id"])
    assert response.status_code == 201
    assert (request.regenerated_from, request.params) == (draft, draft.request.params)


def test_the_drafts_list_gives_the_newest_request_first_and_its_variants_best_first(staff, campaign):
    older = DraftFactory(request__campaign=campaign, rank=1)
    request = GenerationRequestFactory(campaign=campaign)
    second, best = DraftFactory(request=request, rank=2), DraftFactory(request=request, rank=1)

    response = staff.get(f"{V1}/drafts/")

    assert [d["id"] for d in response.json()["results"]] == [best.pk, second.pk, older.pk]
    assert [d["rank"] for d in response.json()["results"]] == [1, 2, 1]
