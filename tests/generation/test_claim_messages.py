"""generation_requests_claim_messages: a batch of messages claims exactly its own
requests, with the same compare-and-set as the one-message claim."""

from __future__ import annotations

import pytest

from generation import services
from generation.models import GenerationRequest
from tests.generation.factories import GenerationRequestFactory

pytestmark = pytest.mark.django_db

Status = GenerationRequest.Status


def test_a_batch_claims_its_queued_requests_each_under_its_own_message(campaign):
    first, second = GenerationRequestFactory.create_batch(2, campaign=campaign)
    bystander = GenerationRequestFactory(campaign=campaign)

    claimed = services.generation_requests_claim_messages(messages=[(first.pk, "m-1"), (second.pk, "m-2")])

    assert claimed == [first.pk, second.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    bystander.refresh_from_db()
    assert (first.status, first.task_id, first.deliveries) == (Status.RUNNING, "m-1", 1)
    assert (second.status, second.task_id) == (Status.RUNNING, "m-2")
    assert bystander.status == Status.QUEUED


def test_a_request_running_under_another_message_is_left_alone(campaign):
    request = GenerationRequestFactory(campaign=campaign)
    services.generation_requests_claim_messages(messages=[(request.pk, "m-1")])

    duplicate = services.generation_requests_claim_messages(messages=[(request.pk, "m-2")])

    assert duplicate == []
    request.refresh_from_db()
    assert (request.task_id, request.deliveries) == ("m-1", 1)


def test_a_redelivered_message_takes_back_the_request_it_held(campaign):
    request = GenerationRequestFactory(campaign=campaign)
    services.generation_requests_claim_messages(messages=[(request.pk, "m-1")])

    again = services.generation_requests_claim_messages(messages=[(request.pk, "m-1")])

    assert again == [request.pk]
    request.refresh_from_db()
    assert (request.status, request.deliveries) == (Status.RUNNING, 2)


def test_a_request_delivered_too_often_fails_instead(campaign, settings):
    settings.GENERATION_MAX_DELIVERIES = 1
    request = GenerationRequestFactory(campaign=campaign)
    services.generation_requests_claim_messages(messages=[(request.pk, "m-1")])

    again = services.generation_requests_claim_messages(messages=[(request.pk, "m-1")])

    assert again == []
    request.refresh_from_db()
    assert request.status == Status.FAILED
