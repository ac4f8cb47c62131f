"""A real gpu worker under faults: its child killed mid-generation, a poison
request that kills every child that takes it, the database dropping the
worker's connections mid-task, and a generation that hangs.

Each test starts its own redis-server and worker (tests/faults/harness.py) on
the test database; nothing is eager or mocked in this process. The worker's
engine is tests/faults/engine.py, steered by a keyword in the request.
"""

from __future__ import annotations

import os
import signal

import pytest
from django.conf import settings
from django.db import connection

from generation import services
from generation.models import Draft, DraftAuditEntry, GenerationRequest
from generation.tasks import generate_drafts_task
from tests.faults.engine import BLOCK, CRASH, HANG
from tests.faults.harness import Worker, celery_worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

Status = GenerationRequest.Status
Audit = DraftAuditEntry.Action
VARIANTS = 2
# Loose bounds that only stop a broken run from hanging the suite; a healthy
# run takes a few seconds per step even on a loaded 2-core machine.
STEP_WITHIN_S = 90
# The fault engine picks its fault from a keyword, which only the whole-draft
# (legacy) prompt carries; the faults under test (claim, redelivery, time
# limits, connection loss) are the task's, the same for either pipeline.
PIPELINE = {"GENERATION_PIPELINE": "legacy"}
# The hang test's limits: short, so that the soft limit fires within the test.
SOFT_LIMIT_S, HARD_LIMIT_S = 3, 8


def _request(shop, keyword: str = "light") -> GenerationRequest:
    merchant, campaign = shop
    return services.generation_request_create(
        campaign=campaign,
        requested_by=merchant,
        kind="product_description",
        tone="friendly",
        length="short",
        keywords=[keyword],
        language="en",
        variants=VARIANTS,
    )


def _finished(request: GenerationRequest, worker: Worker) -> GenerationRequest:
    def closed() -> bool:
        worker.assert_alive()
        request.refresh_from_db()
        return not request.is_open

    wait_for(closed, within_s=STEP_WITHIN_S, what=f"request #{request.pk} finished", log=worker.log)
    return request


def _gone(pid: int) -> bool:
    """The process is dead (its parent may not have reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


def _audit(request: GenerationRequest) -> list[str]:
    return list(request.audit_entries.order_by("pk").values_list("action", flat=True))


def test_a_child_killed_mid_generation_is_redelivered_and_drafts_exactly_once(shop, private_broker, tmp_path):
    with celery_worker(private_broker, tmp_path, **PIPELINE) as worker:
        request = _request(shop, BLOCK)
        [first] = wait_for(
            worker.generating_pids, within_s=STEP_WITHIN_S, what="generation started", log=worker.log
        )

        os.kill(first, signal.SIGKILL)
        wait_for(lambda: _gone(first), within_s=STEP_WITHIN_S, what="the child died")
        worker.release()
        request = _finished(request, worker)

    assert request.status == Status.DONE, request.error
    assert request.deliveries == 2
    assert request.drafts.count() == VARIANTS
    assert _audit(request).count(Audit.GENERATED) == VARIANTS
    assert worker.generating_pids()[0] == first != worker.generating_pids()[-1]


def test_a_poison_request_fails_after_the_delivery_cap_and_is_not_redelivered_again(
    shop, private_broker, tmp_path
):
    with celery_worker(private_broker, tmp_path, **PIPELINE) as worker:
        poison = _finished(_request(shop, CRASH), worker)
        queue_left = private_broker.client().llen("gpu")
        unacked_left = private_broker.client().hlen("unacked")
        after = _finished(_request(shop), worker)

    assert poison.status == Status.FAILED
    assert poison.deliveries == settings.GENERATION_MAX_DELIVERIES
    assert f"after {settings.GENERATION_MAX_DELIVERIES} deliveries" in poison.error
    assert _audit(poison) == [Audit.REQUESTED] + [Audit.STARTED] * settings.GENERATION_MAX_DELIVERIES + [
        Audit.FAILED
    ]
    assert not Draft.objects.filter(request=poison).exists()
    assert (queue_left, unacked_left) == (0, 0)
    assert after.status == Status.DONE


def test_dropped_database_connections_mid_task_are_retried_and_drafts_written_once(
    shop, private_broker, tmp_path
):
    with celery_worker(private_broker, tmp_path, **PIPELINE) as worker:
        request = _request(shop, BLOCK)
        wait_for(worker.generating_pids, within_s=STEP_WITHIN_S, what="generation started", log=worker.log)

        with connection.cursor() as cursor:
            # What a database restart does to the worker: every other session
            # on this database ends; ours (the test's) stays.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            terminated = sum(1 for (ok,) in cursor.fetchall() if ok)
        worker.release()
        request = _finished(request, worker)
        log = worker.log()

    assert terminated >= 1
    assert request.status == Status.DONE, request.error
    assert "Retry in" in log
    assert request.deliveries == 2
    assert request.drafts.count() == VARIANTS
    assert _audit(request).count(Audit.GENERATED) == VARIANTS


def test_a_hung_generation_fails_at_the_soft_time_limit_and_the_worker_serves_the_next(
    shop, private_broker, tmp_path, monkeypatch
):
    # The publisher stamps its task's limits into each message (the `timelimit`
    # header), and the worker obeys the message: both sides get the short ones.
    # Celery caches a task's publish options on first use (_exec_options).
    monkeypatch.setattr(generate_drafts_task, "soft_time_limit", SOFT_LIMIT_S)
    monkeypatch.setattr(generate_drafts_task, "time_limit", HARD_LIMIT_S)
    monkeypatch.setattr(generate_drafts_task, "_exec_options", None)
    limits = {
        "GENERATION_SOFT_TIME_LIMIT": str(SOFT_LIMIT_S),
        "GENERATION_HARD_TIME_LIMIT": str(HARD_LIMIT_S),
    }
    with celery_worker(private_broker, tmp_path, **PIPELINE, **limits) as worker:
        hung = _finished(_request(shop, HANG), worker)
        following = _finished(_request(shop), worker)

    assert hung.status == Status.FAILED
    assert hung.error == f"Timed out after {SOFT_LIMIT_S} s."
    assert not Draft.objects.filter(request=hung).exists()
    assert following.status == Status.DONE
    assert following.drafts.count() == VARIANTS
