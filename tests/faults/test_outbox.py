"""The generation outbox (generation/outbox.py) without a broker: what happens
when publishing fails, and what the periodic republish picks up. The real
Redis outage is in test_redis_outage.py."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from generation import outbox, services
from generation import tasks as generation_tasks
from generation.models import GenerationRequest
from generation.tasks import generate_drafts_task
from tests.generation.factories import GenerationRequestFactory

pytestmark = pytest.mark.django_db

Status = GenerationRequest.Status
BROKER_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def published():
    with mock.patch.object(generate_drafts_task, "delay") as delay:
        yield delay


def _aged(seconds: int, **fields) -> GenerationRequest:
    return GenerationRequestFactory(created_at=timezone.now() - timedelta(seconds=seconds), **fields)


def test_a_request_made_while_the_broker_is_down_is_saved_queued_without_an_error(
    campaign, moderator, published, django_capture_on_commit_callbacks
):
    published.side_effect = BROKER_DOWN

    with django_capture_on_commit_callbacks(execute=True):
        request = services.generation_request_create(
            campaign=campaign,
            requested_by=moderator,
            kind="product_description",
            tone="friendly",
            length="short",
            keywords=[],
            language="en",
            variants=1,
        )

    published.assert_called_once_with(request.pk)
    assert GenerationRequest.objects.get(pk=request.pk).status == Status.QUEUED


def test_a_refused_publish_is_logged_and_reported(published, caplog):
    published.side_effect = BROKER_DOWN

    assert outbox.request_publish(42) is False
    assert "Could not publish generation.tasks.generate_drafts_task(42,)" in caplog.text


def test_the_outbox_publishes_requests_queued_past_the_threshold_oldest_first(published, settings):
    settings.GENERATION_OUTBOX_AFTER = 120
    newer, older = _aged(200), _aged(300)
    _aged(10)  # still within a normal publish-to-claim time
    _aged(300, status=Status.RUNNING)
    _aged(300, status=Status.DONE)

    counts = outbox.generation_requests_publish_stranded()

    assert counts == {"stranded": 2, "published": 2}
    assert published.call_args_list == [mock.call(older.pk), mock.call(newer.pk)]


def test_the_outbox_stops_at_the_first_refused_publish_for_the_next_run(published, settings):
    settings.GENERATION_OUTBOX_AFTER = 120
    _aged(300), _aged(200), _aged(150)
    published.side_effect = [None, BROKER_DOWN]

    counts = outbox.generation_requests_publish_stranded()

    assert counts == {"stranded": 3, "published": 1}
    assert published.call_count == 2


def test_beat_runs_the_outbox_at_its_own_threshold():
    entry = settings.CELERY_BEAT_SCHEDULE["generation-outbox"]

    assert entry == {
        "task": generation_tasks.generation_outbox_task.name,
        "schedule": settings.GENERATION_OUTBOX_AFTER,
    }


def test_the_outbox_task_runs_on_the_default_queue_not_behind_generation():
    route = generation_tasks.generation_outbox_task.app.amqp.router.route(
        {}, generation_tasks.generation_outbox_task.name
    )

    assert route["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
