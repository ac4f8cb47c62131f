"""A shopper's question answered by a real Celery worker on a real Redis while
the gpu worker is still busy with a draft.

Two workers run as subprocesses (tests/faults/worker.py: the project's Celery
app with the stand-in generation engine, so no model loads) on the test
database and on a redis-server of this test's own, the broker as in
production: one on the `gpu` and `default` queues, one on `answers`, as
`make run` and docker/compose.yml start them. A draft request blocks the gpu
worker's only process and two more wait behind it; then a shopper asks. The
answers worker must answer while that draft is still running, and the drafts
must all finish once it is released.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from assistant import services
from assistant.models import Message
from cocreate.celery import app
from generation import services as generation_services
from generation.models import GenerationRequest
from tests.assistant.conftest import faq
from tests.celery_pools import reset_broker_pools
from tests.factories import CampaignFactory, IdeaFactory, StaffFactory
from tests.faults.engine import BLOCK
from tests.faults.harness import REDIS_SERVER, RedisServer, celery_worker, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server program, as in CI"),
]

# The worker loads Django, the encoder and the index on its first answer: seconds
# on an idle 2-core CPU, more when other jobs share it. The bound stops a hang.
ANSWER_WITHIN_S = 120
# The Redis transport options of production (cocreate/settings/celery.py).
REDIS_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}


@contextmanager
def redis_broker(server: RedisServer) -> Iterator[None]:
    old = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = server.url, REDIS_TRANSPORT_OPTIONS
    reset_broker_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = old
        reset_broker_pools()


def draft_request(campaign, merchant) -> GenerationRequest:
    return generation_services.generation_request_create(
        campaign=campaign,
        requested_by=merchant,
        kind="product_description",
        tone="friendly",
        length="short",
        keywords=[],
        language="en",
        variants=1,
    )


def test_the_answers_worker_answers_a_shopper_while_the_gpu_worker_is_still_drafting(brand, tmp_path):
    campaign = CampaignFactory(brand=brand)
    IdeaFactory(campaign=campaign, title="Hip-belt pocket", body="A pocket on the hip belt for a phone.")
    # The stand-in engine blocks on prompts that carry BLOCK: this campaign's idea does.
    blocking_campaign = CampaignFactory(brand=brand)
    IdeaFactory(campaign=blocking_campaign, title="Phone pocket", body=f"A phone pocket ({BLOCK}).")
    merchant = StaffFactory(brand=brand)
    returns = faq(
        brand,
        title_en="Returns",
        body_en="You can return unused items within 30 days of delivery. Return shipping is free within the EU.",
    )
    (tmp_path / "gpu").mkdir()
    (tmp_path / "answers").mkdir()
    server = RedisServer()
    server.start()
    try:
        with (
            redis_broker(server),
            celery_worker(server, tmp_path / "gpu") as gpu_worker,
            celery_worker(server, tmp_path / "answers", queues="answers") as answers_worker,
        ):
            blocked = draft_request(blocking_campaign, merchant)
            wait_for(
                gpu_worker.generating_pids, within_s=ANSWER_WITHIN_S, what="draft running", log=gpu_worker.log
            )
            waiting = [draft_request(campaign, merchant) for _ in range(2)]
            conversation = services.conversation_start(brand=brand, language="en")
            question = services.message_post(conversation=conversation, text="How long can I return things?")

            answer = wait_for(
                lambda: Message.objects.filter(reply_to=question).first(),
                within_s=ANSWER_WITHIN_S,
                what="the answers worker's answer",
                log=answers_worker.log,
            )
            blocked.refresh_from_db()
            status_when_answered = blocked.status
            gpu_worker.release()
            wait_for(
                lambda: not GenerationRequest.objects.filter(status__in=["queued", "running"]).exists(),
                within_s=ANSWER_WITHIN_S,
                what="the drafts",
                log=gpu_worker.log,
            )
        gpu_log, answers_log = gpu_worker.log(), answers_worker.log()
    finally:
        server.stop()

    assert status_when_answered == GenerationRequest.Status.RUNNING
    question.refresh_from_db()
    assert question.outcome == Message.Outcome.ANSWERED
    assert "30 days" in answer.text
    assert [c["id"] for c in answer.citations] == [returns.pk]
    for request in [blocked, *waiting]:
        request.refresh_from_db()
        assert request.status == GenerationRequest.Status.DONE
    assert answer.created_at < blocked.finished_at
    # Routed to the answers queue: only the answers worker ever received it.
    assert "Task assistant.tasks.answer_task[" in answers_log
    assert "Task assistant.tasks.answer_task[" not in gpu_log
