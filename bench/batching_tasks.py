"""Bench-only pieces for bench/batching.py: the celery-batches variant of the
GPU task, and a fake engine. Registered with the cocreate app only where this
module is imported: the benchmark, and the workers it starts with
`--include bench.batching_tasks`. Production never imports it, nor celery-batches.

The batched task runs the same services as generate_drafts_task (claim, run,
complete, fail); only how requests come together differs. Production claims
other queued requests from the database (generation_requests_claim); here
celery-batches buffers messages in the worker and hands one run up to
`flush_every` of them, and the run claims exactly those
(generation_requests_claim_messages, the same compare-and-set per message).

What celery-batches 0.11 leaves out (its source, celery_batches/__init__.py,
Batches.flush): a batch goes to the pool without the task's soft and hard time
limits, so none are enforced per task; autoretry and retry have no message to
retry; late acks are sent only when the run returns, so a batch whose child
was killed is neither acked nor rejected (reject_on_worker_lost does nothing).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from celery_batches import Batches, SimpleRequest

from cocreate.celery import app
from generation import services
from generation.tasks import drafts_generate

# Read by the worker this module is included in; bench/batching.py sets them.
FLUSH_EVERY = int(os.environ.get("BENCH_FLUSH_EVERY", "4"))
FLUSH_INTERVAL_S = float(os.environ.get("BENCH_FLUSH_INTERVAL_S", "1"))
FAKE_ENGINE = os.environ.get("BENCH_FAKE_ENGINE") == "1"
FAKE_CALL_S = float(os.environ.get("BENCH_FAKE_CALL_S", "1.0"))
FAKE_ROW_S = float(os.environ.get("BENCH_FAKE_ROW_S", "0.1"))


@app.task(
    base=Batches,
    name="bench.generate_drafts_batched",
    queue="gpu",
    acks_late=True,
    reject_on_worker_lost=True,
    flush_every=FLUSH_EVERY,
    flush_interval=FLUSH_INTERVAL_S,
)
def generate_drafts_batched_task(requests: list[SimpleRequest]) -> None:
    """One run for up to FLUSH_EVERY messages, each carrying a request id."""
    messages = [(request.args[0], request.id) for request in requests]
    claimed = services.generation_requests_claim_messages(messages=messages)
    if not claimed:
        return

    def fail(error: str) -> None:
        for request_id, task_id in messages:
            services.generation_requests_fail(request_ids=[request_id], task_id=task_id, error=error)

    drafts_generate(claimed, fail=fail)


@dataclass(frozen=True)
class FakeOutput:
    text: str
    prompt_tokens: int
    new_tokens: int
    perplexity: float | None = None


class FakeGenerator:
    """Sleeps like a batched engine: FAKE_CALL_S per batch of `batch_size` rows
    (the fixed cost of a forward pass) plus FAKE_ROW_S per row, and answers
    deterministically. Sleeping, not computing: the mechanism is measured, not
    the shared CPU."""

    model_name = "fake-engine"

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size

    def generate(
        self,
        prompts: list[list[dict[str, str]]],
        *,
        max_new_tokens: int = 160,
        seed: int | None = None,
        **_options: object,
    ) -> list[FakeOutput]:
        batches = -(-len(prompts) // self.batch_size)
        time.sleep(batches * FAKE_CALL_S + len(prompts) * FAKE_ROW_S)
        return [
            FakeOutput(
                text=f"A light pack with a phone pocket on the hip belt (row {n}).",
                prompt_tokens=400,
                new_tokens=max_new_tokens,
            )
            for n, _ in enumerate(prompts, start=1)
        ]


def _fake_get_generator(model_path: str, *, batch_size: int = 8, seed: int = 0) -> FakeGenerator:
    return FakeGenerator(batch_size)


if FAKE_ENGINE:
    # In the worker's parent, before it forks: the children inherit the swap.
    # Importing the engine loads torch, but never touches CUDA.
    from generation import inference

    inference.get_generator = _fake_get_generator
