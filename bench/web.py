"""Web throughput: a bare JSON view (W1), the ideas API list (W2) and the
campaign page (W4), each under the same gunicorn and the same load.

    .venv/bin/python bench/web.py            # 20 s per page, 16 connections
    .venv/bin/python bench/web.py --quick    # 5 s per page

bench/loadtest.py starts the site (gunicorn, 2 workers x 1 thread, on a scratch
PostgreSQL database seeded with `seed_demo`) and drives it with wrk on
loopback. Reported per page: requests/s, p50 and p99 latency, errors; and the
ratios W2/W1 and W4/W1, which say what the page costs over Django itself
(target: 0.3 or more each).

Writes the "web" section of bench/results.json and "## Web" in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path: the repository root goes before it.
sys.path.insert(0, str(ROOT))

from bench.common import machine, machine_line, save_markdown_section, save_results  # noqa: E402
from bench.loadtest import (  # noqa: E402
    GUNICORN_THREADS,
    GUNICORN_WORKERS,
    WRK_THREADS,
    LoadResult,
    check_page,
    seeded_site,
    wrk,
)

PAGES = {
    "W1": ("bare JSON view", "/bench/ping/"),
    "W2": ("ideas API list", "/api/v1/ideas/?campaign={slug}"),
    "W4": ("campaign page", "/c/{slug}/"),
}
BASELINE = "W1"
TARGET_RATIO = 0.3
SECONDS, QUICK_SECONDS = 20, 5
CONNECTIONS = 16


def run(*, seconds: int, connections: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cocreate-web-") as logs, seeded_site(Path(logs)) as site:
        results: dict[str, LoadResult] = {}
        sizes: dict[str, int] = {}
        for key, (_label, template) in PAGES.items():
            path = template.format(slug=site.campaign_slug)
            sizes[key] = check_page(site, path)
            results[key] = wrk(site, path, seconds=seconds, connections=connections)
            print(f"{key} {path}: {results[key]}", flush=True)
    baseline = results[BASELINE].requests_per_s
    return {
        "machine": machine(),
        "database": site.database,
        "gunicorn": {"workers": GUNICORN_WORKERS, "threads": GUNICORN_THREADS},
        "load": {"tool": "wrk", "threads": WRK_THREADS, "connections": connections, "seconds": seconds},
        "pages": {
            key: {**asdict(result), "label": PAGES[key][0], "bytes": sizes[key]}
            for key, result in results.items()
        },
        "ratios": {
            key: round(r.requests_per_s / baseline, 3) for key, r in results.items() if key != BASELINE
        },
        "target_ratio": TARGET_RATIO,
    }


def markdown(data: dict) -> str:
    info, load = data["machine"], data["load"]
    rows = [
        "| page | path | requests/s | p50 ms | p99 ms | errors | bytes | ratio to W1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, page in data["pages"].items():
        ratio = data["ratios"].get(key)
        verdict = (
            ""
            if ratio is None
            else f"{ratio:.2f} ({'meets' if ratio >= TARGET_RATIO else 'misses'} ≥ {TARGET_RATIO})"
        )
        rows.append(
            f"| {key} {page['label']} | `{page['path']}` | {page['requests_per_s']:.0f} | {page['p50_ms']:.1f} "
            f"| {page['p99_ms']:.1f} | {page['errors']} | {page['bytes']} | {verdict or '1.00'} |"
        )
    return "\n".join(
        [
            "`bench/web.py` (`make bench` runs it). gunicorn "
            f"({data['gunicorn']['workers']} workers x {data['gunicorn']['threads']} thread, `bench.settings`: "
            f"DEBUG off, collected static files) on {data['database']} seeded with `seed_demo`; "
            f"wrk on loopback, {load['threads']} threads, {load['connections']} connections, "
            f"{load['seconds']} s per page after a warm-up. Anonymous visitor.",
            "",
            f"Machine: {machine_line(info)}. Load average when it started: {info['load_average_1m']} "
            f"(wrk and gunicorn share the {info['cores_usable']} cores).",
            "",
            *rows,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SECONDS} s per page")
    parser.add_argument("--seconds", type=int, help=f"seconds per page (default {SECONDS})")
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args()
    seconds = args.seconds or (QUICK_SECONDS if args.quick else SECONDS)
    data = run(seconds=seconds, connections=args.connections)
    save_results("web_quick" if args.quick else "web", data)
    if not args.quick:
        save_markdown_section("Web", markdown(data))
    print(markdown(data))


if __name__ == "__main__":
    main()
