"""One merchant floods the generation queue; another merchant is not held up.

The per-user quota (GENERATION_MAX_OPEN_PER_USER) caps how many requests one
person has waiting or running, so a flood adds at most that many to the queue
and every further attempt is refused with a clear 429 (the admin form shows the
same reason). The queue is then drained the way the gpu worker does it, one
message at a time through generate_drafts_task with a fake engine: the other
merchant's request is done within ceil((quota + 1) / GENERATION_REQUESTS_PER_CLAIM)
claims, however many times the first merchant tried. A claim makes at most
WRITE_ROUNDS generate() calls (each sentence, then each failed one in the
other wording), so that bounds the calls.
"""

from __future__ import annotations

import math
from unittest import mock

import pytest
from django.urls import reverse

from generation import tasks
from generation.drafting.pipeline import WRITE_ROUNDS
from generation.models import GenerationRequest
from tests.api.helpers import assert_error_shape, token_client
from tests.campaigns.factories_site import throttle_rates
from tests.factories import BrandFactory, CampaignFactory, IdeaFactory, StaffFactory
from tests.generation.factories import FakeGenerator

pytestmark = pytest.mark.django_db

QUOTA = 5
FLOOD = 4 * QUOTA
PER_CLAIM = 4
# Far above the flood: the quota, not the request throttle, is what is tested.
GENERATION_RATE = 10 * FLOOD


@pytest.fixture
def queue(settings):
    """Message ids in the order the services enqueue them (the broker's FIFO)."""
    settings.GENERATION_MAX_OPEN_PER_USER = QUOTA
    settings.GENERATION_REQUESTS_PER_CLAIM = PER_CLAIM
    throttle_rates(settings, generation=GENERATION_RATE)
    sent: list[int] = []
    with mock.patch.object(tasks.generate_drafts_task, "delay", side_effect=sent.append):
        yield sent


@pytest.fixture
def flooder():
    campaign = CampaignFactory(brand=BrandFactory())
    IdeaFactory(campaign=campaign)
    return StaffFactory(brand=campaign.brand), campaign


@pytest.fixture
def other():
    campaign = CampaignFactory(brand=BrandFactory())
    IdeaFactory(campaign=campaign)
    return StaffFactory(brand=campaign.brand), campaign


def _api_request(merchant, campaign):
    return token_client(merchant).post(
        "/api/v1/generation-requests/",
        {"campaign": campaign.slug, "kind": "product_description"},
        format="json",
    )


def _flood(merchant, campaign, capture) -> list[int]:
    statuses = []
    for _ in range(FLOOD):
        with capture(execute=True):
            statuses.append(_api_request(merchant, campaign).status_code)
    return statuses


def test_a_flood_gets_the_quota_accepted_and_every_further_request_a_clear_429(
    flooder, queue, django_capture_on_commit_callbacks
):
    merchant, campaign = flooder

    statuses = _flood(merchant, campaign, django_capture_on_commit_callbacks)
    refusal = _api_request(merchant, campaign)

    assert statuses == [201] * QUOTA + [429] * (FLOOD - QUOTA)
    error = assert_error_shape(refusal, 429, "generation_quota")
    assert f"{QUOTA} requests waiting or running" in error["message"]
    assert GenerationRequest.objects.filter(requested_by=merchant).count() == QUOTA
    assert len(queue) == QUOTA


def test_the_admin_generation_form_refuses_the_flooder_with_the_reason(
    client, flooder, queue, django_capture_on_commit_callbacks
):
    merchant, campaign = flooder
    _flood(merchant, campaign, django_capture_on_commit_callbacks)
    client.force_login(merchant)

    response = client.post(
        reverse("admin:generation_generationrequest_add"),
        {
            "campaign": campaign.pk,
            "kind": "product_description",
            "tone": "friendly",
            "length": "short",
            "keywords": "",
            "language": "en",
            "variants": 1,
        },
    )

    assert response.status_code == 200
    assert f"{QUOTA} requests waiting or running" in response.content.decode()
    assert GenerationRequest.objects.filter(requested_by=merchant).count() == QUOTA


def test_another_merchants_request_is_accepted_while_the_flooder_is_at_quota(
    flooder, other, queue, django_capture_on_commit_callbacks
):
    _flood(*flooder, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = _api_request(*other)

    assert response.status_code == 201
    assert queue[-1] == response.json()["id"]


def test_another_merchants_request_is_drafted_within_a_bounded_number_of_generate_calls(
    flooder, other, queue, django_capture_on_commit_callbacks
):
    _flood(*flooder, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = _api_request(*other).json()["id"]
    engine = FakeGenerator()

    with mock.patch("generation.inference.get_generator", return_value=engine):
        calls_until_done = None
        for request_id in list(queue):
            tasks.generate_drafts_task.apply(args=[request_id])
            if calls_until_done is None and GenerationRequest.objects.get(pk=theirs).status == "done":
                calls_until_done = len(engine.calls)

    assert calls_until_done is not None
    assert calls_until_done <= math.ceil((QUOTA + 1) / PER_CLAIM) * WRITE_ROUNDS
    assert not GenerationRequest.objects.filter(status__in=GenerationRequest.OPEN_STATUSES).exists()
