"""Peak memory (RSS high-water mark, VmHWM) of each kind of process, after real work.

    .venv/bin/python bench/memory.py            # 10 s of W2 and W4 load
    .venv/bin/python bench/memory.py --quick    # 4 s each

- web: each gunicorn worker of bench/loadtest.py's site after loading the
  ideas API list (W2) and the campaign page (W4); target < 200 MB, and torch
  must not be mapped into the process (the web never imports it);
- gpu worker: `celery -A cocreate worker -Q gpu -P prefork -c 1` (as
  docker/compose.yml runs it) after its child drafted one request with the
  default model (`manage.py prepare_model` first); target < 2 GB;
- default worker: `celery -A cocreate worker -Q default -c 1` after one
  embeddings backfill batch (up to 128 of the demo's ideas and comments: the
  MiniLM encoder and the sentiment model load in its child) and the themes
  runs it starts.

All on the seeded scratch database of bench/loadtest.py, with a redis-server
of its own as the broker.

Writes the "memory" section of bench/results.json and "## Memory" in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path: the repository root goes before it.
sys.path.insert(0, str(ROOT))

from bench.common import machine, machine_line, save_markdown_section, save_results  # noqa: E402
from bench.loadtest import Site, peak_rss_mib, seeded_site, wrk  # noqa: E402
from bench.redis_server import redis_server  # noqa: E402

LOAD_SECONDS, QUICK_LOAD_SECONDS = 10, 4
CONNECTIONS = 16
WEB_TARGET_MIB = 200
GPU_TARGET_MIB = 2048
# Loading a model and drafting on a busy 2-core CPU takes minutes, not seconds.
WORK_WITHIN_S = 600
START_WITHIN_S = 90
POLL_S = 1


def _maps_torch(pid: int) -> bool:
    return "libtorch" in Path(f"/proc/{pid}/maps").read_text()


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _wait(condition, what: str, log: Path) -> None:
    deadline = time.monotonic() + WORK_WITHIN_S
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {WORK_WITHIN_S} s; see {log}")
        time.sleep(POLL_S)


def web(site: Site, seconds: int) -> dict:
    for template in ("/api/v1/ideas/?campaign={slug}", "/c/{slug}/"):
        wrk(site, template.format(slug=site.campaign_slug), seconds=seconds, connections=CONNECTIONS)
    workers = site.worker_pids()
    return {
        "workers_peak_mib": [round(peak_rss_mib(pid), 1) for pid in workers],
        "torch_mapped": any(_maps_torch(pid) for pid in workers),
        "target_mib": WEB_TARGET_MIB,
    }


def _celery_worker(site: Site, broker: str, log: Path, *options: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DATABASE_URL": site.database_url,
        "CELERY_BROKER_URL": broker,
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "cocreate",
        "worker",
        *options,
        "-l",
        "info",
    ]
    with log.open("w") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_WITHIN_S
    while " ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start; see {log}")
        time.sleep(POLL_S)
    return worker


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    worker.wait(timeout=START_WITHIN_S)


def gpu_worker(site: Site, broker: str, logs: Path) -> dict:
    from django.contrib.auth import get_user_model

    from campaigns.models import Campaign
    from generation import services
    from generation.models import GenerationRequest

    log = logs / "gpu-worker.log"
    worker = _celery_worker(site, broker, log, "-Q", "gpu", "-P", "prefork", "-c", "1")
    try:
        child = _children(worker.pid)[0]
        merchant = get_user_model().objects.get(username="merchant")
        campaign = Campaign.objects.filter(brand__memberships__user=merchant).exclude(phase="draft").first()
        request = services.generation_request_create(
            campaign=campaign,
            requested_by=merchant,
            kind="product_description",
            tone=campaign.tone,
            length="short",
            keywords=[],
            language=campaign.locale,
            variants=2,
        )
        _wait(lambda: not GenerationRequest.objects.get(pk=request.pk).is_open, "the draft", log)
        request.refresh_from_db()
        return {
            "peak_mib": round(peak_rss_mib(child), 1),
            "parent_peak_mib": round(peak_rss_mib(worker.pid), 1),
            "request_status": request.status,
            "model": request.model_name,
            "target_mib": GPU_TARGET_MIB,
        }
    finally:
        _stop(worker)


def _all_tasks_finished(log: Path) -> bool:
    """Every task the worker received has ended (and the backfill was one of them)."""
    lines = log.read_text().splitlines()
    received = sum(" received" in line for line in lines)
    ended = sum(any(word in line for word in (" succeeded in ", " raised ", " retry: ")) for line in lines)
    return (
        any("embeddings_backfill_task" in line and " succeeded in " in line for line in lines)
        and ended >= received
    )


def default_worker(site: Site, broker: str, logs: Path) -> dict:
    from intelligence.tasks import embeddings_backfill_task

    log = logs / "default-worker.log"
    worker = _celery_worker(site, broker, log, "-Q", "default", "-c", "1")
    try:
        child = _children(worker.pid)[0]
        # One batch of ideas and comments, and the themes runs it starts.
        embeddings_backfill_task.delay()
        _wait(lambda: _all_tasks_finished(log), "the embeddings backfill", log)
        return {
            "parent_peak_mib": round(peak_rss_mib(worker.pid), 1),
            "child_peak_mib": round(peak_rss_mib(child), 1),
        }
    finally:
        _stop(worker)


def run(seconds: int) -> dict:
    with (
        tempfile.TemporaryDirectory(prefix="cocreate-memory-") as folder,
        redis_server() as broker,
        seeded_site(Path(folder)) as site,
    ):
        logs = Path(folder)
        data = {"machine": machine(), "database": site.database, "web": web(site, seconds)}
        print(f"web: {data['web']}", flush=True)
        subprocess.run([sys.executable, "manage.py", "prepare_model"], cwd=ROOT, check=True)
        os.environ["DATABASE_URL"], os.environ["CELERY_BROKER_URL"] = site.database_url, broker
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
        import django

        django.setup()
        data["gpu_worker"] = gpu_worker(site, broker, logs)
        print(f"gpu worker: {data['gpu_worker']}", flush=True)
        data["default_worker"] = default_worker(site, broker, logs)
        print(f"default worker: {data['default_worker']}", flush=True)
        from django.db import connections

        connections.close_all()
    return data


def markdown(data: dict) -> str:
    info, web_, gpu, default = data["machine"], data["web"], data["gpu_worker"], data["default_worker"]
    web_peak = max(web_["workers_peak_mib"])
    return "\n".join(
        [
            "`bench/memory.py`. Peak resident memory (VmHWM) after real work, on the seeded demo "
            f"({data['database']}).",
            "",
            f"Machine: {machine_line(info)}. Load average when it started: {info['load_average_1m']}.",
            "",
            "| process | after | peak MiB | target |",
            "|---|---|---|---|",
            f"| gunicorn web worker (each of {len(web_['workers_peak_mib'])}) | W2 and W4 under load | "
            f"{', '.join(str(m) for m in web_['workers_peak_mib'])} | < {WEB_TARGET_MIB}: "
            f"{'meets' if web_peak < WEB_TARGET_MIB else 'misses'}; torch mapped: {'yes' if web_['torch_mapped'] else 'no'} |",
            f"| `gpu` worker child (`-P prefork -c 1`, {gpu['model']}) | one request, 2 drafts "
            f"({gpu['request_status']}) | {gpu['peak_mib']} "
            f"| < {GPU_TARGET_MIB}: {'meets' if gpu['peak_mib'] < GPU_TARGET_MIB else 'misses'} |",
            f"| `gpu` worker parent | (forks the child, never loads the model) | {gpu['parent_peak_mib']} | |",
            f"| `default` worker child (`-c 1`) | a backfill batch of the demo (MiniLM, sentiment) and themes | "
            f"{default['child_peak_mib']} | |",
            f"| `default` worker parent | (forks the child, runs no task) | {default['parent_peak_mib']} | |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LOAD_SECONDS} s of load per page")
    args = parser.parse_args()
    data = run(QUICK_LOAD_SECONDS if args.quick else LOAD_SECONDS)
    save_results("memory_quick" if args.quick else "memory", data)
    if not args.quick:
        save_markdown_section("Memory", markdown(data))
    print(markdown(data))


if __name__ == "__main__":
    main()
