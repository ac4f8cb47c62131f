"""The Celery tasks, run in-process with apply() (no broker, no eager mode):
apply() gives the task a real request id, so running it twice with the same
id is exactly a redelivery of one message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.db import OperationalError

from cocreate.celery import app
from generation.models import MAX_NEW_TOKENS, Draft, GenerationRequest, Length
from generation.tasks import generate_drafts_task, generation_sweep_task
from tests.generation.factories import (
    DEFAULT_PARAMS,
    FailingGenerator,
    FakeGenerator,
    GenerationRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_draft_pipeline(settings):
    """These tests hold the whole-draft ("legacy") path, which stays callable
    for comparisons; tests/generation/test_drafting*.py hold the grounded one."""
    settings.GENERATION_PIPELINE = "legacy"


Status = GenerationRequest.Status
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine():
    """The engine's get_generator, patched to hand out a fake generator."""
    generator = FakeGenerator()
    with mock.patch("generation.inference.get_generator", return_value=generator) as get_generator:
        generator.get_generator = get_generator
        yield generator


def run_task(request_id: int, task_id: str = "task-1") -> None:
    generate_drafts_task.apply(args=[request_id], task_id=task_id).get()


def queued(campaign, **params):
    return GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, **params})


def test_generation_is_routed_to_the_gpu_queue():
    route = app.amqp.router.route({}, generate_drafts_task.name)

    assert route["queue"].name == "gpu"


def test_the_generation_task_acks_late_survives_lost_workers_and_has_time_limits():
    assert generate_drafts_task.acks_late is True
    assert generate_drafts_task.reject_on_worker_lost is True
    assert generate_drafts_task.soft_time_limit == django_settings.GENERATION_SOFT_TIME_LIMIT
    assert generate_drafts_task.time_limit == django_settings.GENERATION_HARD_TIME_LIMIT
    assert generate_drafts_task.max_retries == 5


def test_the_task_loads_the_configured_model_inside_the_task(campaign, engine, settings):
    settings.GENERATION_MODEL = "/models/some-model"
    request = queued(campaign)

    run_task(request.pk)

    engine.get_generator.assert_called_once_with(
        "/models/some-model", batch_size=settings.GENERATION_BATCH_SIZE, seed=settings.GENERATION_SEED
    )


def test_the_task_turns_a_queued_request_into_drafts(campaign, engine):
    request = queued(campaign, variants=2)

    run_task(request.pk)

    request.refresh_from_db()
    assert request.status == Status.DONE
    assert (request.deliveries, request.task_id) == (1, "task-1")
    assert request.drafts.filter(status=Draft.Status.PENDING_REVIEW).count() == 2


def test_a_duplicate_message_for_a_done_request_creates_nothing(campaign, engine):
    request = queued(campaign, variants=2)
    run_task(request.pk, task_id="task-1")

    run_task(request.pk, task_id="task-2")

    assert Draft.objects.count() == 2
    assert len(engine.calls) == 1
    request.refresh_from_db()
    assert request.deliveries == 1


def test_a_redelivered_message_finishes_the_request_its_crashed_run_held(campaign):
    request = queued(campaign, variants=2)
    with mock.patch(
        "generation.inference.get_generator", return_value=FailingGenerator(RuntimeError("killed"))
    ):
        with pytest.raises(RuntimeError):
            run_task(request.pk, task_id="task-1")
    request.refresh_from_db()
    assert (request.status, request.task_id) == (Status.RUNNING, "task-1")

    with mock.patch("generation.inference.get_generator", return_value=FakeGenerator()):
        run_task(request.pk, task_id="task-1")

    request.refresh_from_db()
    assert (request.status, request.deliveries) == (Status.DONE, 2)
    assert request.drafts.count() == 2


def test_a_message_for_a_request_another_task_is_running_does_nothing(campaign, engine):
    request = GenerationRequestFactory(campaign=campaign, status=Status.RUNNING, task_id="someone-else")

    run_task(request.pk, task_id="task-1")

    assert engine.calls == []
    request.refresh_from_db()
    assert (request.status, request.task_id) == (Status.RUNNING, "someone-else")


def test_one_task_run_batches_other_queued_requests_into_one_generate_call(campaign, engine):
    first = queued(campaign, variants=2)
    second = queued(campaign, variants=3)

    run_task(first.pk)

    assert len(engine.calls) == 1
    assert len(engine.calls[0]["prompts"]) == 5
    assert first.drafts.count() == 2
    assert second.drafts.count() == 3


def test_the_batched_requests_own_messages_are_then_no_ops(campaign, engine):
    first = queued(campaign)
    second = queued(campaign)
    run_task(first.pk, task_id="task-1")

    run_task(second.pk, task_id="task-2")

    assert len(engine.calls) == 1
    second.refresh_from_db()
    assert (second.deliveries, second.task_id) == (1, "task-1")


def test_a_claim_takes_at_most_the_configured_number_of_requests(campaign, engine, settings):
    settings.GENERATION_REQUESTS_PER_CLAIM = 2
    requests = [queued(campaign) for _ in range(3)]

    run_task(requests[0].pk)

    statuses = [GenerationRequest.objects.get(pk=r.pk).status for r in requests]
    assert statuses == [Status.DONE, Status.DONE, Status.QUEUED]


def test_requests_of_another_length_wait_for_their_own_message(campaign, engine):
    short = queued(campaign, length="short")
    long = queued(campaign, length="long")

    run_task(short.pk)

    long.refresh_from_db()
    assert long.status == Status.QUEUED
    assert [c["max_new_tokens"] for c in engine.calls] == [MAX_NEW_TOKENS[Length.SHORT]]


def test_a_request_delivered_too_often_fails_as_a_poison_pill(campaign, engine, settings):
    request = GenerationRequestFactory(
        campaign=campaign,
        status=Status.RUNNING,
        task_id="task-1",
        deliveries=settings.GENERATION_MAX_DELIVERIES,
    )

    run_task(request.pk, task_id="task-1")

    request.refresh_from_db()
    assert request.status == Status.FAILED
    assert "Gave up after 3 deliveries" in request.error
    assert engine.calls == []


def test_a_missing_model_fails_the_request_at_once_with_the_prepare_model_hint(campaign, settings, tmp_path):
    settings.GENERATION_MODEL = str(tmp_path / "no-model-here")
    request = queued(campaign)

    run_task(request.pk)

    request.refresh_from_db()
    assert request.status == Status.FAILED
    assert "prepare_model" in request.error
    assert request.deliveries == 1


def test_a_soft_time_limit_fails_the_claimed_requests_with_the_reason(campaign, settings):
    first = queued(campaign)
    second = queued(campaign)

    with mock.patch(
        "generation.inference.get_generator", return_value=FailingGenerator(SoftTimeLimitExceeded())
    ):
        run_task(first.pk)

    for request in (first, second):
        request.refresh_from_db()
        assert request.status == Status.FAILED
        assert request.error == f"Timed out after {settings.GENERATION_SOFT_TIME_LIMIT} s."


class _FlakyDatabase(FakeGenerator):
    """Loses the database connection on the first call only."""

    def generate(self, prompts, **kwargs):
        if not self.calls:
            self.calls.append({"prompts": prompts})
            raise OperationalError("server closed the connection unexpectedly")
        return super().generate(prompts, **kwargs)


def test_a_transient_database_error_is_retried_and_the_retry_finishes_the_request(campaign):
    request = queued(campaign, variants=1)

    with mock.patch("generation.inference.get_generator", return_value=_FlakyDatabase()):
        run_task(request.pk)

    request.refresh_from_db()
    assert (request.status, request.deliveries) == (Status.DONE, 2)
    assert request.drafts.count() == 1


def test_the_sweep_task_runs_the_sweeper():
    with mock.patch(
        "generation.services.generation_requests_sweep", return_value={"requeued": 0, "failed": 0}
    ) as sweep:
        generation_sweep_task.apply().get()

    sweep.assert_called_once_with()


def test_the_sweeper_is_scheduled_every_five_minutes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["generation-sweep"]

    assert entry == {"task": generation_sweep_task.name, "schedule": 300}


PROBE = """
import sys, django
django.setup()
import generation.admin, generation.services, generation.selectors, generation.tasks, generation.prompts
print("HEAVY=" + ",".join(sorted(m for m in ("torch", "transformers") if m in sys.modules)))
"""


def test_importing_the_drafting_modules_does_not_import_torch():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cocreate.settings"}

    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert out.returncode == 0, out.stderr
    assert "HEAVY=\n" in out.stdout, out.stdout
