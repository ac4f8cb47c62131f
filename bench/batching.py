"""Batching across requests: the database claim (production) against celery-batches,
each through a real Celery worker process on Redis and PostgreSQL.

    .venv/bin/python bench/batching.py            # fake engine, then the real model (~20 min on 2 cores)
    .venv/bin/python bench/batching.py --fake     # the fake engine only: the mechanisms alone (~6 min)
    .venv/bin/python bench/batching.py --quick    # the fake engine, 8 requests; BENCHMARKS.md unchanged

Both modes run the same services; only how requests come together for one
generate() call differs:

- claim: production's generate_drafts_task. Each message claims its own
  request and up to GENERATION_REQUESTS_PER_CLAIM - 1 other queued requests of
  the same length (SELECT ... FOR UPDATE SKIP LOCKED); the messages of requests
  already claimed are no-ops. Prefetch 1.
- batches: bench/batching_tasks.py's celery-batches task. The worker buffers
  messages and runs the task with `flush_every` of them (or what arrived
  within `flush_interval`); the run claims exactly those requests. celery-batches
  needs the worker to reserve at least `flush_every` messages, so prefetch is
  flush_every (and, with --fake, also twice that: the next batch waits in the
  worker while one runs).

The worker is `celery -A cocreate worker -Q gpu -P prefork -c 1` (as compose
runs the GPU worker) with late acks, on a redis-server of its own and a
scratch PostgreSQL database seeded by `seed_demo`; requests are made by the
real `generation_request_create` (16 short requests of 2 variants by default).
Before timing, one request per worker loads the model. Measured from the
database: wall time (first created -> last finished), drafts/minute, requests
and prompts per generate() call (the seed a call stores is its own), request
latency created -> finished.

Scenarios, fake engine: a backlog (all requests committed together, then
published), a burst (one request after another, each published as it
commits), a trickle (one request every TRICKLE_GAP_S) and a kill: SIGKILL the
pool child in the middle of a batch and see whether the requests finish
without a restart. Real model: the burst, MODEL_ROUNDS rounds in alternating
order, with the engine's own speed (tokens/s inside generate()) beside the
wall time, since other jobs on a shared CPU move it.

Writes the "batching" section of bench/results.json ("batching_fake",
"batching_quick" for those runs) and "## Batching across requests" in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path: the repository root goes before it.
sys.path.insert(0, str(ROOT))

from bench.common import machine, machine_line, save_markdown_section, save_results  # noqa: E402
from bench.pgdb import manage, scratch_database  # noqa: E402
from bench.redis_server import redis_server  # noqa: E402

DATABASE_NAME = "cocreate_bench_batching"
REQUESTS, QUICK_REQUESTS = 16, 8
VARIANTS = 2
LENGTH = "short"
# As GENERATION_REQUESTS_PER_CLAIM: both modes aim at the same rows per generate() call.
FLUSH_EVERY = 4
# celery-batches flushes a partial buffer this often: the latency a lone request pays.
FLUSH_INTERVAL_S = 1.0
# The fake engine: a fixed cost per batch of GENERATION_BATCH_SIZE rows plus a
# cost per row, as a batched forward pass on a GPU (see bench/batching_tasks.py).
FAKE_CALL_S = 1.0
FAKE_ROW_S = 0.1
TRICKLE_GAP_S = 0.5
# backlog: all requests committed in one transaction, then published (what a worker
# finds after a busy spell); burst: one request after another, each committed and
# published at once (people clicking); trickle: one every TRICKLE_GAP_S.
# The model runs the burst only: in a backlog both mechanisms make the same full
# calls (fake engine, and the first real-model run), and the CPU's time is short.
MODEL_SCENARIOS = ("burst",)
# Each mode twice on the model, in the order claim, batches, batches, claim: the
# shared CPU's load drifts, and this spreads the drift over both.
MODEL_ROUNDS = 2
FAKE_SCENARIOS = ("backlog", "burst", "trickle")
KILL_REQUESTS = 8
# How long a worker whose child was killed gets to finish on its own.
RECOVER_WITHIN_S = 30
START_WITHIN_S = 120
# Loading the model and drafting on a busy 2-core CPU takes minutes, not seconds.
DONE_WITHIN_S = 900
POLL_S = 0.2
# celery-batches must be this much faster than the claim to be worth what it gives up.
SWITCH_MARGIN = 0.10
STOP_WITHIN_S = 60


@dataclass(frozen=True)
class Mode:
    name: str
    task: str  # the task's dotted path, published by the bench process
    prefetch: int
    description: str


CLAIM = Mode("claim", "generation.tasks.generate_drafts_task", 1, "database claim, prefetch 1 (production)")
BATCHES = Mode(
    "batches",
    "bench.batching_tasks.generate_drafts_batched_task",
    FLUSH_EVERY,
    f"celery-batches, flush_every {FLUSH_EVERY}, prefetch {FLUSH_EVERY}",
)
BATCHES_DEEP = Mode(
    "batches_prefetch_2x",
    BATCHES.task,
    2 * FLUSH_EVERY,
    f"celery-batches, flush_every {FLUSH_EVERY}, prefetch {2 * FLUSH_EVERY}",
)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _import(dotted: str) -> Any:
    module, name = dotted.rsplit(".", 1)
    return getattr(__import__(module, fromlist=[name]), name)


class Worker:
    """`celery -A cocreate worker` on the gpu queue, one prefork child, the mode's prefetch."""

    def __init__(self, mode: Mode, *, env: dict[str, str], log: Path) -> None:
        self.mode, self.env, self.log = mode, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "cocreate",
            "worker",
            "--include",
            "bench.batching_tasks",
            "-Q",
            "gpu",
            "-P",
            "prefork",
            "-c",
            "1",
            "--prefetch-multiplier",
            str(self.mode.prefetch),
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"batching-{self.mode.name}-{uuid.uuid4().hex[:6]}@%h",
            "-l",
            "info",
        ]
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_WITHIN_S
        while " ready." not in self.log.read_text()[offset:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start; see {self.log}")
            time.sleep(POLL_S)

    def child(self) -> int:
        assert self.process is not None
        pid = self.process.pid
        return int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """A warm shutdown (TERM): unacked messages go back to the queue."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextmanager
def publishing(mode: Mode) -> Iterator[None]:
    """generation_request_create publishes the mode's task (production: its own)."""
    from core.queueing import publish
    from generation import outbox

    task = _import(mode.task)
    original = outbox.request_publish
    outbox.request_publish = lambda request_id: publish(task, request_id)
    try:
        yield
    finally:
        outbox.request_publish = original


def arrive(scenario: str, count: int) -> list[int]:
    """Make `count` requests the scenario's way; their ids."""
    from django.db import transaction

    if scenario == "backlog":
        # One transaction: every row is queued before the first message is published.
        with transaction.atomic():
            return create_requests(count)
    return create_requests(count, gap_s=TRICKLE_GAP_S if scenario == "trickle" else 0.0)


def create_requests(count: int, *, gap_s: float = 0.0) -> list[int]:
    from django.contrib.auth import get_user_model

    from campaigns.models import Campaign
    from generation import services

    merchant = get_user_model().objects.get(username="merchant")
    campaign = Campaign.objects.filter(brand__memberships__user=merchant).exclude(phase="draft").first()
    ids = []
    for n in range(count):
        if n and gap_s:
            time.sleep(gap_s)
        request = services.generation_request_create(
            campaign=campaign,
            requested_by=merchant,
            kind="product_description",
            tone=campaign.tone,
            length=LENGTH,
            keywords=[],
            language=campaign.locale,
            variants=VARIANTS,
        )
        ids.append(request.pk)
    return ids


def wait_done(ids: list[int], worker: Worker, *, within_s: float = DONE_WITHIN_S) -> bool:
    """True once no request of `ids` is open; False if still open after within_s."""
    from generation.models import GenerationRequest

    deadline = time.monotonic() + within_s
    while GenerationRequest.objects.filter(pk__in=ids, status__in=GenerationRequest.OPEN_STATUSES).exists():
        if not worker.alive():
            raise RuntimeError(f"the worker exited; see {worker.log}")
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True


def measure(ids: list[int]) -> dict[str, Any]:
    """What the database says about a finished set of requests."""
    from django.db.models import Count

    from generation.models import GenerationRequest

    rows = list(
        GenerationRequest.objects.filter(pk__in=ids).annotate(drafts_n=Count("drafts")).order_by("created_at")
    )
    done = [r for r in rows if r.status == GenerationRequest.Status.DONE]
    calls: dict[int, dict[str, Any]] = {}
    for r in done:
        call = calls.setdefault(
            r.timings["seed"],
            {"requests": 0, "prompts": r.timings["batch_prompts"], "s": r.timings["generate_s"]},
        )
        call["requests"] += 1
    wall_s = (max(r.finished_at for r in done) - min(r.created_at for r in rows)).total_seconds()
    arrival_s = (max(r.created_at for r in rows) - min(r.created_at for r in rows)).total_seconds()
    latencies = [(r.finished_at - r.created_at).total_seconds() for r in done]
    drafts = sum(r.drafts_n for r in rows)
    generate_s = sum(c["s"] for c in calls.values())
    new_tokens = sum(r.timings["new_tokens"] for r in done)
    return {
        "requests": len(rows),
        "done": len(done),
        "drafts": drafts,
        "wall_s": round(wall_s, 2),
        # First created -> last created: how long the requests took to arrive.
        "arrival_s": round(arrival_s, 2),
        "drafts_per_min": round(drafts / wall_s * 60, 1),
        "generate_calls": len(calls),
        "requests_per_call": [c["requests"] for c in calls.values()],
        "prompts_per_call_mean": round(statistics.mean(c["prompts"] for c in calls.values()), 2),
        "generate_s": round(generate_s, 2),
        "s_per_call": round(generate_s / len(calls), 2),
        # How fast the engine itself ran: other jobs on a shared CPU and each
        # mode's own sampled lengths move it, whatever the batching.
        "new_tokens": new_tokens,
        "engine_tokens_per_s": round(new_tokens / generate_s, 1),
        # Wall time not spent in generate(): queueing, claims, writes, the batching wait.
        "outside_generate_s": round(wall_s - generate_s, 2),
        "latency_p50_s": round(statistics.median(latencies), 2),
        "latency_p95_s": round(_percentile(latencies, 0.95), 2),
        "max_deliveries": max(r.deliveries for r in rows),
    }


def kill_mid_batch(worker: Worker) -> dict[str, Any]:
    """SIGKILL the pool child while it generates; does the worker finish on its own?"""
    from generation.models import GenerationRequest

    ids = create_requests(KILL_REQUESTS)
    deadline = time.monotonic() + START_WITHIN_S
    while not GenerationRequest.objects.filter(pk__in=ids, status=GenerationRequest.Status.RUNNING).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no request started; see {worker.log}")
        time.sleep(POLL_S / 4)
    time.sleep(FAKE_CALL_S / 2)  # inside generate()
    killed = time.monotonic()
    os.kill(worker.child(), signal.SIGKILL)
    recovered = wait_done(ids, worker, within_s=RECOVER_WITHIN_S)
    result: dict[str, Any] = {"requests": len(ids), "recovered_without_restart": recovered}
    if recovered:
        result["done_after_kill_s"] = round(time.monotonic() - killed, 2)
    else:
        open_count = GenerationRequest.objects.filter(
            pk__in=ids, status__in=GenerationRequest.OPEN_STATUSES
        ).count()
        result["still_open_after_s"] = {"s": RECOVER_WITHIN_S, "open": open_count}
        # A warm shutdown puts the unacked messages back; a new worker redelivers them.
        worker.stop()
        worker.start()
        result["done_after_restart"] = wait_done(ids, worker)
        result["done_after_kill_s"] = round(time.monotonic() - killed, 2)
    result["max_deliveries"] = max(
        GenerationRequest.objects.filter(pk__in=ids).values_list("deliveries", flat=True)
    )
    return result


def run_mode(mode: Mode, *, count: int, fake: bool, env: dict[str, str], logs: Path) -> dict[str, Any]:
    worker_env = {**env, "BENCH_FAKE_ENGINE": "1" if fake else "0"}
    worker = Worker(mode, env=worker_env, log=logs / f"{mode.name}-{'fake' if fake else 'model'}.log")
    result: dict[str, Any] = {"mode": mode.description, "prefetch": mode.prefetch}
    with publishing(mode):
        worker.start()
        try:
            result["load_average_1m"] = round(os.getloadavg()[0], 2)
            # The first task loads the model: not part of the measurement.
            warm_up = time.monotonic()
            if not wait_done(create_requests(1), worker):
                raise RuntimeError(f"the warm-up request did not finish; see {worker.log}")
            result["warm_up_s"] = round(time.monotonic() - warm_up, 1)
            for scenario in FAKE_SCENARIOS if fake else MODEL_SCENARIOS:
                ids = arrive(scenario, count)
                if not wait_done(ids, worker):
                    raise RuntimeError(f"{mode.name}, {scenario}: requests still open; see {worker.log}")
                result[scenario] = measure(ids)
            if fake:
                result["kill"] = kill_mid_batch(worker)
        finally:
            worker.stop()
    print(f"::: {mode.name} ({'fake' if fake else 'model'}): {result}", flush=True)
    return result


def compare(rounds: list[dict[str, dict[str, Any]]], scenario: str) -> dict[str, Any]:
    """celery-batches' wall time over the claim's, summed over rounds, and calls made."""
    wall = {m: sum(r[m][scenario]["wall_s"] for r in rounds) for m in (CLAIM.name, BATCHES.name)}
    calls = {m: sum(r[m][scenario]["generate_calls"] for r in rounds) for m in (CLAIM.name, BATCHES.name)}
    return {
        "wall_ratio_batches_over_claim": round(wall[BATCHES.name] / wall[CLAIM.name], 3),
        "faster": CLAIM.name if wall[CLAIM.name] <= wall[BATCHES.name] else BATCHES.name,
        "generate_calls": calls,
    }


def run(
    *, count: int, fake_only: bool, quick: bool, broker: str, database_url: str, logs: Path
) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "BENCH_FLUSH_EVERY": str(FLUSH_EVERY),
        "BENCH_FLUSH_INTERVAL_S": str(FLUSH_INTERVAL_S),
        "BENCH_FAKE_CALL_S": str(FAKE_CALL_S),
        "BENCH_FAKE_ROW_S": str(FAKE_ROW_S),
        "PYTHONUNBUFFERED": "1",
    }
    from django.conf import settings

    data: dict[str, Any] = {
        "machine": machine(),
        "settings": {
            "requests": count,
            "variants": VARIANTS,
            "length": LENGTH,
            "requests_per_claim": settings.GENERATION_REQUESTS_PER_CLAIM,
            "engine_batch_size": settings.GENERATION_BATCH_SIZE,
            "flush_every": FLUSH_EVERY,
            "flush_interval_s": FLUSH_INTERVAL_S,
            "fake_call_s": FAKE_CALL_S,
            "fake_row_s": FAKE_ROW_S,
            "trickle_gap_s": TRICKLE_GAP_S,
            "model": Path(settings.GENERATION_MODEL).name,
        },
    }
    fake_modes = (CLAIM, BATCHES) if quick else (CLAIM, BATCHES, BATCHES_DEEP)
    fake = {m.name: run_mode(m, count=count, fake=True, env=env, logs=logs) for m in fake_modes}
    data["fake"] = {"runs": fake, **{scenario: compare([fake], scenario) for scenario in FAKE_SCENARIOS}}
    if not fake_only:
        rounds = []
        for n in range(MODEL_ROUNDS):
            order = (CLAIM, BATCHES) if n % 2 == 0 else (BATCHES, CLAIM)
            rounds.append({m.name: run_mode(m, count=count, fake=False, env=env, logs=logs) for m in order})
        data["model"] = {
            "rounds": rounds,
            **{scenario: compare(rounds, scenario) for scenario in MODEL_SCENARIOS},
        }
    return data


def _ordered(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The claim first, whatever order the runs were made or stored in."""
    return [runs[m.name] for m in (CLAIM, BATCHES, BATCHES_DEEP) if m.name in runs]


def _row(name: str, mode: dict[str, Any], scenario: str) -> str:
    r = mode[scenario]
    return (
        f"| {name} | {mode['mode']} | {r['done']}/{r['requests']} | {r['wall_s']} | {r['drafts_per_min']} "
        f"| {r['generate_calls']} | {', '.join(map(str, r['requests_per_call']))} | {r['prompts_per_call_mean']} "
        f"| {r['s_per_call']} | {r['engine_tokens_per_s']} | {r['outside_generate_s']} | {r['latency_p50_s']} "
        f"| {r['latency_p95_s']} | {mode['load_average_1m']} |"
    )


TABLE_HEAD = (
    "| engine, scenario | mode | done | wall s | drafts/min | generate() calls | requests per call "
    "| prompts per call | s per call | engine tok/s | s outside generate() | latency p50 s | p95 s | load 1m |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def _kill_line(name: str, kill: dict[str, Any]) -> str:
    if kill["recovered_without_restart"]:
        return (
            f"- {name}: all {kill['requests']} requests done {kill['done_after_kill_s']} s after the kill, "
            f"no restart (at most {kill['max_deliveries']} deliveries)."
        )
    stuck = kill["still_open_after_s"]
    return (
        f"- {name}: {stuck['open']} of {kill['requests']} requests still open {stuck['s']} s after the kill, "
        "the worker idle; done only after a worker restart "
        f"({kill['done_after_kill_s']} s after the kill, at most {kill['max_deliveries']} deliveries)."
    )


def markdown(data: dict[str, Any]) -> str:
    info, s = data["machine"], data["settings"]
    fake = data["fake"]["runs"]
    lines = [
        "`bench/batching.py`. The same requests through the same services (claim, run, complete) by a real "
        "worker (`celery -A cocreate worker -Q gpu -P prefork -c 1`, late acks) on a redis-server of its own "
        "and a scratch PostgreSQL seeded by `seed_demo`; only the batching mechanism differs. **claim**: "
        "production's `generate_drafts_task`, each message claims its request and up to "
        f"{s['requests_per_claim'] - 1} other queued ones of the same length (`FOR UPDATE SKIP LOCKED`), "
        "prefetch 1. **batches**: celery-batches 0.11 (`bench/batching_tasks.py`), the worker buffers "
        f"messages and runs the task with {s['flush_every']} (or whatever arrived within "
        f"{s['flush_interval_s']} s); the run claims exactly those. Requests: {s['requests']} × "
        f"{s['variants']} variants, `{s['length']}`, made by `generation_request_create`; one request per "
        "worker first loads the model. Latency is created -> finished; a call is one `generate()`.",
        "",
        f"Machine: {machine_line(info)}. Load average when it started: {info['load_average_1m']}.",
        "",
        TABLE_HEAD,
    ]
    if "model" in data:
        for n, model_round in enumerate(data["model"]["rounds"], start=1):
            for scenario in MODEL_SCENARIOS:
                for mode in _ordered(model_round):
                    lines.append(_row(f"{s['model']}, {scenario}, round {n}", mode, scenario))
    for scenario in FAKE_SCENARIOS:
        for mode in _ordered(fake):
            lines.append(_row(f"fake, {scenario}", mode, scenario))
    lines += [
        "",
        "Backlog: all requests committed in one transaction, then published (what a worker finds after "
        "a busy spell). Burst: one request after another, each published as it commits (people "
        f"clicking). Trickle: one request every {s['trickle_gap_s']} s. The fake engine sleeps "
        f"{s['fake_call_s']} s per batch of {s['engine_batch_size']} rows plus {s['fake_row_s']} s per "
        "row: the mechanisms alone, whatever else the CPU runs.",
        "",
        f"Kill mid-batch (fake engine, {KILL_REQUESTS} requests, SIGKILL to the pool child inside generate()):",
        "",
        *(_kill_line(mode["mode"], mode["kill"]) for mode in _ordered(fake)),
        "",
        *verdict(data),
        "",
        CORRECTNESS,
    ]
    return "\n".join(lines)


# celery-batches differs from the claim in more than speed; from its source
# (0.11, celery_batches/__init__.py and trace.py) and billiard's pool.
CORRECTNESS = """Correctness, beyond speed (celery-batches 0.11 source, `Batches.flush`, and billiard's pool):

- **Redelivery after a SIGKILL.** celery-batches acks a batch's messages (late acks) in the pool's
  success callback only. A child killed by SIGKILL or the OOM killer, or stopped by a hard time
  limit, calls no callback, and the batch has no error callback: its messages are neither acked nor
  rejected, so `reject_on_worker_lost` does nothing. They stay reserved by the worker and fill its
  prefetch window: the worker takes no new message until it is restarted (a warm shutdown puts them
  back) or Redis' visibility timeout (4 h here) passes; the kill runs above show it. With the claim,
  Celery rejects and requeues the message (`reject_on_worker_lost`), it comes back within
  seconds, and the claim takes back the requests its task id held.
- **Time limits.** The batch goes to the pool without the task's soft and hard limits (only
  worker-wide `--time-limit`s would apply), so `GENERATION_SOFT_TIME_LIMIT` and
  `GENERATION_HARD_TIME_LIMIT` are not enforced: the "Timed out" failure never happens and a hung
  `generate()` holds the GPU for good.
- **Retries and errors.** A batch run has a new id and no message of its own: `autoretry_for`
  (a database that blinked) cannot retry it. An exception is logged and swallowed and the messages
  are acked, so the requests stay `running` until the sweeper (hard limit + margin, 13 minutes)
  requeues them.
- **Poison-pill cap.** Still per request (the claim counts deliveries in both modes), but with
  celery-batches a crash redelivers only after a restart, and it takes the whole batch with it.
- **Prefetch.** celery-batches needs the worker to reserve at least `flush_every` messages. With
  several GPU workers, a busy one holds messages an idle one could run; the claim reserves one
  message and takes other requests only when a call starts, so an idle worker always finds them.
- **Packaging.** celery-batches 0.11 (alpha) declares `celery<5.7`; the project pins 5.7.0, so it
  installs only with `--no-deps` (`requirements/bench.txt`). It ran on 5.7 here, unsupported."""


def verdict(data: dict[str, Any]) -> list[str]:
    """The mechanisms alone (fake engine) decide; the real model says what a call costs."""
    fake = {scenario: data["fake"][scenario] for scenario in FAKE_SCENARIOS}
    line = "**Verdict.** celery-batches' wall time over the claim's, fake engine (the mechanisms alone): " + (
        ", ".join(f"{scenario} {c['wall_ratio_batches_over_claim']:.2f}×" for scenario, c in fake.items())
    )
    if "model" in data:
        model = data["model"]["burst"]
        speeds = [r[m]["burst"]["engine_tokens_per_s"] for r in data["model"]["rounds"] for m in r]
        line += (
            f"; real model, burst, {MODEL_ROUNDS} rounds: {model['wall_ratio_batches_over_claim']:.2f}× "
            f"({model['generate_calls'][CLAIM.name]} generate() calls for the claim, "
            f"{model['generate_calls'][BATCHES.name]} for celery-batches). On the real model the engine's "
            f"own speed moved from {min(speeds)} to {max(speeds)} tokens/s between runs with the other jobs "
            "on the shared CPU, more than either mechanism moves the wall time: the calls are the "
            "mechanism's share there"
        )
    line += ". "
    if all(c["wall_ratio_batches_over_claim"] < 1 - SWITCH_MARGIN for c in fake.values()):
        line += (
            f"celery-batches is more than {SWITCH_MARGIN:.0%} faster in every scenario, but production keeps "
            "the database claim until the correctness gaps below are closed: the integrator decides."
        )
    else:
        line += (
            "**Kept: the database claim** (`generate_drafts_task` with `generation_requests_claim`, prefetch 1). "
            "With a backlog both make the same full calls (the claim also runs a no-op task for each request "
            "already claimed, tens of milliseconds each). In a burst the claim's first run starts as soon as "
            "the first request commits and takes only what is queued by then, so a burst costs it one more, "
            "partial, call; celery-batches waits for `flush_every` messages and fills every call. In a "
            "trickle that wait turns against it: each flush takes what arrived within `flush_interval`, so "
            "calls are smaller and requests wait longer than with a claim that starts at once. celery-batches "
            "wins only the burst, and gives up time limits, retries and redelivery after a crash (below)."
        )
    return [line]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fake", action="store_true", help="the fake engine only (no model)")
    parser.add_argument(
        "--quick", action="store_true", help=f"the fake engine, {QUICK_REQUESTS} requests, two modes"
    )
    args = parser.parse_args()
    count = QUICK_REQUESTS if args.quick else REQUESTS
    with (
        redis_server() as broker,
        scratch_database(DATABASE_NAME) as database_url,
        tempfile.TemporaryDirectory(prefix="cocreate-batching-") as logs,
    ):
        # Anything seed_demo publishes goes to this broker, never to another's.
        os.environ["CELERY_BROKER_URL"] = broker
        manage(database_url, "seed_demo")
        os.environ["DATABASE_URL"] = database_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "cocreate.settings"
        # One merchant makes every request: the per-person quota stays out of the way.
        os.environ["GENERATION_MAX_OPEN_PER_USER"] = str(count + KILL_REQUESTS + 1)
        import django

        django.setup()
        try:
            data = run(
                count=count,
                fake_only=args.fake or args.quick,
                quick=args.quick,
                broker=broker,
                database_url=database_url,
                logs=Path(logs),
            )
        except Exception:
            for log in sorted(Path(logs).glob("*.log")):
                print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
        finally:
            from django.db import connections

            connections.close_all()  # or dropping the scratch database waits on this session
    section = "batching_quick" if args.quick else "batching_fake" if args.fake else "batching"
    save_results(section, data)
    if section == "batching":
        save_markdown_section("Batching across requests", markdown(data))
    print(markdown(data))


if __name__ == "__main__":
    main()
