"""A trivial task for bench/celery_roundtrip.py. It is registered with the
cocreate app only where this module is imported: the benchmark, and the worker
it starts with `--include bench.tasks_bench`. Production never imports it."""

from __future__ import annotations

import time

from cocreate.celery import app


@app.task(name="bench.roundtrip", ignore_result=False, acks_late=True)
def roundtrip_task(enqueued_at: float) -> list[float]:
    """Echo the enqueue time with the time the task ran (one clock: one machine)."""
    return [enqueued_at, time.time()]
