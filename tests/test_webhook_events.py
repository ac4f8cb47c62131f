"""Every interface emits the lifecycle webhooks, because the services do."""

from __future__ import annotations

import pytest

from campaigns import services as campaign_services
from generation import services as generation_services
from generation.models import Draft
from tests.factories import IdeaFactory
from tests.generation.factories import DraftFactory, DraftSourceFactory, FakeGenerator
from tests.generation.test_services import claimed_request
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(brand):
    return WebhookEndpoint.objects.create(
        brand=brand, url="https://hooks.example.com/cocreate", events=list(WebhookEvent.values)
    )


def events_sent():
    return sorted(WebhookDelivery.objects.values_list("event", flat=True))


def test_submitting_an_idea_on_the_site_emits_idea_created(endpoint, campaign, user):
    campaign_services.idea_submit(campaign=campaign, author=user, title="Reflective straps", body="For dusk.")

    assert events_sent() == [WebhookEvent.IDEA_CREATED]


def test_a_finished_request_emits_draft_pending_review_per_variant(endpoint, campaign):
    IdeaFactory(campaign=campaign)
    request = claimed_request(campaign, variants=2)
    WebhookDelivery.objects.all().delete()

    generation_services.generation_requests_run(request_ids=[request.pk], generator=FakeGenerator())

    assert events_sent() == [WebhookEvent.DRAFT_PENDING_REVIEW] * 2


def test_a_failed_request_emits_generation_failed(endpoint, campaign):
    request = claimed_request(campaign)

    generation_services.generation_requests_fail(
        request_ids=[request.pk], task_id=request.task_id, error="CUDA out of memory"
    )

    assert events_sent() == [WebhookEvent.GENERATION_FAILED]


def test_publishing_a_draft_emits_draft_published_and_idea_adopted(endpoint, campaign, moderator):
    source = DraftSourceFactory(
        draft=DraftFactory(campaign=campaign, status=Draft.Status.APPROVED, request__campaign=campaign)
    )
    WebhookDelivery.objects.all().delete()

    generation_services.draft_publish(draft=source.draft, actor=moderator)

    assert events_sent() == sorted([WebhookEvent.DRAFT_PUBLISHED, WebhookEvent.IDEA_ADOPTED])
