"""Celery round trip on Redis: a trivial task through a real worker process.

    .venv/bin/python bench/celery_roundtrip.py            # 200 one at a time, a burst of 2,000
    .venv/bin/python bench/celery_roundtrip.py --quick    # 50, and a burst of 300

A redis-server of its own is the broker and the result backend; the worker is
`celery -A cocreate worker --include bench.tasks_bench -c 2` (prefork, two
children, as the default-queue worker in docker/compose.yml) with the project's
Celery settings: late acks, prefetch 1, JSON. The task (bench/tasks_bench.py)
returns the time it ran, so latency is enqueue -> the task ran, on one clock.

- one at a time: enqueue, wait for the result, repeat: the latency of an idle
  queue, and the round trip as the caller sees it (result read back);
- burst: enqueue N at once, then read every result: tasks/s from the first
  enqueue to the last task run, and the latency each task saw in the queue.

Writes the "celery" section of bench/results.json and "## Celery round trip" in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path: the repository root goes before it.
sys.path.insert(0, str(ROOT))

from bench.common import machine, machine_line, save_markdown_section, save_results  # noqa: E402
from bench.redis_server import redis_server  # noqa: E402

QUEUE = "bench"
WORKER_CONCURRENCY = 2
SEQUENTIAL, QUICK_SEQUENTIAL = 200, 50
BURST, QUICK_BURST = 2_000, 300
RESULT_TIMEOUT_S = 120
START_WITHIN_S = 60


def _percentiles(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _worker(broker: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DJANGO_SETTINGS_MODULE": "cocreate.settings"}
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "cocreate",
        "--result-backend",
        broker,
        "worker",
        "--include",
        "bench.tasks_bench",
        "-Q",
        QUEUE,
        "-c",
        str(WORKER_CONCURRENCY),
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "warning",
    ]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def run(sequential: int, burst: int) -> dict:
    from bench.tasks_bench import roundtrip_task

    # One round trip first: the worker is up and connected when timing starts.
    roundtrip_task.apply_async((time.time(),), queue=QUEUE).get(timeout=START_WITHIN_S)

    ran, seen = [], []
    for _ in range(sequential):
        enqueued = time.time()
        _, started = roundtrip_task.apply_async((enqueued,), queue=QUEUE).get(timeout=RESULT_TIMEOUT_S)
        seen.append(time.time() - enqueued)
        ran.append(started - enqueued)

    first = time.time()
    pending = [roundtrip_task.apply_async((time.time(),), queue=QUEUE) for _ in range(burst)]
    enqueue_s = time.time() - first
    results = [r.get(timeout=RESULT_TIMEOUT_S) for r in pending]
    last_ran = max(started for _, started in results)
    return {
        "machine": machine(),
        "worker": {
            "pool": "prefork",
            "concurrency": WORKER_CONCURRENCY,
            "prefetch_multiplier": 1,
            "acks_late": True,
        },
        "one_at_a_time": {
            "tasks": sequential,
            "enqueue_to_run": _percentiles(ran),
            "round_trip": _percentiles(seen),
        },
        "burst": {
            "tasks": burst,
            "enqueued_per_s": round(burst / enqueue_s, 1),
            "tasks_per_s": round(burst / (last_ran - first), 1),
            "enqueue_to_run": _percentiles([started - enqueued for enqueued, started in results]),
        },
    }


def markdown(data: dict) -> str:
    info, one, burst = data["machine"], data["one_at_a_time"], data["burst"]
    return "\n".join(
        [
            "`bench/celery_roundtrip.py`. A trivial task (`bench/tasks_bench.py`) through a real worker "
            f"(`celery -A cocreate worker -c {data['worker']['concurrency']}`, prefork, the project's settings: "
            "late acks, prefetch 1) on a redis-server of its own, broker and result backend. Latency is "
            "enqueue -> the task ran; the round trip adds reading the result back.",
            "",
            f"Machine: {machine_line(info)}. Load average when it started: {info['load_average_1m']}.",
            "",
            "| run | tasks | tasks/s | enqueue -> run p50 ms | p99 ms | round trip p50 ms | p99 ms |",
            "|---|---|---|---|---|---|---|",
            f"| one at a time | {one['tasks']} | | {one['enqueue_to_run']['p50_ms']} | {one['enqueue_to_run']['p99_ms']} "
            f"| {one['round_trip']['p50_ms']} | {one['round_trip']['p99_ms']} |",
            f"| burst | {burst['tasks']} | {burst['tasks_per_s']:.0f} | {burst['enqueue_to_run']['p50_ms']} "
            f"| {burst['enqueue_to_run']['p99_ms']} | | |",
            "",
            f"Enqueueing alone: {burst['enqueued_per_s']:.0f} tasks/s from one process. In a burst, a task's "
            "latency is mostly the wait behind the tasks enqueued before it.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SEQUENTIAL} one at a time, a burst of {QUICK_BURST}"
    )
    args = parser.parse_args()
    with redis_server() as broker, tempfile.TemporaryDirectory(prefix="cocreate-celery-") as logs:
        os.environ["CELERY_BROKER_URL"] = broker
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
        import django

        django.setup()
        from cocreate.celery import app

        app.conf.result_backend = broker
        worker = _worker(broker, Path(logs) / "worker.log")
        try:
            data = run(*((QUICK_SEQUENTIAL, QUICK_BURST) if args.quick else (SEQUENTIAL, BURST)))
        finally:
            worker.terminate()
            worker.wait(timeout=START_WITHIN_S)
    save_results("celery_quick" if args.quick else "celery", data)
    if not args.quick:
        save_markdown_section("Celery round trip", markdown(data))
    print(markdown(data))


if __name__ == "__main__":
    main()
